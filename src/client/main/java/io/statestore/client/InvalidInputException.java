package io.statestore.client;

/** The request cannot succeed as given: bad JSON, bad path, wrong type at a path, invalid key or option. */
public final class InvalidInputException extends StateStoreException {
    public InvalidInputException(String message) {
        super(ErrorCode.INVALID_INPUT, message, null);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(ErrorCode.INVALID_INPUT, message, cause);
    }
}
