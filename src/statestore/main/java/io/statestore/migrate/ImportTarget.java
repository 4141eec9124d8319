package io.statestore.migrate;

import io.statestore.client.StateStoreOptions;
import io.statestore.client.StorageMode;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisGateway;
import io.statestore.client.spi.ServerInfo;
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
 */
public final class ImportTarget implements AutoCloseable {
    public static final String LEDGER_SUFFIX = "migrate:ledger";

    private final StateStoreOptions options;
    private final RedisGateway gateway;
    private final WatchSession session;
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
            this.layout = new KeyLayout(options.keyPrefix());
            this.protocol = new FunctionCalls(layout);
            this.ledgerKey = options.keyPrefix() + LEDGER_SUFFIX;
            this.session = gateway.openWatchSession();
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    public KeyLayout layout() {
        return layout;
    }

    public String ledgerKey() {
        return ledgerKey;
    }

    public StorageMode mode() {
        return mode;
    }

    /** Raw ledger values (JSON text, null when absent) for the given paths, in order. */
    public List<String> ledger(List<String> paths) {
        if (paths.isEmpty()) {
            return List.of();
        }
        return session.hmget(ledgerKey, paths);
    }

    /** Ledger values by path, read on a pooled connection (safe from another thread). */
    public Map<String, String> ledgerHint(List<String> paths) {
        Map<String, String> out = new java.util.HashMap<>();
        if (paths.isEmpty()) {
            return out;
        }
        List<String> values = gateway.call(j -> j.hmget(ledgerKey, paths.toArray(String[]::new)), ledgerKey, false);
        for (int i = 0; i < paths.size(); i++) {
            out.put(paths.get(i), values.get(i));
        }
        return out;
    }

    /** The documents at {@code keys}, read in one pipeline. */
    public Map<String, StoredState> read(List<String> keys) {
        List<Object> replies = session.readAll(keys.stream().map(protocol::get).toList());
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
            String now = session.hget(ledgerKey, f.getKey());
            if (f.getValue()[0].toJson().equals(now)) {
                session.hset(ledgerKey, f.getKey(), f.getValue()[1].toJson());
            }
        }
    }

    /** WATCHes the documents, their metadata and the ledger; a commit fails if any changes meanwhile. */
    public void watch(List<String> keys) {
        List<String> watched = new ArrayList<>(keys.size() * 2 + 1);
        for (String k : keys) {
            watched.add(k);
            watched.add(layout.meta(k));
        }
        watched.add(ledgerKey);
        session.watch(watched);
    }

    public void unwatch() {
        session.unwatch();
    }

    /**
     * Commits the writes and their ledger entries in one MULTI/EXEC. Returns null when a WATCHed
     * key changed (nothing was written; read again and retry).
     */
    public List<Committed> commit(List<Write> writes) {
        List<Object> results = session.transaction(queue -> {
            for (Write w : writes) {
                if (w.text() != null) {
                    queue.fcall(putCall(w));
                }
                queue.hset(ledgerKey, w.path(), w.entry().toJson());
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
            if (w.previousLedger() == null) {
                session.hdel(ledgerKey, w.path());
            } else {
                session.hset(ledgerKey, w.path(), w.previousLedger());
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
            session.close();
        } finally {
            gateway.close();
        }
    }
}
