package io.statestore.migrate;

/**
 * The rules that decide what to do with one readable, mapped file, given its ledger entry and
 * the document now at its key. Pure: no I/O, so the rules are tested on their own.
 */
final class Decision {
    /** {@code write}: "doc" (ss_put + ledger), "ledger" (ledger entry only) or "none". */
    record Plan(Action action, String write, Long ifRevision, String code, String reason) {
    }

    private Decision() {
    }

    static Plan decide(SourceFile file, String key, LedgerEntry ledger, StoredState stored, OnExisting onExisting) {
        if (ledger != null && ledger.matches(file.sha256(), key)) {
            return new Plan(Action.UNCHANGED, "none", null, null, null);
        }
        if (stored.error() != null) {
            return new Plan(Action.FAILED, "none", null, "unwritable-key", stored.error());
        }
        if (stored.holds(file)) {
            // imported before the ledger entry was written, or put there by someone else: no event
            return new Plan(Action.UNCHANGED, "ledger", null, null, null);
        }
        if (!stored.exists()) {
            return new Plan(Action.CREATE, "doc", 0L, null, null);
        }
        Long ifrev = stored.revision() > 0 ? stored.revision() : null;
        boolean ours = ledger != null && key.equals(ledger.key());
        if (ours || onExisting == OnExisting.OVERWRITE) {
            return new Plan(Action.UPDATE, "doc", ifrev, null, null);
        }
        if (onExisting == OnExisting.SKIP) {
            return new Plan(Action.KEPT, "none", null, "exists",
                    "\"" + key + "\" already holds a different document (kept: --on-existing skip)");
        }
        return new Plan(Action.FAILED, "none", null, "exists",
                "\"" + key + "\" already holds a different document (use --on-existing skip or overwrite)");
    }
}
