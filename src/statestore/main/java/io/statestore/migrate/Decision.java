package io.statestore.migrate;

/**
 * The rules that decide what to do with one readable, mapped file, given its ledger entry and
 * the document now at its key. Pure: no I/O, so the rules are tested on their own.
 */
final class Decision {
    /**
     * {@code write}: "doc" (ss_put + ledger), "ledger" (ledger entry only) or "none".
     * {@code recorded}/{@code current}: for a document changed in the store since import, the
     * revision the ledger recorded (null in entries older than revisions) and the one read now.
     */
    record Plan(Action action, String write, Long ifRevision, String code, String reason, Long recorded, Long current) {
        Plan(Action action, String write, Long ifRevision, String code, String reason) {
            this(action, write, ifRevision, code, reason, null, null);
        }
    }

    /** What the user allowed: the {@code --on-existing} policy and {@code --overwrite-live-changes}. */
    record Policy(OnExisting onExisting, boolean overwriteLiveChanges, String importWriter) {}

    /** The writer name the function library gives tombstones of expired documents. */
    static final String EXPIRY_WRITER = "redis-expiry";

    private Decision() {}

    static Plan decide(SourceFile file, String key, LedgerEntry ledger, StoredState stored, OnExisting onExisting) {
        return decide(file, key, ledger, stored, new Policy(onExisting, false, null));
    }

    static Plan decide(SourceFile file, String key, LedgerEntry ledger, StoredState stored, Policy policy) {
        if (ledger != null && ledger.matches(file.sha256(), key)) {
            // the file did not change: nothing to do, whatever happened to the document since
            return new Plan(Action.UNCHANGED, "none", null, null, null);
        }
        if (stored.error() != null) {
            return new Plan(Action.FAILED, "none", null, "unwritable-key", stored.error());
        }
        if (stored.holds(file)) {
            // imported before the ledger entry was written, or put there by someone else: no event
            return new Plan(Action.UNCHANGED, "ledger", null, null, null);
        }
        boolean ours = ledger != null && key.equals(ledger.key());
        if (ours && changedSinceImport(ledger, stored, policy.importWriter())) {
            Long recorded = ledger.revision();
            long current = stored.revision();
            if (policy.overwriteLiveChanges()) {
                // compare-and-set on the revision just read: a change landing meanwhile is a conflict
                Action a = stored.exists() ? Action.UPDATE : Action.CREATE;
                return new Plan(
                        a,
                        "doc",
                        stored.exists() ? current : 0L,
                        "live-change-overwritten",
                        describe(key, recorded, stored) + "; replaced (--overwrite-live-changes)",
                        recorded,
                        current);
            }
            return new Plan(
                    Action.CHANGED_IN_STORE,
                    "none",
                    null,
                    "changed-in-store",
                    describe(key, recorded, stored) + "; left alone (--overwrite-live-changes replaces it)",
                    recorded,
                    current);
        }
        if (!stored.exists()) {
            return new Plan(Action.CREATE, "doc", 0L, null, null);
        }
        Long ifrev = stored.revision() > 0 ? stored.revision() : null;
        if (ours || policy.onExisting() == OnExisting.OVERWRITE) {
            return new Plan(Action.UPDATE, "doc", ifrev, null, null);
        }
        if (policy.onExisting() == OnExisting.SKIP) {
            return new Plan(
                    Action.KEPT,
                    "none",
                    null,
                    "exists",
                    "\"" + key + "\" already holds a different document (kept: --on-existing skip)");
        }
        return new Plan(
                Action.FAILED,
                "none",
                null,
                "exists",
                "\"" + key + "\" already holds a different document (use --on-existing skip or overwrite)");
    }

    /**
     * Whether the document moved on since this migration wrote it: its revision differs from the
     * ledger's. Entries written before revisions were recorded fall back to the metadata's
     * writer: a document last written by someone other than the importer has changed.
     */
    static boolean changedSinceImport(LedgerEntry ledger, StoredState stored, String importWriter) {
        if (!stored.exists() && EXPIRY_WRITER.equals(stored.writer())) {
            // expired by the TTL its mapping rule gave it: not someone else's change
            return false;
        }
        if (ledger.revision() != null) {
            return stored.revision() != ledger.revision();
        }
        return importWriter != null
                && stored.writer() != null
                && !stored.writer().equals(importWriter);
    }

    private static String describe(String key, Long recorded, StoredState stored) {
        String what = stored.exists() ? "changed" : "deleted";
        String rec = recorded == null
                ? "not recorded (older ledger entry), last writer " + stored.writer()
                : Long.toString(recorded);
        return "\"" + key + "\" " + what + " in the store since import (imported revision " + rec + ", store revision "
                + stored.revision() + ")";
    }
}
