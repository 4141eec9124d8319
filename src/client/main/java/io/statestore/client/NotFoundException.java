package io.statestore.client;

/** The document, or the path inside it, does not exist. */
public final class NotFoundException extends StateStoreException {
    private final String key;

    public NotFoundException(String key, String message) {
        super(ErrorCode.NOT_FOUND, message, null);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
