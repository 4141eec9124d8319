package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * With {@code maxmemory} reached under {@code noeviction}, Redis refuses every write function
 * that lacks the {@code allow-oom} flag: puts are refused cleanly (nothing changes), while
 * delete, expire and persist (ss_del, ss_ttl: allow-oom since LIB_VERSION 12) still work, so an
 * operator can free space through statestore; afterwards document, metadata, index and feed agree.
 */
class OutOfMemoryFreeingTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable().asRole(Role.WRITER);

    private static final String BIG = "x".repeat(200_000);

    StateStore store;

    @BeforeEach
    void setUp() {
        redis.flushAll();
        store = redis.newStore(b -> b.timeout(Duration.ofSeconds(2)));
        for (int i = 0; i < 5; i++) {
            store.put("big:" + i, Map.of("blob", BIG, "i", i));
        }
        try (Jedis j = redis.jedis()) {
            long used = usedMemory(j);
            j.configSet(Map.of("maxmemory-policy", "noeviction", "maxmemory", Long.toString(used - 700_000)));
        }
    }

    @AfterEach
    void lift() {
        try (Jedis j = redis.jedis()) {
            j.configSet("maxmemory", "0");
        }
    }

    @Test
    void underOomAPutIsRefusedAndDeleteExpirePersistStillWork() {
        Snapshot before = snapshot();
        UnavailableException refused =
                assertThrows(UnavailableException.class, () -> store.put("big:0", Map.of("blob", BIG, "i", 99)));
        assertTrue(refused.getMessage().contains("OOM"), refused.getMessage());
        assertThrows(UnavailableException.class, () -> store.put("new:one", Map.of("n", 1)));
        assertEquals(before, snapshot(), "a refused put changed nothing");

        try (Jedis j = redis.jedis()) {
            assertTrue(
                    usedMemory(j) > Long.parseLong(j.configGet("maxmemory").get("maxmemory")), "still over maxmemory");
        }
        WriteResult expired = store.expire("big:1", Duration.ofHours(1));
        assertEquals(2L, expired.revision());
        assertTrue(store.get("big:1").orElseThrow().meta().expiresAt().isPresent());
        assertEquals(3L, store.persist("big:1").revision());
        assertTrue(store.get("big:1").orElseThrow().meta().expiresAt().isEmpty());

        List<String> deleted = List.of("big:0", "big:2", "big:3");
        for (String k : deleted) {
            assertEquals(2L, store.delete(k).revision());
            assertTrue(store.get(k).isEmpty());
        }
        Snapshot after = snapshot();
        assertEquals(new TreeSet<>(Set.of("big:1", "big:4")), after.index);
        assertEquals(after.index, after.documents, "index and documents agree");
        for (String k : deleted) {
            assertEquals("1", after.metaDel.get(k), "metadata of " + k + " is a tombstone");
            assertEquals(
                    1,
                    after.feedOps.stream().filter(e -> e.equals(k + " del")).count(),
                    "one tombstone in the feed for " + k);
        }
        assertEquals(before.feedOps.size() + 2 + deleted.size(), after.feedOps.size(), "one feed entry per change");
        for (String k : after.index) {
            assertEquals("0", after.metaDel.get(k), "metadata of live " + k);
        }
    }

    @Test
    void afterDeletesFreeMemoryWritesAreAcceptedAgain() {
        assertThrows(UnavailableException.class, () -> store.put("new:one", Map.of("n", 1)));
        for (int i = 0; i < 5; i++) {
            store.delete("big:" + i);
        }
        assertEquals(1L, store.put("new:one", Map.of("n", 1)).revision(), "space freed through statestore");
    }

    private record Snapshot(
            Set<String> documents,
            Set<String> index,
            Map<String, String> metaDel,
            List<String> feedOps,
            Map<String, String> contents) {}

    private Snapshot snapshot() {
        try (Jedis j = redis.jedis()) {
            Set<String> docs = new TreeSet<>();
            Map<String, String> del = new java.util.TreeMap<>();
            Map<String, String> digests = new java.util.TreeMap<>();
            for (String k : List.of("big:0", "big:1", "big:2", "big:3", "big:4", "new:one")) {
                if (j.exists(k)) {
                    docs.add(k);
                    digests.put(k, java.util.Arrays.hashCode(j.dump(k)) + " " + j.hgetAll("ss:m:{" + k + "}"));
                }
                String d = j.hget("ss:m:{" + k + "}", "del");
                if (d != null) {
                    del.put(k, d);
                }
            }
            List<String> ops = new ArrayList<>();
            for (StreamEntry e : j.xrange("ss:feed", (StreamEntryID) null, (StreamEntryID) null)) {
                ops.add(e.getFields().get("key") + " " + e.getFields().get("op"));
            }
            return new Snapshot(docs, new TreeSet<>(j.zrange("ss:index", 0, -1)), del, ops, digests);
        }
    }

    private static long usedMemory(Jedis j) {
        return j.info("memory")
                .lines()
                .filter(l -> l.startsWith("used_memory:"))
                .mapToLong(l -> Long.parseLong(l.substring(12).strip()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aDeleteCarryingContentIsRefused() {
        try (Jedis j = redis.jedis()) {
            Object r = assertThrows(
                    redis.clients.jedis.exceptions.JedisDataException.class,
                    () -> j.fcall(
                            "ss_del",
                            List.of("big:4", "ss:m:{big:4}", "ss:h:{big:4}", "ss:feed", "ss:index"),
                            List.of("change", "{\"a\":1}")));
            assertTrue(r.toString().contains("SS_INVALID"), r.toString());
            assertFalse(j.exists("nothing"));
            assertTrue(j.exists("big:4"));
        }
    }
}
