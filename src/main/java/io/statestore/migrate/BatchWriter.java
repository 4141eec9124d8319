package io.statestore.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;

/**
 * Decides and commits one batch: ledger check first (unchanged files cost one HMGET), then,
 * for the rest, WATCH + read ledger and documents + MULTI/EXEC of the writes with their
 * ledger entries. A WATCH failure (someone wrote meanwhile) re-reads and decides again.
 */
final class BatchWriter {
    /** Files per MULTI/EXEC; each watches 2 keys per file plus the ledger. */
    static final int COMMIT_CHUNK = 100;

    private final ImportTarget target;
    private final OnExisting onExisting;
    private final boolean dryRun;

    private final Consumer<SourceFile> onQuarantine;

    BatchWriter(ImportTarget target, OnExisting onExisting, boolean dryRun, Consumer<SourceFile> onQuarantine) {
        this.onQuarantine = onQuarantine;
        this.target = target;
        this.onExisting = onExisting;
        this.dryRun = dryRun;
    }

    void write(List<Importer.Item> items, List<SourceFile> files, Map<String, FileOutcome> outcomes) {
        List<String> paths = items.stream().map(i -> i.entry().path()).toList();
        List<String> ledger = target.ledger(paths);
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            LedgerEntry e = LedgerEntry.parse(ledger.get(i));
            SourceFile f = files.get(i);
            if (e != null && e.matches(f.sha256(), items.get(i).key())) {
                // imported before with this exact content: not even parsed
                outcomes.put(f.path(), FileOutcome.of(f.path(), items.get(i).key(), Action.UNCHANGED));
            } else if (f.quarantined()) {
                outcomes.put(f.path(), FileOutcome.problem(f.path(), items.get(i).key(), Action.QUARANTINED,
                        f.quarantineCode(), f.quarantineReason()).withBom(f.bomStripped()));
                onQuarantine.accept(f);
            } else {
                pending.add(i);
            }
        }
        // WATCH costs O(n^2) in the number of watched keys on Redis 7.0: commit in chunks
        for (int from = 0; from < pending.size(); from += COMMIT_CHUNK) {
            commit(items, files, pending.subList(from, Math.min(pending.size(), from + COMMIT_CHUNK)), paths, outcomes);
        }
    }

    private void commit(List<Importer.Item> items, List<SourceFile> files, List<Integer> pending, List<String> paths,
                        Map<String, FileOutcome> outcomes) {
        List<String> keys = pending.stream().map(i -> items.get(i).key()).toList();
        List<String> pendingPaths = pending.stream().map(paths::get).toList();
        for (int attempt = 1; attempt <= Importer.maxAttempts(); attempt++) {
            if (!dryRun) {
                target.watch(keys);
            }
            List<String> rawLedger = target.ledger(pendingPaths);
            Map<String, StoredState> stored = target.read(keys);
            List<ImportTarget.Write> writes = new ArrayList<>();
            List<FileOutcome> planned = new ArrayList<>();
            for (int j = 0; j < pending.size(); j++) {
                int i = pending.get(j);
                Importer.Item it = items.get(i);
                SourceFile f = files.get(i);
                Decision.Plan p = Decision.decide(f, it.key(), LedgerEntry.parse(rawLedger.get(j)), stored.get(it.key()), onExisting);
                FileOutcome o = FileOutcome.problem(f.path(), it.key(), p.action(), p.code(), p.reason()).withBom(f.bomStripped());
                planned.add(o);
                if (!p.write().equals("none")) {
                    writes.add(new ImportTarget.Write(f.path(), it.key(), p.write().equals("doc") ? f.text() : null,
                            p.ifRevision(), it.rule().ttl().orElse(null), new LedgerEntry(f.sha256(), it.key()),
                            rawLedger.get(j)));
                }
            }
            if (dryRun || writes.isEmpty()) {
                if (!dryRun) {
                    target.unwatch();
                }
                planned.forEach(o -> outcomes.put(o.path(), o));
                return;
            }
            List<ImportTarget.Committed> committed = target.commit(writes);
            if (committed == null) {
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000L * Math.min(attempt * 5, 100)));
                continue;
            }
            for (FileOutcome o : planned) {
                outcomes.put(o.path(), o);
            }
            for (int w = 0; w < writes.size(); w++) {
                ImportTarget.Write wr = writes.get(w);
                ImportTarget.Committed c = committed.get(w);
                FileOutcome o = outcomes.get(wr.path());
                if (c.error() != null) {
                    outcomes.put(wr.path(), o.failed("store-error", c.error()));
                } else if (c.revision() > 0) {
                    outcomes.put(wr.path(), o.withRevision(c.revision()));
                }
            }
            return;
        }
        for (String p : pendingPaths) {
            outcomes.put(p, FileOutcome.problem(p, null, Action.FAILED, "contention",
                    "other writers kept changing the key; gave up after " + Importer.maxAttempts() + " attempts"));
        }
    }
}
