package io.statestore.client;

/** What went wrong, grouped by what the caller can do about it. */
public enum ErrorCode {
    /** Redis is down, unreachable or timing out: try again later. */
    UNAVAILABLE(true),
    /**
     * The document changed since it was read, or exists when it should not: re-read, then decide
     * on a new write. Not retryable: the revision a conditional write named never comes back, and
     * the client has already retried its own unconditional writes ({@code maxAttempts}).
     */
    CONFLICT(false),
    /** The document (or a path inside it) does not exist. */
    NOT_FOUND(false),
    /** The request is wrong: bad JSON, bad path, wrong type at a path, invalid key, bad option. */
    INVALID_INPUT(false),
    /**
     * The credential is missing, wrong, or its role may not do this (a reader writing, a writer
     * changing store settings): use another credential (docs/security.md).
     */
    PERMISSION_DENIED(false);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether repeating the same request, unchanged, later may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
