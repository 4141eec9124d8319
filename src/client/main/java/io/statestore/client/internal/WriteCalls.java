package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ConflictException;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StorageMode;
import io.statestore.client.StrictJson;
import io.statestore.client.UnavailableException;
import io.statestore.client.WriteOptions;
import io.statestore.client.WriteResult;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** Builds and sends the write function calls of the protocol (docs/protocol.md). */
final class WriteCalls {

    /** Computes {new document, optional result value} from the current document (null: absent). */
    @FunctionalInterface
    interface Computation {
        JsonNode[] apply(JsonNode current);
    }

    private final StateStoreOptions options;
    private final RedisGateway redis;
    private final FunctionCalls protocol;
    private final StorageMode mode;
    static final int WRITE_ATTEMPTS = 3;
    /** Module mode: chains of one document in flight at once (in-place links do not depend on each other's outcome). */
    static final int MODULE_CHAINS_IN_FLIGHT = 4;

    private static final long RESEND_PAUSE_MS = 25;

    private final DocumentCache cache = new DocumentCache();
    private final WriteBatcher batcher = new WriteBatcher(this::sendWrites);
    private final WriteCombiner combiner;
    private final ReentrantLock[] stripes = new ReentrantLock[128];
    /**
     * This client's name in chain write IDs: the server remembers each producer's last chain per
     * document, and this client has at most one chain in flight per document (docs/combining.md).
     */
    private final String producer = writeId();

    private final java.util.concurrent.atomic.AtomicLong chains = new java.util.concurrent.atomic.AtomicLong();

