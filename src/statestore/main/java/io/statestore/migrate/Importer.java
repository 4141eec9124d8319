package io.statestore.migrate;

import io.statestore.client.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One import run: scan the tree, map paths to keys, read files strictly, and commit batches
 * through {@link ImportTarget}. Every decision is made per batch under WATCH, right before the
 * batch commits, so a crashed run simply starts over and finds its earlier work done.
 */
public final class Importer {
    private static final int MAX_ATTEMPTS = 50;

    private final ImportSettings settings;
    private final ImportTarget target;
    private final Progress progress;
    private Consumer<List<String>> beforeCommit;

    record Item(TreeScanner.Entry entry, String key, MappingRule rule) {}

    public Importer(ImportSettings settings, ImportTarget target, Progress progress) {
        this.settings = settings;
        this.target = target;
        this.progress = progress;
    }

    /** Test hook: called with a chunk's keys after they were read and decided, before its MULTI/EXEC. */
    Importer beforeCommit(Consumer<List<String>> hook) {
        this.beforeCommit = hook;
        return this;
    }

    public MigrationReport run() throws IOException, InterruptedException {
        long started = System.nanoTime();
        Path root = settings.from().toRealPath();
        List<TreeScanner.Entry> entries = TreeScanner.scan(root);
        Map<String, FileOutcome> outcomes = new LinkedHashMap<>();
        List<Item> items = map(entries, outcomes);
        progress.start(entries.size());
        progress.step(entries.size() - items.size());
        List<Item> done = new ArrayList<>();
        Map<String, SourceFile> read = new HashMap<>();
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "migrate-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            // files of the next batch are read and parsed while the current batch commits
            Future<List<Loaded>> next = reader.submit(() -> load(batch(items, 0)));
            Decision.Policy policy =
                    new Decision.Policy(settings.onExisting(), settings.overwriteLiveChanges(), target.writer());
            BatchWriter writer =
                    new BatchWriter(target, policy, settings.dryRun(), this::quarantined, progress::note, beforeCommit);
            for (int from = 0; from < items.size(); from += settings.batchSize()) {
                List<Loaded> loaded = await(next);
                if (from + settings.batchSize() < items.size()) {
                    List<Item> following = batch(items, from + settings.batchSize());
                    next = reader.submit(() -> load(following));
                }
                List<Item> good = new ArrayList<>();
                List<SourceFile> files = new ArrayList<>();
                for (Loaded l : loaded) {
                    if (accept(l, outcomes)) {
                        good.add(l.item());
                        files.add(l.file());
                        if (settings.archiveDir() != null) {
                            read.put(l.item().entry().path(), l.file());
                        }
                    }
                }
                writer.write(good, files, outcomes);
                done.addAll(good);
                progress.step(loaded.size());
                if (!settings.batchPause().isZero() && from + settings.batchSize() < items.size()) {
                    Thread.sleep(settings.batchPause().toMillis());
                }
            }
        } finally {
            reader.shutdownNow();
        }
        progress.finish();
        List<FileOutcome> ordered = new ArrayList<>();
        for (TreeScanner.Entry e : entries) {
            ordered.add(outcomes.get(e.path()));
        }
        List<String> archiveProblems = List.of();
        int archived = 0;
        if (settings.archiveDir() != null && !settings.dryRun()) {
            ImportedFileArchiver archiver = new ImportedFileArchiver(target, settings.archiveDir());
            archived = archiver.archive(done, read, outcomes);
            archiveProblems = archiver.problems();
        }
        long elapsed = System.nanoTime() - started;
        return new MigrationReport(
                root.toString(), settings.dryRun(), ordered, elapsed / 1_000_000, archived, archiveProblems);
    }

    private List<Item> map(List<TreeScanner.Entry> entries, Map<String, FileOutcome> outcomes) {
        List<Item> items = new ArrayList<>();
        Map<String, String> keyOwners = new HashMap<>();
        for (TreeScanner.Entry e : entries) {
            if (e.skipped()) {
                outcomes.put(
                        e.path(), FileOutcome.problem(e.path(), null, Action.SKIPPED, "not-regular", e.skipReason()));
                continue;
            }
            Optional<Mapping.Match> m = settings.mapping().match(e.path());
            if (m.isEmpty()) {
                outcomes.put(
                        e.path(),
                        FileOutcome.problem(e.path(), null, Action.SKIPPED, "unmapped", "no mapping rule matches"));
                continue;
            }
            String key = m.get().key();
            try {
                target.layout().validate(key);
            } catch (InvalidInputException ex) {
                outcomes.put(
                        e.path(), FileOutcome.problem(e.path(), key, Action.FAILED, "invalid-key", ex.getMessage()));
                continue;
            }
            String owner = keyOwners.putIfAbsent(key, e.path());
            if (owner != null) {
                outcomes.put(
                        e.path(),
                        FileOutcome.problem(
                                e.path(),
                                key,
                                Action.FAILED,
                                "key-collision",
                                "key \"" + key + "\" is already mapped from " + owner));
                continue;
            }
            items.add(new Item(e, key, m.get().rule()));
        }
        return items;
    }

    /** A file as read by the reader thread: parsed, or the error reading it. */
    record Loaded(Item item, SourceFile file, IOException error) {}

    private List<Item> batch(List<Item> items, int from) {
        return items.subList(from, Math.min(items.size(), from + settings.batchSize()));
    }

    /**
     * Reads and hashes a batch, then parses the files the ledger does not already hold with the
     * same hash (a hint only: the batch writer decides again with fresh reads).
     */
    private List<Loaded> load(List<Item> batch) {
        List<Loaded> out = new ArrayList<>(batch.size());
        List<String> paths = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (Item it : batch) {
            try {
                out.add(new Loaded(
                        it, StrictReader.read(it.entry().file(), it.entry().path()), null));
                paths.add(it.entry().path());
                keys.add(it.key());
            } catch (IOException e) {
                out.add(new Loaded(it, null, e));
            }
        }
        Map<String, String> hint = target.ledgerHint(paths, keys);
        for (Loaded l : out) {
            if (l.file() != null) {
                LedgerEntry e = LedgerEntry.parse(hint.get(l.item().entry().path()));
                if (e == null || !e.matches(l.file().sha256(), l.item().key())) {
                    l.file().parse();
                }
            }
        }
        return out;
    }

    private static List<Loaded> await(Future<List<Loaded>> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException("reading files failed: " + e.getCause(), e.getCause());
        }
    }

    /** Records unreadable and quarantined files; true when the file goes on to be imported. */
    private boolean accept(Loaded l, Map<String, FileOutcome> outcomes) {
        Item it = l.item();
        String rel = it.entry().path();
        if (l.error() != null) {
            outcomes.put(
                    rel, FileOutcome.problem(rel, it.key(), Action.FAILED, "unreadable", "cannot read: " + l.error()));
            return false;
        }
        return true;
    }

    private void quarantined(SourceFile f) {
        if (settings.quarantineDir() != null && !settings.dryRun()) {
            Path root = settings.from().toAbsolutePath();
            Quarantine.copy(root.resolve(f.path()), settings.quarantineDir(), f.path(), f.quarantineReason());
        }
    }

    /** How often a batch is re-read and retried when WATCH reports other writers. */
    static int maxAttempts() {
        return MAX_ATTEMPTS;
    }
}
