package io.statestore.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.Document;
import io.statestore.client.InvalidInputException;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StrictJson;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.RedisGateway;
import io.statestore.testing.Concurrently;
import io.statestore.testing.TestRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Read combining against a real server (docs/combining.md, "Read combining"): a get never shares
 * a read sent before it began, so it sees every write acknowledged before it began; sharers get
 * documents of their own and the shared read's error; other documents are never held up; gets
 * under contention share calls, a lone get sends its own.
 */
abstract class ReadCombiningContract {
    static final String KEY = "hot:read";
    static final String OTHER = "cold:read";
    /** Liveness bound only (a hang fails the test instead of stalling the run); nothing is timed. */
    static final long HANG_SECONDS = 60;

    abstract TestRedis redis();

    private RedisGateway gateway;
    private FunctionCalls protocol;

    @BeforeEach
    void connect() {
        redis().flushAll();
        StateStoreOptions options = StateStoreOptions.builder()
                .uri(redis().uri())
                .writer("read-combining-test")
                .build();
        // a store first: it installs the function libraries the gateway's calls need
        redis().newStore().put(KEY, StrictJson.parse("{\"n\":0}"));
        gateway = new RedisGateway(options);
        protocol = new FunctionCalls(redis().layout());
    }

    @AfterEach
    void close() {
        gateway.close();
    }

    // ---- through the public client

    @Test
    void aGetThatBeganAfterAPutWasAcknowledgedSeesThatPutOrLater() throws Exception {
        StateStore store = redis().newStore();
        // The writer publishes a revision only once its put is acknowledged; a reader takes the
        // floor before its get begins. So the put happened before the get began, and a read sent
        // before the get began (which must never be shared) could answer below the floor.
        AtomicLong acked = new AtomicLong(store.get(KEY).orElseThrow().revision());
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger gets = new AtomicInteger();
        List<String> stale = java.util.Collections.synchronizedList(new ArrayList<>());
        int readers = 12;
        int puts = 400;
        Concurrently.run(readers + 1, t -> {
            if (t == readers) {
                try {
                    for (int i = 1; i <= puts; i++) {
                        long rev = store.put(KEY, StrictJson.parse("{\"n\":" + i + "}"))
                                .revision();
                        acked.set(rev);
                    }
                } finally {
                    writing.set(false);
                }
                return;
            }
            while (writing.get()) {
                long floor = acked.get();
                Document<JsonNode> d = store.get(KEY).orElseThrow();
                gets.incrementAndGet();
                if (d.revision() < floor) {
                    stale.add("revision " + d.revision() + " after put " + floor + " was acknowledged");
                }
                // the content is the revision's: put i made revision i + 1
                if (d.value().get("n").asLong() != d.revision() - 1) {
                    stale.add("content " + d.value() + " at revision " + d.revision());
                }
            }
        });
        assertEquals(List.of(), stale);
        assertTrue(gets.get() > 0, "the readers read");
        assertEquals(puts + 1, store.get(KEY).orElseThrow().revision());
    }

    @Test
    void getsUnderContentionShareCallsAndALoneGetAfterwardsSendsItsOwn() throws Exception {
        StateStore store = redis().newStore();
        store.get(KEY); // libraries checked: the counts below are the gets' own
        int threads = 16;
        int each = 150;
        long before = readCalls();
        Concurrently.run(threads, t -> {
            for (int i = 0; i < each; i++) {
                store.get(KEY).orElseThrow();
            }
        });
        long contended = readCalls() - before;
        int gets = threads * each;
        System.out.printf(
                "read combining: %d gets of one document by %d threads made %d FCALL_RO calls%n",
                gets, threads, contended);
        assertTrue(contended > 0, "the gets reached the server");
        assertTrue(
                contended < gets, "gets under contention shared calls: " + contended + " calls for " + gets + " gets");
        // Nothing in flight any more: a get that begins now shares nothing and sends at once.
        long last = readCalls();
        assertEquals(0, store.get(KEY).orElseThrow().value().get("n").asLong());
        assertEquals(last + 1, readCalls(), "a lone get is one call of its own");
        store.put(KEY, StrictJson.parse("{\"n\":7}"));
        assertEquals(7, store.get(KEY).orElseThrow().value().get("n").asLong(), "a get after a put sees the put");
    }

