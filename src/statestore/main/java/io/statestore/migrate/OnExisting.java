package io.statestore.migrate;

/**
 * What to do when a file's key already holds a different document that this migration did not
 * write (no ledger entry for the file): keep it, replace it, or report the file as failed.
 */
public enum OnExisting {
    SKIP,
    OVERWRITE,
    FAIL
}
