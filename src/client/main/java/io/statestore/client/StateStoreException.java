package io.statestore.client;

/**
 * The one exception family of statestore. Subclasses say what the caller can do:
 * {@link UnavailableException}, {@link ConflictException}, {@link NotFoundException},
 * {@link InvalidInputException}.
 */
public abstract class StateStoreException extends RuntimeException {
    private final ErrorCode code;

    protected StateStoreException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