    WriteCalls(StateStoreOptions options, RedisGateway redis, KeyLayout layout, StorageMode mode) {
        this.options = options;
        this.redis = redis;
        this.protocol = new FunctionCalls(layout);
        this.mode = mode;
        this.combiner = new WriteCombiner(
                (key, batch, lane, slot) -> ChainRun.send(this, key, batch, lane, slot),
                mode == StorageMode.MODULE ? MODULE_CHAINS_IN_FLIGHT : 1);
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Who writes {@code keys}: name, storage mode, client-side history rule and the caller's source. */
    FunctionCalls.Writer writer(java.util.Collection<String> keys, WriteOptions opts) {
        return FunctionCalls.Writer.of(options, mode, keys, opts.source());
    }

    FunctionCalls protocol() {
        return protocol;
    }

    /**
     * ss_write (ss_put with positional arguments, docs/protocol.md); {@code ifRevision} null
     * writes unconditionally.
     */
    WriteResult putWhole(
            String key, String op, String text, String change, WriteOptions opts, Long ifRevision, JsonNode value) {
        cache.remove(key);
        Long ttl = opts.ttl() == null ? null : opts.ttl().toMillis();
        FunctionCalls.Call call =
                protocol.write(key, op, text, change, ifRevision, writeId(), ttl, writer(List.of(key), opts));
        // group commit puts writes of many documents into one call: one slot only on a cluster
        if (options.groupCommit() && !protocol.perSlot() && text.length() <= WriteBatcher.MAX_DOCUMENT_CHARS) {
            return result(key, send(key, () -> batcher.write(key, call)), value);
        }
        return result(key, send(key, () -> redis.fcall(call, key)), value);
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
        return result(
                key, send(key, protocol.delete(key, revisionOf(opts), writeId(), writer(List.of(key), opts))), null);
    }

    /** ss_jwrite (ss_jop with positional arguments, docs/protocol.md): in-place steps in module mode. */
    WriteResult jsonSteps(String key, String op, String change, WriteOptions opts, List<String> steps) {
        cache.remove(key);
        Object reply = send(
                key,
                protocol.jsonSteps(key, op, change, revisionOf(opts), writeId(), writer(List.of(key), opts), steps));
        return result(key, reply, incrementValue(key, reply));
    }

    WriteResult ttl(String key, String op, WriteOptions opts) {
        cache.remove(key);
        return result(
                key,
                send(
                        key,
                        protocol.ttl(
                                key,
                                op,
                                opts.ttl().toMillis(),
                                revisionOf(opts),
                                writeId(),
                                writer(List.of(key), opts))),
                null);
    }

    private static Long revisionOf(WriteOptions opts) {
        return opts.expectedRevision().isPresent() ? opts.expectedRevision().getAsLong() : null;
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

    private WriteResult computedUnderLock(
            String key, String op, String change, WriteOptions opts, Computation compute) {
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
                    throw new ConflictException(
                            key,
                            e.currentRevision(),
                            "conflict: \"" + key + "\" kept changing; gave up after " + attempts + " attempts");
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
    /**
     * {@code expectedRevision}: what the write sends as its compare-and-set; {@code documentRevision}:
     * what a compare-and-set against {@code document} itself must name (0 absent, -1 foreign).
     */
    record Base(JsonNode document, Long expectedRevision, boolean cached, long documentRevision) {}

    Base base(String key, WriteOptions opts) {
        boolean conditional = opts.expectedRevision().isPresent();
        DocumentCache.Entry hit = cache.get(key);
        if (hit != null && (!conditional || opts.expectedRevision().getAsLong() == hit.revision())) {
            return new Base(hit.document(), hit.revision(), true, hit.revision());
        }
        StoredDocument current = StoredDocument.fromReply(key, redis.fcallReadOnly(protocol.get(key), key));
        long read = current.expectedRevision();
        if (conditional && opts.expectedRevision().getAsLong() != read) {
            // The new value would be computed from the document at `read` but checked against the
            // caller's revision: if another writer reached that revision in between, its change
            // would be overwritten. The server would refuse this write as it stands: so do we.
            throw new ConflictException(
                    key,
                    OptionalLong.of(read),
                    "conflict: \"" + key + "\" expected revision "
                            + opts.expectedRevision().getAsLong() + ", current revision " + read);
        }
        // A foreign key (written by SET) is adopted with its own compare-and-set, not unconditionally;
        // the compare-and-set is always the revision the document was read at.
        return new Base(current.exists() ? current.json() : null, read, false, read);
    }

    // ---- flat combining (docs/combining.md)

    /** A whole-document write, combined with the other writes of this process to {@code key}. */
    WriteResult combinedPut(String key, String op, String text, WriteOptions opts, Long ifRevision) {
        return combiner.write(key, CombinedWrite.put(op, text, opts, ifRevision));
    }

    WriteResult combinedDelete(String key, WriteOptions opts) {
        return combiner.write(key, CombinedWrite.delete(opts));
    }

    /** A partial update: {@code steps} in module mode (null: computed), else {@code compute}d here. */
    WriteResult combinedUpdate(
            String key, String op, String change, WriteOptions opts, List<String> steps, Computation compute) {
        return combiner.write(key, CombinedWrite.update(op, change, opts, steps, compute));
    }

    int maxAttempts() {
        return options.maxAttempts();
    }

    StorageMode mode() {
        return mode;
    }

    void remember(String key, long revision, JsonNode document, int textLength) {
        cache.put(key, revision, document, textLength);
    }

    /** Chains of one link sent as the single call of their form. */
    enum Single {
        NO,
        PUT,
        DELETE
    }

    /**
     * Sends one chain and returns one reply per link ({@link FunctionCalls.ErrorReply} for a failed
     * link); throws what failed the whole call (a single call's error is its one link's). A chain of one unconditional whole document goes as the plain {@code ss_write} (or
     * through the group commit): a put carries its whole outcome, so the chain's record adds nothing
     * but cost. A chain of one delete goes as {@code ss_del}, which runs under maxmemory (flag
     * allow-oom) where {@code ss_chain} is refused. Any other chain goes as {@code ss_chain} with a
     * write ID of its own, sent again unchanged when the reply is lost; the function answers a
     * re-send with the first replies. Another chain of one {@code W} link (a computed update, a
     * conditional put) goes as {@code ss_write} with that same chain write ID, and one of one
     * {@code J} link (in-place steps) as {@code ss_jwrite} with it (library 17); the function
     * records either as ss_chain does; its refusal is thrown, and {@link ChainRun} settles it as the link's.
     */
    List<Object> sendChain(
            String key, List<FunctionCalls.ChainLink> links, Single single, WriteOptions firstOpts, int slot) {
        if (single == Single.PUT) {
            FunctionCalls.Call call = protocol.writeOf(key, links.get(0), writeId());
            if (options.groupCommit() && call.args().get(1).length() <= WriteBatcher.MAX_DOCUMENT_CHARS) {
                return List.of(send(key, () -> batcher.write(key, call)));
            }
            return List.of(send(key, () -> redis.fcall(call, key)));
        }
        if (single == Single.DELETE) {
            return List.of(
                    send(key, protocol.delete(key, revisionOf(firstOpts), writeId(), writer(List.of(key), firstOpts))));
        }
        String chainWid = producer + "-" + slot + ":" + chains.incrementAndGet();
        if (links.size() == 1 && links.get(0).tag().equals("W")) {
            // nothing queued behind it: the plain ss_write, which the chain's write ID makes record
            // this producer's chain as ss_chain would (library 16), without the chain's own cost
            FunctionCalls.Call lone = protocol.writeOf(key, links.get(0), chainWid);
            return List.of(send(key, () -> redis.fcall(lone, key)));
        }
        if (links.size() == 1 && links.get(0).tag().equals("J")) {
            // the same for a lone in-place write, module mode's usual write (library 17)
            FunctionCalls.Call lone = protocol.jsonStepsOf(key, links.get(0), chainWid);
            return List.of(send(key, () -> redis.fcall(lone, key)));
        }
        FunctionCalls.Call chain = protocol.chain(key, chainWid, links);
        return send(key, () -> redis.fcallEach(chain, key));
    }

    /** The third element of an in-place write's reply: an increment's new value, or null. */
    static JsonNode incrementValue(String key, Object reply) {
        List<Object> r = FunctionCalls.list(reply);
        if (r.size() > 2 && r.get(2) != null) {
            JsonNode v = StrictJson.parse(FunctionCalls.text(r.get(2)), "increment result of \"" + key + "\"");
            return v.isArray() ? v.get(0) : v;
        }
        return null;
    }

    /** Sends a write that carries a write ID (see {@link #send(String, Supplier)}). */
    private Object send(String key, FunctionCalls.Call call) {
        return send(key, () -> redis.fcall(call, key));
    }

    /**
     * Sends a single-document write whose arguments carry a write ID and, when Redis did not
     * answer (a stale connection after a restart, a timeout), sends the very same call again:
     * the function recognises its own write ID and replays the first reply instead of committing
     * twice. Only when Redis stays unreachable does the caller see the UnavailableException.
     */
    private <T> T send(String key, Supplier<T> call) {
        boolean maybeApplied = false;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (UnavailableException e) {
                maybeApplied |= e.outcomeUnknown();
                if (attempt >= WRITE_ATTEMPTS || e.getCause() instanceof RedisGateway.NotReplicated) {
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
            w.succeed(redis.fcall(w.call, w.key));
            return;
        }
        List<FunctionCalls.Call> writes = new ArrayList<>(batch.size());
        for (WriteBatcher.Write w : batch) {
            writes.add(w.call);
        }
        List<Object> replies = redis.fcallEach(FunctionCalls.writeMany(writes), null);
        for (int i = 0; i < batch.size(); i++) {
            WriteBatcher.Write w = batch.get(i);
            Object r = replies.get(i);
            if (r instanceof FunctionCalls.ErrorReply e) {
                w.fail(ErrorMapper.fromReply(e.message(), w.key));
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
        FunctionCalls.Written w = FunctionCalls.written(reply);
        return new WriteResult(key, w.revision(), w.eventId(), Optional.ofNullable(value));
    }
}
