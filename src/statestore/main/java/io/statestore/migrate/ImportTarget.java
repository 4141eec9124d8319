package io.statestore.migrate;

import io.statestore.client.StateStoreOptions;
import io.statestore.client.StorageMode;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisGateway;
import io.statestore.client.spi.ServerInfo;
import io.statestore.client.spi.SlotTags;
import io.statestore.client.spi.WatchSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The importer's side of Redis, through the client's gateway (so its failures are statestore
 * exceptions) and its function calls: the ledger, pipelined reads of documents, and batches of
 * {@code ss_put} calls committed together with their ledger entries in one MULTI/EXEC under
 * WATCH (docs/migration.md). Uses the store's own function library and key layout, so every
 * write gets a revision, metadata and exactly one change event, marked op=import.
 *
 * <p>On Redis Cluster a transaction may only name keys of one slot, so the ledger is kept per
 * slot ({@code P migrate:ledger{T}}, beside the documents of slot T), every batch is one slot's
 * files, and each slot's WATCH/MULTI runs on a connection to the primary serving that slot
 * (docs/cluster.md "Migrating into a cluster"). On a standalone server nothing of this applies:
 * one ledger, one connection, the same commands as before.
 */
public final class ImportTarget implements AutoCloseable {
    public static final String LEDGER_SUFFIX = "migrate:ledger";
    private static final int OPEN_SESSIONS = 16;

