package io.statestore.daemon.backup;

/** A backup could not be made (save failed, file unreadable, verification failed, aborted). */
public final class BackupException extends Exception {
    private static final long serialVersionUID = 1L;

    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
