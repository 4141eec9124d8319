package io.statestore.migrate;

/** What happened (or, in a dry run, would happen) to one file. */
public enum Action {
    /** A new document was written. */
    CREATE("create"),
    /** An existing document was replaced with the file's content. */
    UPDATE("update"),
    /** The document already holds the file's content: nothing written, no event. */
    UNCHANGED("unchanged"),
    /** A document with different content exists and {@code --on-existing skip} kept it. */
    KEPT("kept"),
    /**
     * The file changed, but so did its document since this migration imported it (its revision
     * moved past the one the ledger recorded): left alone unless {@code --overwrite-live-changes}.
     */
    CHANGED_IN_STORE("changed-in-store"),
    /** No rule maps the file, or it is a link or special file. */
    SKIPPED("skipped"),
    /** The file is damaged and was not imported. */
    QUARANTINED("quarantined"),
    /** The file could not be imported (conflict, invalid key, Redis error). */
    FAILED("failed");

    private final String label;

    Action(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether this outcome makes the run exit with 1. */
    public boolean isProblem() {
        return this == QUARANTINED || this == FAILED || this == CHANGED_IN_STORE;
    }
}
