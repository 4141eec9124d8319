package io.statestore.client;

import java.util.OptionalLong;

/** The document's revision was not the one the write expected (or it existed when it should not). */
public final class ConflictException extends StateStoreException {
    private final String key;
    private final OptionalLong currentRevision;

    public ConflictException(String key, OptionalLong currentRevision, String message) {
        super(ErrorCode.CONFLICT, message, null);
        this.key = key;
        this.currentRevision = currentRevision;
    }

    public String key() {
        return key;
    }

    /** The document's revision when the write was refused; empty when it does not exist. */
    public OptionalLong currentRevision() {
        return currentRevision;
    }
}
