package io.statestore.client;

/** Redis could not be reached or did not answer in time. Reads are safe to retry; see {@link #outcomeUnknown()} for writes. */
public final class UnavailableException extends StateStoreException {
    private final boolean outcomeUnknown;

    public UnavailableException(String message, boolean outcomeUnknown, Throwable cause) {
        super(ErrorCode.UNAVAILABLE, message, cause);
        this.outcomeUnknown = outcomeUnknown;
    }

    /** True when a write was sent but no reply came: it may or may not have been committed. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
