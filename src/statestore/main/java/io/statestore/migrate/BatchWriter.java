package io.statestore.migrate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Decides and commits one batch: ledger check first (unchanged files cost one HMGET), then,
 * for the rest, WATCH + read ledger and documents + MULTI/EXEC of the writes with their
 * ledger entries. A WATCH failure (someone wrote meanwhile) re-reads and decides again.
 */
final class BatchWriter {
    /** Files per MULTI/EXEC; each watches 2 keys per file plus the ledger. */
    static final int COMMIT_CHUNK = 100;

    private final ImportTarget target;
    private final Decision.Policy policy;
    private final boolean dryRun;

    private final Consumer<SourceFile> onQuarantine;
    private final Consumer<FileOutcome> onAttention;
    /** Test hook: runs after a chunk was read and decided, right before its MULTI/EXEC. */
    private final Consumer<List<String>> beforeCommit;

    BatchWriter(
            ImportTarget target,
            Decision.Policy policy,
            boolean dryRun,
            Consumer<SourceFile> onQuarantine,
            Consumer<FileOutcome> onAttention,
            Consumer<List<String>> beforeCommit) {
        this.onQuarantine = onQuarantine;
        this.onAttention = onAttention;
        this.beforeCommit = beforeCommit;
        this.target = target;
        this.policy = policy;
        this.dryRun = dryRun;
    }

