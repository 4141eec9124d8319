package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ConflictException;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StorageMode;
import io.statestore.client.StrictJson;
import io.statestore.client.UnavailableException;
import io.statestore.client.WriteOptions;
import io.statestore.client.WriteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import redis.clients.jedis.exceptions.JedisDataException;

/** Builds and sends the write function calls of the protocol (docs/protocol.md). */
final class WriteCalls {

    /** Computes {new document, optional result value} from the current document (null: absent). */
    @FunctionalInterface
    interface Computation {
        JsonNode[] apply(JsonNode current);
    }

    private final StateStoreOptions options;
    private final RedisGateway redis;
    private final KeyLayout layout;
    private final StorageMode mode;
    static final int WRITE_ATTEMPTS = 3;
    private static final long RESEND_PAUSE_MS = 25;

    private final DocumentCache cache = new DocumentCache();
    private final WriteBatcher batcher = new WriteBatcher(this::sendWrites);
    private final ReentrantLock[] stripes = new ReentrantLock[128];

    WriteCalls(StateStoreOptions options, RedisGateway redis, KeyLayout layout, StorageMode mode) {
        this.options = options;
        this.redis = redis;
        this.layout = layout;
        this.mode = mode;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Options every write of {@code key} carries: writer, storage mode for new keys, feed and history bounds. */
    List<String> commonArgs(String key, WriteOptions opts) {
        return commonArgs(List.of(key), opts);
    }

    /**
     * The same for a call writing several documents. History options are sent only when a
     * client-side policy applies (the largest length among the keys); otherwise the server's
     * history policy decides, per document.
     */
    List<String> commonArgs(java.util.Collection<String> keys, WriteOptions opts) {
        List<String> args = new ArrayList<>();
        args.add("writer");
        args.add(options.writer());
        args.add("mode");
        args.add(mode == StorageMode.MODULE ? "json" : "string");
        HistoryPolicies.addWriteArgs(options, keys, args);
        if (opts.source() != null) {
            args.add("src");
            args.add(opts.source());
        }
        return args;
    }

    /**
     * ss_write (ss_put with positional arguments, docs/protocol.md); {@code ifRevision} null
     * writes unconditionally.
     */
    WriteResult putWhole(String key, String op, String text, String change, WriteOptions opts, Long ifRevision,
                         JsonNode value) {
        cache.remove(key);
        List<String> args = new ArrayList<>(12);
        args.add(op);
        args.add(text);
        args.add(change == null ? "" : change);
        args.add(ifRevision == null ? "" : Long.toString(ifRevision));
        addWriterArgs(args);
        args.add(opts.ttl() == null ? "" : Long.toString(opts.ttl().toMillis()));
        addHistoryAndSource(args, key, opts);
        if (options.groupCommit() && text.length() <= WriteBatcher.MAX_DOCUMENT_CHARS) {
            return result(key, send(key, () -> batcher.write(key, args)), value);
        }
        return result(key, send(key, () -> redis.fcall("ss_write", layout.documentCallKeys(key), args, key)), value);
    }

    /** The positional forms' WID WRITER FEEDMAX MODE, with a fresh write ID (the feed length is a store setting). */
    private void addWriterArgs(List<String> args) {
        args.add(writeId());
        args.add(options.writer());
        args.add("");
        args.add(mode == StorageMode.MODULE ? "json" : "string");
    }

    /** The positional forms' HISTMAX HISTAGE SRC: a client-side history rule, if any, and the source. */
    private void addHistoryAndSource(List<String> args, String key, WriteOptions opts) {
        Optional<HistoryPolicies.ClientRule> hist = HistoryPolicies.clientRule(options, List.of(key));
        args.add(hist.map(r -> Integer.toString(r.versions())).orElse(""));
        args.add(hist.filter(r -> r.maxAgeMillis() > 0).map(r -> Long.toString(r.maxAgeMillis())).orElse(""));
        args.add(opts.source() == null ? "" : opts.source());
    }

    /** Forgets what this client knows of a document written by other means (transactions). */
    void forget(String key) {
        cache.remove(key);
    }

    RedisGateway redis() {
        return redis;
    }

    WriteResult delete(String key, WriteOptions opts) {
        cache.remove(key);
        List<String> args = commonArgs(key, opts);
        addRevision(args, opts);
        return result(key, sendOnce("ss_del", key, args), null);
    }

    WriteResult ttl(String key, String op, WriteOptions opts) {
        cache.remove(key);
        List<String> args = commonArgs(key, opts);
        args.add("op");
        args.add(op);
        args.add("ttl");
        args.add(Long.toString(opts.ttl().toMillis()));
        addRevision(args, opts);
        return result(key, sendOnce("ss_ttl", key, args), null);
    }

    /**
     * ss_jwrite (ss_jop with positional arguments, docs/protocol.md): in-place steps in module
     * mode. The ten arguments are those of ss_jop's options, '' for "not given".
     */
    WriteResult jsonSteps(String key, String op, String change, WriteOptions opts, List<String> steps) {
        cache.remove(key);
        List<String> args = new ArrayList<>(10 + steps.size());
        args.add(op);
        args.add(change == null ? "" : change);
        args.add(opts.expectedRevision().isPresent() ? Long.toString(opts.expectedRevision().getAsLong()) : "");
        addWriterArgs(args);
        addHistoryAndSource(args, key, opts);
        args.addAll(steps);
        Object reply = send(key, () -> redis.fcall("ss_jwrite", layout.documentCallKeys(key), args, key));
        List<Object> r = RedisGateway.list(reply);
        JsonNode value = null;
        if (r.size() > 2 && r.get(2) != null) {
            JsonNode v = StrictJson.parse(RedisGateway.text(r.get(2)), "increment result of \"" + key + "\"");
            value = v.isArray() ? v.get(0) : v;
        }
        return result(key, reply, value);
    }

    /**
     * Read, compute, compare-revision-and-set; retried with jitter when another writer got in
     * between, unless the caller asked for a specific revision.
     */
    WriteResult computed(String key, String op, String change, WriteOptions opts, Computation compute) {
        // Threads of this process updating one document take turns instead of racing each other's
        // compare-and-set: with the cached version each turn is one round trip, where a race costs
        // a conflict, a re-read and a backoff. Writers in other processes are still handled by
        // the revision check.
        ReentrantLock lock = stripes[Math.floorMod(key.hashCode(), stripes.length)];
        lock.lock();
        try {
            return computedUnderLock(key, op, change, opts, compute);
        } finally {
            lock.unlock();
        }
    }

    private WriteResult computedUnderLock(String key, String op, String change, WriteOptions opts, Computation compute) {
        boolean conditional = opts.expectedRevision().isPresent();
        int attempts = conditional ? 1 : options.maxAttempts();
        for (int attempt = 1; ; attempt++) {
            Base base = base(key, opts);
            JsonNode[] out = compute.apply(base.document());
            String text = TreeText.of(out[0]);
            try {
                WriteResult result = putWhole(key, op, text, change, opts, base.expectedRevision(), out[1]);
                cache.put(key, result.revision(), out[0], text.length());
                return result;
            } catch (ConflictException e) {
                cache.remove(key);
                if (attempt >= attempts) {
                    if (conditional) {
                        throw e;
                    }
                    throw new ConflictException(key, e.currentRevision(), "conflict: \"" + key + "\" kept changing; gave up after "
                            + attempts + " attempts");
                }
                if (!base.cached()) {
                    Backoff.pause(attempt);
                }
            } catch (RuntimeException e) {
                cache.remove(key);
                throw e;
            }
        }
    }

    /** What a computed update starts from: the document (null: absent) and the revision to expect. */
    private record Base(JsonNode document, Long expectedRevision, boolean cached) {
    }

    private Base base(String key, WriteOptions opts) {
        boolean conditional = opts.expectedRevision().isPresent();
        DocumentCache.Entry hit = cache.get(key);
        if (hit != null && (!conditional || opts.expectedRevision().getAsLong() == hit.revision())) {
            return new Base(hit.document(), hit.revision(), true);
        }
        StoredDocument current = StoredDocument.fromReply(key,
                redis.fcallReadOnly("ss_get", List.of(key, layout.meta(key)), List.of(), key));
        // A foreign key (written by SET) is adopted with its own compare-and-set, not unconditionally.
        Long expected = conditional ? opts.expectedRevision().getAsLong() : current.expectedRevision();
        return new Base(current.exists() ? current.json() : null, expected, false);
    }

    private static void addRevision(List<String> args, WriteOptions opts) {
        if (opts.expectedRevision().isPresent()) {
            args.add("ifrev");
            args.add(Long.toString(opts.expectedRevision().getAsLong()));
        }
    }

    /** Sends a write of the named-option form with a fresh write ID (see {@link #send}). */
    private Object sendOnce(String function, String key, List<String> args) {
        args.add(0, "wid"); // options are name/value pairs: the write ID goes first
        args.add(1, writeId());
        return send(key, () -> redis.fcall(function, layout.documentCallKeys(key), args, key));
    }

    /**
     * Sends a single-document write whose arguments carry a write ID and, when Redis did not
     * answer (a stale connection after a restart, a timeout), sends the very same call again:
     * the function recognises its own write ID and replays the first reply instead of committing
     * twice. Only when Redis stays unreachable does the caller see the UnavailableException.
     */
    private Object send(String key, Supplier<Object> call) {
        boolean maybeApplied = false;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (UnavailableException e) {
                maybeApplied |= e.outcomeUnknown();
                if (attempt >= WRITE_ATTEMPTS) {
                    // An earlier send may have been applied even if the last one never left.
                    throw maybeApplied == e.outcomeUnknown() ? e : new UnavailableException(e.getMessage(), true, e);
                }
                pauseBeforeResend(attempt);
            }
        }
    }

