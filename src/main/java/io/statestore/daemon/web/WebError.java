package io.statestore.daemon.web;

/** An HTTP error in our words: the status and a message naming what is wrong. */
public final class WebError extends RuntimeException {
    private final int status;

    public WebError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