    void write(List<Importer.Item> items, List<SourceFile> files, Map<String, FileOutcome> outcomes) {
        List<String> paths = items.stream().map(i -> i.entry().path()).toList();
        List<String> ledger =
                target.ledger(paths, items.stream().map(Importer.Item::key).toList());
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            LedgerEntry e = LedgerEntry.parse(ledger.get(i));
            SourceFile f = files.get(i);
            if (e != null && e.matches(f.sha256(), items.get(i).key())) {
                // imported before with this exact content: not even parsed
                outcomes.put(f.path(), FileOutcome.of(f.path(), items.get(i).key(), Action.UNCHANGED));
            } else if (f.quarantined()) {
                outcomes.put(
                        f.path(),
                        FileOutcome.problem(
                                        f.path(),
                                        items.get(i).key(),
                                        Action.QUARANTINED,
                                        f.quarantineCode(),
                                        f.quarantineReason())
                                .withBom(f.bomStripped()));
                onQuarantine.accept(f);
            } else {
                pending.add(i);
            }
        }
        // WATCH costs O(n^2) in the number of watched keys on Redis 7.0: commit in chunks
        for (List<Integer> group : slotGroups(items, pending)) {
            for (int from = 0; from < group.size(); from += COMMIT_CHUNK) {
                commit(items, files, group.subList(from, Math.min(group.size(), from + COMMIT_CHUNK)), paths, outcomes);
            }
        }
    }

    /** On a cluster a MULTI/EXEC may only name one slot's keys: the files grouped by their key's slot. */
    private List<List<Integer>> slotGroups(List<Importer.Item> items, List<Integer> pending) {
        if (!target.cluster()) {
            return List.of(pending);
        }
        Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
        for (int i : pending) {
            bySlot.computeIfAbsent(
                            io.statestore.client.spi.SlotTags.slot(items.get(i).key()), s -> new ArrayList<>())
                    .add(i);
        }
        return new ArrayList<>(bySlot.values());
    }

    private void commit(
            List<Importer.Item> items,
            List<SourceFile> files,
            List<Integer> pending,
            List<String> paths,
            Map<String, FileOutcome> outcomes) {
        List<String> keys = pending.stream().map(i -> items.get(i).key()).toList();
        List<String> pendingPaths = pending.stream().map(paths::get).toList();
        // the revision each key had when this chunk was first read: a document write is only ever
        // made at that revision, so a change landing after it is reported, never overwritten
        Map<String, Long> firstRead = new HashMap<>();
        for (int attempt = 1; attempt <= Importer.maxAttempts(); attempt++) {
            if (!dryRun) {
                target.watch(keys);
            }
            List<String> rawLedger = target.ledger(pendingPaths, keys);
            Map<String, StoredState> stored = target.read(keys);
            List<ImportTarget.Write> writes = new ArrayList<>();
            List<FileOutcome> planned = new ArrayList<>();
            for (int j = 0; j < pending.size(); j++) {
                int i = pending.get(j);
                Importer.Item it = items.get(i);
                SourceFile f = files.get(i);
                StoredState st = stored.get(it.key());
                Long first = firstRead.putIfAbsent(it.key(), st.revision());
                Decision.Plan p = Decision.decide(f, it.key(), LedgerEntry.parse(rawLedger.get(j)), st, policy);
                FileOutcome o = FileOutcome.problem(f.path(), it.key(), p.action(), p.code(), p.reason())
                        .withBom(f.bomStripped());
                if (p.current() != null) {
                    o = o.withLiveRevisions(p.recorded(), p.current());
                }
                if (p.write().equals("doc") && first != null && first != st.revision()) {
                    o = FileOutcome.problem(
                                    f.path(),
                                    it.key(),
                                    Action.FAILED,
                                    "conflict",
                                    "\"" + it.key()
                                            + "\" changed in the store while it was being imported (revision " + first
                                            + " read, now "
                                            + st.revision() + "); not overwritten")
                            .withBom(f.bomStripped());
                    planned.add(o);
                    continue;
                }
                planned.add(o);
                if (!p.write().equals("none")) {
                    boolean doc = p.write().equals("doc");
                    // the revision the write will get (the one the document holds, for a ledger-only
                    // write); checked against the store's answer after EXEC
                    long expected = doc ? st.revision() + 1 : st.revision();
                    writes.add(new ImportTarget.Write(
                            f.path(),
                            it.key(),
                            doc ? f.text() : null,
                            p.ifRevision(),
                            it.rule().ttl().orElse(null),
                            new LedgerEntry(f.sha256(), it.key(), expected),
                            rawLedger.get(j)));
                }
            }
            if (dryRun || writes.isEmpty()) {
                if (!dryRun) {
                    target.unwatch();
                }
                planned.forEach(o -> record(o, outcomes));
                return;
            }
            if (beforeCommit != null) {
                beforeCommit.accept(keys);
            }
            List<ImportTarget.Committed> committed = target.commit(writes);
            if (committed == null) {
                LockSupport.parkNanos(
                        ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000L * Math.min(attempt * 5, 100)));
                continue;
            }
            Map<String, LedgerEntry[]> fixes = new LinkedHashMap<>();
            Map<String, FileOutcome> byPath = new HashMap<>();
            for (FileOutcome o : planned) {
                byPath.put(o.path(), o);
            }
            for (int w = 0; w < writes.size(); w++) {
                ImportTarget.Write wr = writes.get(w);
                ImportTarget.Committed c = committed.get(w);
                FileOutcome o = byPath.get(wr.path());
                if (c.error() != null) {
                    boolean conflict = c.error().startsWith("SS_CONFLICT");
                    byPath.put(
                            wr.path(),
                            o.failed(
                                    conflict ? "conflict" : "store-error",
                                    conflict
                                            ? c.error()
                                                    + " (changed in the store while it was being imported; not overwritten)"
                                            : c.error()));
                } else if (c.revision() > 0) {
                    byPath.put(wr.path(), o.withRevision(c.revision()));
                    if (c.revision() != wr.entry().revision()) {
                        fixes.put(
                                wr.path(),
                                new LedgerEntry[] {wr.entry(), wr.entry().withRevision(c.revision())});
                    }
                }
            }
            if (!fixes.isEmpty()) {
                target.correctLedger(fixes);
            }
            for (FileOutcome o : planned) {
                record(byPath.get(o.path()), outcomes);
            }
            return;
        }
        for (String p : pendingPaths) {
            record(
                    FileOutcome.problem(
                            p,
                            null,
                            Action.FAILED,
                            "contention",
                            "other writers kept changing the key; gave up after " + Importer.maxAttempts()
                                    + " attempts"),
                    outcomes);
        }
    }

    private void record(FileOutcome o, Map<String, FileOutcome> outcomes) {
        outcomes.put(o.path(), o);
        if (o.liveChange() || "conflict".equals(o.code())) {
            onAttention.accept(o);
        }
    }
}