    private static void pauseBeforeResend(int attempt) {
        try {
            Thread.sleep(RESEND_PAUSE_MS * attempt * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while re-sending a write", true, e);
        }
    }

    /** One ss_write, or one ss_write_many for writes of several threads (see {@link WriteBatcher}). */
    private void sendWrites(List<WriteBatcher.Write> batch) {
        if (batch.size() == 1) {
            WriteBatcher.Write w = batch.get(0);
            w.succeed(redis.fcall("ss_write", layout.documentCallKeys(w.key), w.args, w.key));
            return;
        }
        List<String> keys = new ArrayList<>(batch.size() * 5);
        List<String> args = new ArrayList<>(batch.size() * 12);
        for (WriteBatcher.Write w : batch) {
            keys.addAll(layout.documentCallKeys(w.key));
            args.addAll(w.args);
        }
        List<Object> replies = RedisGateway.list(redis.fcall("ss_write_many", keys, args, null));
        for (int i = 0; i < batch.size(); i++) {
            WriteBatcher.Write w = batch.get(i);
            Object r = replies.get(i);
            if (r instanceof JedisDataException e) {
                w.fail(ErrorMapper.map(e, w.key, true));
            } else {
                w.succeed(r);
            }
        }
    }

    /** 96 random bits: unique per document for all practical purposes. */
    private static String writeId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong()) + Integer.toHexString(r.nextInt());
    }

    static WriteResult result(String key, Object reply, JsonNode value) {
        List<Object> r = RedisGateway.list(reply);
        return new WriteResult(key, RedisGateway.number(r.get(0)), RedisGateway.text(r.get(1)), Optional.ofNullable(value));
    }
}