    @Test
    void offEveryGetIsItsOwnCall() throws Exception {
        StateStore store = redis().newStore(b -> b.combineReads(false));
        store.get(KEY);
        long before = readCalls();
        Concurrently.run(8, t -> {
            for (int i = 0; i < 50; i++) {
                store.get(KEY).orElseThrow();
            }
        });
        assertEquals(before + 400, readCalls());
    }

    // ---- the combiner itself, with the first read held in flight

    @Test
    void sharersOfOneReadGetDocumentsOfTheirOwn() throws Exception {
        Gate gate = new Gate(KEY);
        ReadCombiner combiner = new ReadCombiner(gate.reading(this::readAlone));
        CompletableFuture<Document<JsonNode>> first =
                submit(() -> combiner.read(KEY).toDocument().orElseThrow());
        gate.awaitHeld();
        List<CompletableFuture<Document<JsonNode>>> sharers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int id = i;
            sharers.add(submit(() -> {
                Document<JsonNode> d = combiner.read(KEY).toDocument().orElseThrow();
                ((ObjectNode) d.value()).put("mine", id); // the benchmark mutates what it read
                return d;
            }));
            awaitGathered(combiner, i + 1);
        }
        gate.open();
        first.get(HANG_SECONDS, TimeUnit.SECONDS);
        for (int i = 0; i < sharers.size(); i++) {
            Document<JsonNode> d = sharers.get(i).get(HANG_SECONDS, TimeUnit.SECONDS);
            assertEquals(i, d.value().get("mine").asInt(), "each caller sees only its own change");
            assertEquals(0, d.value().get("n").asInt());
            for (int j = 0; j < i; j++) {
                assertNotSame(sharers.get(j).get().value(), d.value());
            }
        }
        assertEquals(2, gate.calls.get(), "one read in flight, one shared by the six queued behind it");
        assertEquals(0, combiner.lanes(), "an idle document keeps no lane");
    }

    @Test
    void theSharedReadsErrorReachesEverySharerInOurWords() throws Exception {
        Gate gate = new Gate(KEY);
        ReadCombiner combiner = new ReadCombiner(gate.reading(this::readAlone));
        CompletableFuture<StoredDocument> first = submit(() -> combiner.read(KEY));
        gate.awaitHeld();
        List<CompletableFuture<StoredDocument>> sharers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sharers.add(submit(() -> combiner.read(KEY)));
            awaitGathered(combiner, i + 1);
        }
        // the read in flight has its answer; the key becomes a Redis hash before the shared read goes
        redis().commands().del(KEY);
        redis().commands().hset(KEY, "f", "v");
        gate.open();
        assertEquals(1, first.get(HANG_SECONDS, TimeUnit.SECONDS).revision());
        for (CompletableFuture<StoredDocument> s : sharers) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> s.get(HANG_SECONDS, TimeUnit.SECONDS));
            InvalidInputException refused = assertInstanceOf(InvalidInputException.class, e.getCause());
            assertTrue(
                    refused.getMessage().contains("\"" + KEY + "\" holds a Redis hash, not a document"),
                    refused.getMessage());
        }
        assertEquals(2, gate.calls.get());
        assertEquals("v", redis().commands().hget(KEY, "f"), "the hash is untouched");
        assertEquals(0, combiner.lanes());
    }

    @Test
    void aGetOfAnotherDocumentIsNotHeldUpByAHotDocumentsLane() throws Exception {
        redis().newStore().put(OTHER, StrictJson.parse("{\"other\":true}"));
        Gate gate = new Gate(KEY);
        ReadCombiner combiner = new ReadCombiner(gate.reading(this::readAlone));
        CompletableFuture<StoredDocument> hot = submit(() -> combiner.read(KEY));
        gate.awaitHeld();
        CompletableFuture<StoredDocument> queued = submit(() -> combiner.read(KEY));
        awaitGathered(combiner, 1);
        // the hot document's read is held in flight with a get queued behind it: the other key goes alone
        StoredDocument other = submit(() -> combiner.read(OTHER)).get(HANG_SECONDS, TimeUnit.SECONDS);
        assertEquals("{\"other\":true}", other.json().toString());
        assertFalse(hot.isDone());
        assertFalse(queued.isDone());
        gate.open();
        assertEquals(1, hot.get(HANG_SECONDS, TimeUnit.SECONDS).revision());
        assertEquals(1, queued.get(HANG_SECONDS, TimeUnit.SECONDS).revision());
        assertEquals(0, combiner.lanes());
    }

    @Test
    void aQueuedGetIsSentAfterTheReadInFlightReturnsSoItSeesAWriteAcknowledgedMeanwhile() throws Exception {
        Gate gate = new Gate(KEY);
        ReadCombiner combiner = new ReadCombiner(gate.reading(this::readAlone));
        CompletableFuture<StoredDocument> first = submit(() -> combiner.read(KEY));
        gate.awaitHeld(); // the first read has been answered by Redis (revision 1) and is held on its way back
        long acked = redis().newStore().put(KEY, StrictJson.parse("{\"n\":1}")).revision();
        CompletableFuture<StoredDocument> after = submit(() -> combiner.read(KEY));
        awaitGathered(combiner, 1);
        gate.open();
        assertEquals(1, first.get(HANG_SECONDS, TimeUnit.SECONDS).revision(), "began before the put");
        assertEquals(
                acked,
                after.get(HANG_SECONDS, TimeUnit.SECONDS).revision(),
                "began after the put: never the older answer");
    }

    @Test
    void interruptedSharersStillGetTheReadAndKeepTheirInterruptStatus() throws Exception {
        Gate gate = new Gate(KEY);
        ReadCombiner combiner = new ReadCombiner(gate.reading(this::readAlone));
        CompletableFuture<StoredDocument> first = submit(() -> combiner.read(KEY));
        gate.awaitHeld();
        // the first sharer will send the gathered read; the second only waits for it
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<String>> sharers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<String> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    StoredDocument d = combiner.read(KEY);
                    f.complete(d.revision() + (Thread.currentThread().isInterrupted() ? " interrupted" : ""));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
            t.setDaemon(true);
            t.start();
            threads.add(t);
            sharers.add(f);
            awaitGathered(combiner, i + 1);
        }
        threads.get(0).interrupt();
        threads.get(1).interrupt();
        gate.open();
        assertEquals(1, first.get(HANG_SECONDS, TimeUnit.SECONDS).revision());
        assertEquals("1 interrupted", sharers.get(0).get(HANG_SECONDS, TimeUnit.SECONDS), "the sender's read went");
        assertEquals("1 interrupted", sharers.get(1).get(HANG_SECONDS, TimeUnit.SECONDS));
        assertEquals("1", sharers.get(2).get(HANG_SECONDS, TimeUnit.SECONDS), "an interrupt is its own caller's");
        assertEquals(2, gate.calls.get());
    }

    // ---- helpers

    private StoredDocument readAlone(String key) {
        return StoredDocument.fromReply(key, gateway.fcallReadOnly(protocol.get(key), key));
    }

    /** FCALL_RO calls served by every primary so far (INFO commandstats). */
    private long readCalls() {
        long sum = 0;
        for (Jedis j : redis().primaries()) {
            try (j) {
                for (String line : j.info("commandstats").split("\r?\n")) {
                    if (line.startsWith("cmdstat_fcall_ro:")) {
                        String calls = line.substring(line.indexOf("calls=") + 6);
                        sum += Long.parseLong(calls.substring(0, calls.indexOf(',')));
                    }
                }
            }
        }
        return sum;
    }

    private static <T> CompletableFuture<T> submit(java.util.function.Supplier<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(work.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return f;
    }

    private static void awaitGathered(ReadCombiner combiner, int n) throws InterruptedException {
        while (combiner.gathered(KEY) < n) {
            Thread.sleep(1);
        }
    }

    /** Holds the first read of one key after Redis answered it, until opened; counts that key's reads. */
    private static final class Gate {
        final String key;
        final AtomicInteger calls = new AtomicInteger();
        private final CompletableFuture<Void> held = new CompletableFuture<>();
        private final CompletableFuture<Void> opened = new CompletableFuture<>();

        Gate(String key) {
            this.key = key;
        }

        Function<String, StoredDocument> reading(Function<String, StoredDocument> direct) {
            return k -> {
                boolean first = k.equals(key) && calls.incrementAndGet() == 1;
                StoredDocument d = direct.apply(k);
                if (first) {
                    held.complete(null);
                    opened.join();
                }
                return d;
            };
        }

        void awaitHeld() throws Exception {
            held.get(HANG_SECONDS, TimeUnit.SECONDS);
        }

        void open() {
            opened.complete(null);
        }
    }
}