    private final StateStoreOptions options;
    private final RedisGateway gateway;
    /** The one session on a standalone server; null on a cluster (see {@link #sessions}). */
    private final WatchSession session;
    /** On a cluster, a session per slot, the most recently used few kept open. */
    private final Map<Integer, WatchSession> sessions = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, WatchSession> eldest) {
            if (size() > OPEN_SESSIONS) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };
    /** The session the last {@link #watch} used, which {@link #unwatch} and {@link #commit} go on. */
    private WatchSession current;

    private final boolean cluster;
    private final KeyLayout layout;
    private final FunctionCalls protocol;
    private final StorageMode mode;
    private final String ledgerKey;

    /** One document write of a batch; {@code text} null means "ledger entry only". */
    public record Write(
            String path,
            String key,
            String text,
            Long ifRevision,
            Duration ttl,
            LedgerEntry entry,
            String previousLedger) {}

    /** What EXEC said about one write: the new revision, or the error. */
    public record Committed(long revision, String error) {}

    public ImportTarget(StateStoreOptions options) {
        this.options = options;
        this.gateway = new RedisGateway(options);
        try {
            ServerInfo info = ServerInfo.probe(gateway);
            gateway.installLibraries();
            this.mode = options.forcedMode().orElse(info.hasJsonModule() ? StorageMode.MODULE : StorageMode.PORTABLE);
            this.cluster = gateway.cluster();
            this.layout = new KeyLayout(options.keyPrefix(), cluster);
            this.protocol = new FunctionCalls(layout);
            this.ledgerKey = options.keyPrefix() + LEDGER_SUFFIX;
            this.session = cluster ? null : gateway.openWatchSession();
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    public KeyLayout layout() {
        return layout;
    }

    /** The ledger on a standalone server. */
    public String ledgerKey() {
        return ledgerKey;
    }

    /** The ledger that holds the entry of a file imported as {@code documentKey}: per slot on a cluster. */
    public String ledgerKey(String documentKey) {
        return cluster ? ledgerKey + "{" + SlotTags.tag(SlotTags.slot(documentKey)) + "}" : ledgerKey;
    }

    /** Whether the target is a Redis Cluster (batches then hold one slot's files). */
    public boolean cluster() {
        return cluster;
    }

    /** The session for keys of {@code key}'s slot. */
    private WatchSession sessionFor(String key) {
        if (!cluster) {
            return session;
        }
        return sessions.computeIfAbsent(SlotTags.slot(key), s -> gateway.openWatchSession(key));
    }

    public StorageMode mode() {
        return mode;
    }

    /** Raw ledger values (JSON text, null when absent) for the given paths, in order (standalone). */
    public List<String> ledger(List<String> paths) {
        if (paths.isEmpty()) {
            return List.of();
        }
        return session.hmget(ledgerKey, paths);
    }

    /**
     * Raw ledger values for the given paths, which became {@code keys} (same order). On a cluster
     * one slot's entries are read on that slot's session (so a WATCH there covers them), entries
     * of several slots one HMGET per slot on pooled connections.
     */
    public List<String> ledger(List<String> paths, List<String> keys) {
        if (!cluster) {
            return ledger(paths);
        }
        if (paths.isEmpty()) {
            return List.of();
        }
        if (keys.stream().map(SlotTags::slot).distinct().count() == 1) {
            return sessionFor(keys.get(0)).hmget(ledgerKey(keys.get(0)), paths);
        }
        Map<String, String> hint = ledgerHint(paths, keys);
        return paths.stream().map(hint::get).toList();
    }

    /** Ledger values by path, read on pooled connections (safe from another thread). */
    public Map<String, String> ledgerHint(List<String> paths, List<String> keys) {
        Map<String, String> out = new java.util.HashMap<>();
        Map<String, List<Integer>> byLedger = new LinkedHashMap<>();
        for (int i = 0; i < paths.size(); i++) {
            byLedger.computeIfAbsent(ledgerKey(keys.get(i)), k -> new ArrayList<>())
                    .add(i);
        }
        for (Map.Entry<String, List<Integer>> g : byLedger.entrySet()) {
            String[] fields = g.getValue().stream().map(paths::get).toArray(String[]::new);
            List<String> values = gateway.call(j -> j.hmget(g.getKey(), fields), g.getKey(), false);
            for (int i = 0; i < fields.length; i++) {
                out.put(fields[i], values.get(i));
            }
        }
        return out;
    }

    /** The documents at {@code keys}, read in one pipeline. */
    public Map<String, StoredState> read(List<String> keys) {
        List<Object> replies = readReplies(keys);
        Map<String, StoredState> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String k = keys.get(i);
            if (replies.get(i) instanceof FunctionCalls.ErrorReply e) {
                out.put(k, new StoredState(k, null, 0, e.message()));
            } else {
                FunctionCalls.DocumentReply r = FunctionCalls.document(replies.get(i));
                out.put(k, new StoredState(k, r.content(), r.revision(), null, emptyToNull(r.writer())));
            }
        }
        return out;
    }

    /**
     * The replies of {@code ss_get} for the keys, in order: one pipeline on a standalone server; on
     * a cluster one pipeline per slot, on that slot's session (verify reads keys of many slots).
     */
    private List<Object> readReplies(List<String> keys) {
        if (!cluster) {
            return session.readAll(keys.stream().map(protocol::get).toList());
        }
        Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            bySlot.computeIfAbsent(SlotTags.slot(keys.get(i)), s -> new ArrayList<>())
                    .add(i);
        }
        Object[] out = new Object[keys.size()];
        for (List<Integer> group : bySlot.values()) {
            List<String> slotKeys = group.stream().map(keys::get).toList();
            List<Object> replies = sessionFor(slotKeys.get(0))
                    .readAll(slotKeys.stream().map(protocol::get).toList());
            for (int j = 0; j < group.size(); j++) {
                out[group.get(j)] = replies.get(j);
            }
        }
        return java.util.Arrays.asList(out);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The writer name this importer's writes carry (metadata {@code writer}). */
    public String writer() {
        return options.writer();
    }

    /**
     * Rewrites ledger entries whose revision, queued before {@code EXEC}, turned out different
     * from the one the store gave (only if the entry is still the one queued).
     */
    public void correctLedger(Map<String, LedgerEntry[]> fixes) {
        for (Map.Entry<String, LedgerEntry[]> f : fixes.entrySet()) {
            String key = f.getValue()[0].key();
            WatchSession s = sessionFor(key);
            String now = s.hget(ledgerKey(key), f.getKey());
            if (f.getValue()[0].toJson().equals(now)) {
                s.hset(ledgerKey(key), f.getKey(), f.getValue()[1].toJson());
            }
        }
    }

    /**
     * WATCHes the documents, their metadata and the ledger; a commit fails if any changes
     * meanwhile. On a cluster the keys are all of one slot.
     */
    public void watch(List<String> keys) {
        List<String> watched = new ArrayList<>(keys.size() * 2 + 1);
        for (String k : keys) {
            watched.add(k);
            watched.add(layout.meta(k));
        }
        watched.add(ledgerKey(keys.get(0)));
        current = sessionFor(keys.get(0));
        current.watch(watched);
    }

    public void unwatch() {
        (current != null ? current : session).unwatch();
    }

    /**
     * Commits the writes and their ledger entries in one MULTI/EXEC. Returns null when a WATCHed
     * key changed (nothing was written; read again and retry).
     */
    public List<Committed> commit(List<Write> writes) {
        WatchSession s = writes.isEmpty() ? session : sessionFor(writes.get(0).key());
        List<Object> results = s.transaction(queue -> {
            for (Write w : writes) {
                if (w.text() != null) {
                    queue.fcall(putCall(w));
                }
                queue.hset(ledgerKey(w.key()), w.path(), w.entry().toJson());
            }
        });
        if (results == null || (results.isEmpty() && !writes.isEmpty())) {
            return null;
        }
        List<Committed> out = new ArrayList<>(writes.size());
        List<Write> undo = new ArrayList<>();
        int i = 0;
        for (Write w : writes) {
            if (w.text() == null) {
                i++;
                out.add(new Committed(0, null));
                continue;
            }
            Object reply = results.get(i);
            i += 2;
            if (reply instanceof FunctionCalls.ErrorReply e) {
                out.add(new Committed(0, e.message()));
                undo.add(w);
            } else {
                out.add(new Committed(FunctionCalls.written(reply).revision(), null));
            }
        }
        restoreLedger(undo);
        return out;
    }

    /** A write that the store refused must not keep the ledger entry queued with it. */
    private void restoreLedger(List<Write> undo) {
        for (Write w : undo) {
            WatchSession s = sessionFor(w.key());
            if (w.previousLedger() == null) {
                s.hdel(ledgerKey(w.key()), w.path());
            } else {
                s.hset(ledgerKey(w.key()), w.path(), w.previousLedger());
            }
        }
    }

    private FunctionCalls.Call putCall(Write w) {
        FunctionCalls.Writer writer = FunctionCalls.Writer.of(options, mode, List.of(w.key()), w.path());
        return protocol.put(
                w.key(),
                "import",
                w.text(),
                w.ifRevision(),
                w.ttl() == null ? null : w.ttl().toMillis(),
                writer);
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                session.close();
            }
            sessions.values().forEach(WatchSession::close);
        } finally {
            gateway.close();
        }
    }
}
