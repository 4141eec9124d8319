package io.statestore.cli;

/**
 * A failure of a CLI command that is not a {@link io.statestore.client.StateStoreException}
 * (an unreadable file, a bad duration): printed as one line on stderr, exit code 1.
 */
public final class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
