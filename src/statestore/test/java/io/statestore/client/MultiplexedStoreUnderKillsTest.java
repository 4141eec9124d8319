package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The shared connection (docs/multiplexing.md) through the public client while the server drops
 * every client connection every few milliseconds ({@code CLIENT KILL TYPE normal}): 16 threads
 * of one store put, merge and increment documents of their own and one shared by all. Afterwards
 * every acknowledged write is in the feed once, at the revision its caller got; no write is there
 * twice; each document's revisions are contiguous with one feed entry each; and each counter
 * equals the increments in the feed. (HotDocumentStressContract does this for one document across
 * processes and kill -9, with drops every few hundred milliseconds.)
 */
class MultiplexedStoreUnderKillsTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private static final int THREADS = 16;
    private static final long CHAOS_MILLIS =
            4_000; // ~150 drops: enough to cut calls at every stage, in the suite's budget
    private static final String SHARED = "mux:shared";

    /** An acknowledged write: its document and the revision its caller was given. */
    private record Ack(String key, long revision) {}

    @Test
    void everyAcknowledgedWriteIsAppliedOnceAtItsRevisionWhileConnectionsAreKilled() throws Exception {
        try (Jedis j = redis.flushedWithLibraries()) {
            j.fcall("ss_config_set", List.of("ss:config"), List.of("feedmax", "0")); // keep every entry to check
        }
        StateStore store = redis.newStore(b -> b.poolSize(THREADS));
        store.put(SHARED, StrictJson.parse("{\"n\":0}"));
        for (int t = 0; t < THREADS; t++) {
            store.put("mux:own:" + t, StrictJson.parse("{\"n\":0}"));
        }
        Map<String, Ack> acks = new ConcurrentHashMap<>();
        AtomicLong unknown = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        int drops = 0;
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                workers.add(pool.submit(() -> write(store, thread, acks, unknown, stop)));
            }
            long end = System.nanoTime() + CHAOS_MILLIS * 1_000_000;
            try (Jedis admin = redis.jedis()) {
                while (System.nanoTime() < end) {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(5, 40));
                    admin.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "normal", "SKIPME", "yes");
                    drops++;
                }
            }
            stop.set(true);
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS); // a hang check: each call ends within its timeout
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        System.out.println("[mux-kills] " + drops + " CLIENT KILL, " + acks.size() + " acknowledged, " + unknown
                + " of unknown outcome");
        verify(store, acks);
        assertTrue(acks.size() > 500 && unknown.get() > 0, acks.size() + " acknowledged, " + unknown + " unknown");
        store.close();
    }

    private static void write(
            StateStore store, int thread, Map<String, Ack> acks, AtomicLong unknown, AtomicBoolean stop) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (long seq = 0; !stop.get(); seq++) {
            String token = "t" + thread + "-" + seq;
            WriteOptions opts = WriteOptions.builder().source(token).build();
            String key = random.nextInt(3) == 0 ? SHARED : "mux:own:" + thread;
            int pick = random.nextInt(10);
            try {
                WriteResult r;
                if (pick < 4) {
                    r = store.increment(key, "$.n", 1, opts);
                } else if (pick < 8) {
                    r = store.merge(key, Map.of("t" + thread, seq), opts);
                } else if (key.equals(SHARED)) {
                    continue; // a put would reset the shared counter that the others check
                } else {
                    long n = store.get(key).orElseThrow().value().get("n").asLong();
                    r = store.put(key, Map.of("n", n, "put", token), opts); // n kept: only increments change it
                }
                acks.put(token, new Ack(key, r.revision()));
            } catch (UnavailableException e) {
                unknown.incrementAndGet(); // outcome unknown (or not sent): not acknowledged
            }
        }
    }

    /** Checks the feed against the acknowledgements and the documents (see the class comment). */
    private static void verify(StateStore store, Map<String, Ack> acks) {
        List<StreamEntry> feed;
        try (Jedis j = redis.jedis()) {
            feed = j.xrange("ss:feed", (StreamEntryID) null, (StreamEntryID) null);
        }
        Map<String, Long> lastRevision = new HashMap<>();
        Map<String, Long> increments = new HashMap<>();
        Map<String, Ack> applied = new HashMap<>();
        for (StreamEntry e : feed) {
            Map<String, String> f = e.getFields();
            String key = f.get("key");
            long rev = Long.parseLong(f.get("rev"));
            long prev = lastRevision.getOrDefault(key, 0L);
            assertEquals(prev + 1, rev, key + ": revisions contiguous, one feed entry each");
            assertEquals(Long.toString(prev), f.get("prev"), key + ": the entry's previous revision");
            lastRevision.put(key, rev);
            String token = f.get("src");
            if (token == null) {
                continue; // the initial puts
            }
            assertTrue(applied.put(token, new Ack(key, rev)) == null, "write " + token + " applied twice");
            if ("incr".equals(f.get("op"))) {
                increments.merge(key, 1L, Long::sum);
            }
        }
        for (Map.Entry<String, Ack> a : acks.entrySet()) {
            assertEquals(a.getValue(), applied.get(a.getKey()), "acknowledged write " + a.getKey());
        }
        for (Map.Entry<String, Long> doc : lastRevision.entrySet()) {
            Document<com.fasterxml.jackson.databind.JsonNode> d =
                    store.get(doc.getKey()).orElseThrow();
            assertEquals(doc.getValue(), d.revision(), doc.getKey() + ": its revision is its last feed entry's");
            assertEquals(
                    (long) increments.getOrDefault(doc.getKey(), 0L),
                    d.value().get("n").asLong(),
                    doc.getKey() + ": every increment applied once");
        }
    }
}
