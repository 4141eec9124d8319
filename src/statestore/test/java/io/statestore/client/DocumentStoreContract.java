package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.testing.Concurrently;
import io.statestore.testing.TestRedis;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The behaviour every storage mode must show; subclasses pick the server (a standalone one in
 * either mode, or the cluster: {@code cluster/ClusterDocumentStoreTest}).
 */
public abstract class DocumentStoreContract {
    protected StateStore store;

    protected abstract TestRedis redis();

    @BeforeEach
    void setUp() {
        redis().flushAll();
        store = redis().newStore();
    }

    static JsonNode json(String text) {
        return StrictJson.parse(text);
    }

    /** The entries of the feeds the keys' writes went to: the one feed on a standalone server, per slot on a cluster. */
    List<StreamEntry> feed(String... keys) {
        Set<String> feeds = new LinkedHashSet<>();
        for (String key : keys) {
            feeds.add(redis().layout().feed(key));
        }
        List<StreamEntry> out = new java.util.ArrayList<>();
        for (String feed : feeds) {
            out.addAll(redis().commands().xrange(feed, "-", "+"));
        }
        return out;
    }

    @Test
    void storageModeMatchesTheServer() {
        assertEquals(redis().moduleMode() ? StorageMode.MODULE : StorageMode.PORTABLE, store.mode());
    }

    @Test
    void aKeyWrittenOutsideStatestoreIsAdoptedByCompareAndSet() {
        redis().commands().set("legacy:doc", "{\"a\":1}");
        assertEquals(0, store.get("legacy:doc").orElseThrow().revision());
        assertThrows(
                ConflictException.class,
                () -> store.put("legacy:doc", json("{\"a\":2}"), WriteOptions.ifRevision(0)),
                "revision 0 means absent, and the key exists");
        assertEquals(
                1,
                store.put("legacy:doc", json("{\"a\":2}"), WriteOptions.ifForeign())
                        .revision());
        assertThrows(
                ConflictException.class,
                () -> store.put("legacy:doc", json("{\"a\":3}"), WriteOptions.ifForeign()),
                "adopted now: no longer foreign");
        redis().commands().set("legacy:other", "{\"n\":1}");
        assertEquals(
                1,
                store.merge("legacy:other", json("{\"m\":2}")).revision(),
                "an unconditional update adopts it by CAS");
        assertEquals(
                json("{\"n\":1,\"m\":2}"),
                store.get("legacy:other").orElseThrow().value());
    }

    @Test
    void putThenGetReturnsDocumentRevisionAndMetadata() {
        WriteResult w = store.put("quantum:status", json("{\"state\":\"running\",\"n\":1}"));
        assertEquals(1, w.revision());
        Document<JsonNode> d = store.get("quantum:status").orElseThrow();
        assertEquals(json("{\"state\":\"running\",\"n\":1}"), d.value());
        assertEquals(1, d.revision());
        assertEquals("test", d.meta().writer());
        assertFalse(d.meta().expiresAt().isPresent());
        assertTrue(store.get("quantum:missing").isEmpty());
    }

    @Test
    void revisionRisesByExactlyOnePerCommittedWrite() {
        assertEquals(1, store.put("doc", json("{\"a\":1,\"list\":[]}")).revision());
        assertEquals(2, store.merge("doc", json("{\"b\":2}")).revision());
        assertEquals(3, store.set("doc", "$.c", 3).revision());
        assertEquals(4, store.increment("doc", "$.a", 5).revision());
        assertEquals(5, store.remove("doc", "$.b").revision());
        assertEquals(6, store.append("doc", "$.list", 1, 0).revision());
        assertEquals(7, store.expire("doc", Duration.ofHours(1)).revision());
        assertEquals(8, store.delete("doc").revision());
        assertEquals(8, feed("doc").size());
    }

    @Test
    void conditionalPutWithStaleRevisionFailsWithCurrentRevision() {
        store.put("doc", json("{\"a\":1}"));
        store.put("doc", json("{\"a\":2}"));
        ConflictException e = assertThrows(
                ConflictException.class, () -> store.put("doc", json("{\"a\":3}"), WriteOptions.ifRevision(1)));
        assertEquals(2, e.currentRevision().orElseThrow());
        assertEquals(json("{\"a\":2}"), store.get("doc").orElseThrow().value());
        assertEquals(
                3,
                store.put("doc", json("{\"a\":3}"), WriteOptions.ifRevision(2)).revision());
    }

    @Test
    void createOnlyWritesWhenAbsent() {
        assertTrue(store.create("doc", json("{\"v\":1}")).isPresent());
        assertTrue(store.create("doc", json("{\"v\":2}")).isEmpty());
        assertEquals(json("{\"v\":1}"), store.get("doc").orElseThrow().value());
        assertEquals(1, feed("doc").size());
    }

    @Test
    void deleteWritesTombstoneAndRecreationContinuesRevisions() {
        store.put("doc", json("{\"a\":1}"));
        WriteResult del = store.delete("doc");
        assertEquals(2, del.revision());
        assertTrue(store.get("doc").isEmpty());
        assertThrows(NotFoundException.class, () -> store.delete("doc"));
        assertEquals(3, store.put("doc", json("{\"a\":2}")).revision());
        List<StreamEntry> f = feed("doc");
        assertEquals(
                List.of("put", "del", "put"),
                f.stream().map(e -> e.getFields().get("op")).toList());
    }

    @Test
    void mergeFollowsRfc7386() {
        store.put(
                "doc",
                json("{\"title\":\"Goodbye!\",\"author\":{\"givenName\":\"John\",\"familyName\":\"Doe\"},"
                        + "\"tags\":[\"example\",\"sample\"],\"content\":\"This will be unchanged\"}"));
        store.merge(
                "doc",
                json("{\"title\":\"Hello!\",\"phoneNumber\":\"+01-123-456-7890\",\"author\":{\"familyName\":null},"
                        + "\"tags\":[\"example\"]}"));
        assertEquals(
                json("{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},\"tags\":[\"example\"],"
                        + "\"content\":\"This will be unchanged\",\"phoneNumber\":\"+01-123-456-7890\"}"),
                store.get("doc").orElseThrow().value());
        store.merge("doc", json("{\"author\":\"plain\",\"x\":{\"y\":{\"z\":1,\"gone\":null}}}"));
        JsonNode v = store.get("doc").orElseThrow().value();
        assertEquals(json("\"plain\""), v.get("author"));
        assertEquals(json("{\"y\":{\"z\":1}}"), v.get("x"));
        store.merge("fresh", json("{\"a\":{\"b\":null,\"c\":[]}}"));
        assertEquals(
                json("{\"a\":{\"c\":[]}}"), store.get("fresh").orElseThrow().value());
    }

    @Test
    void pathOperationsSetRemoveIncrementAppend() {
        store.put("doc", json("{\"n\":41,\"list\":[1,2],\"o\":{},\"dec\":0.1}"));
        store.set("doc", "$.o[\"x.y\"]", "dotted");
        store.set("doc", "$.list[0]", 10);
        assertEquals(42, store.increment("doc", "$.n", 1).value().orElseThrow().asLong());
        store.increment("doc", "$.dec", 0.2);
        store.remove("doc", "$.list[1]");
        store.append("doc", "$.list", "a", 0);
        store.append("doc", "$.list", "b", 2);
        JsonNode v = store.get("doc").orElseThrow().value();
        assertEquals(json("\"dotted\""), v.get("o").get("x.y"));
        assertEquals(json("[\"a\",\"b\"]"), v.get("list"));
        assertEquals(42, v.get("n").asLong());
        assertEquals(0.3, v.get("dec").asDouble(), 1e-12);
        assertEquals(8, store.get("doc").orElseThrow().revision());
    }

    @Test
    void rejectedWritesLeaveDocumentMetadataAndFeedByteForByteUnchanged() {
        store.put("doc", json("{\"n\":1,\"s\":\"text\",\"list\":[]}"));
        byte[][] before = dumps("doc");
        assertThrows(InvalidInputException.class, () -> store.set("doc", "$.missing.deeper", 1));
        assertThrows(InvalidInputException.class, () -> store.increment("doc", "$.s", 1));
        assertThrows(InvalidInputException.class, () -> store.append("doc", "$.n", 1, 0));
        assertThrows(InvalidInputException.class, () -> store.set("doc", "$..bad", 1));
        assertThrows(InvalidInputException.class, () -> store.remove("doc", "$.nothing"));
        assertThrows(InvalidInputException.class, () -> store.set("doc", "$.list[3]", 1));
        assertThrows(ConflictException.class, () -> store.put("doc", json("{}"), WriteOptions.ifRevision(7)));
        assertThrows(ConflictException.class, () -> store.merge("doc", json("{\"a\":1}"), WriteOptions.ifRevision(9)));
        assertThrows(InvalidInputException.class, () -> store.put("doc", StrictJson.parse("{\"a\":NaN}")));
        assertThrows(NotFoundException.class, () -> store.increment("nodoc", "$.n", 1));
        assertThrows(InvalidInputException.class, () -> store.put("ss:internal", json("{}")));
        byte[][] after = dumps("doc");
        for (int i = 0; i < before.length; i++) {
            assertArrayEquals(before[i], after[i], "key " + i + " changed");
        }
        assertEquals(1, feed("doc").size());
    }

    private byte[][] dumps(String key) {
        UnifiedJedis j = redis().commands();
        return new byte[][] {
            j.dump(key),
            j.dump("ss:m:{" + key + "}"),
            j.dump(redis().layout().feed(key)),
            j.dump(redis().layout().index(key))
        };
    }

    @Test
    void everyCommittedWriteEmitsExactlyOneEventInRevisionOrder() {
        store.put("doc", json("{\"n\":0,\"l\":[]}"));
        for (int i = 0; i < 20; i++) {
            store.increment("doc", "$.n", 1);
            store.merge("doc", json("{\"m\":" + i + "}"));
            assertThrows(InvalidInputException.class, () -> store.increment("doc", "$.l", 1));
        }
        store.delete("doc");
        List<StreamEntry> f = feed("doc");
        assertEquals(42, f.size());
        for (int i = 0; i < f.size(); i++) {
            Map<String, String> e = f.get(i).getFields();
            assertEquals("doc", e.get("key"));
            assertEquals(Integer.toString(i + 1), e.get("rev"));
            assertEquals(Integer.toString(i), e.get("prev"));
            assertEquals("test", e.get("writer"));
        }
        assertEquals("{\"m\":0}", f.get(2).getFields().get("change"));
        assertEquals(
                "[{\"op\":\"incr\",\"path\":\"$.n\",\"by\":1}]",
                f.get(1).getFields().get("change"));
    }

    @Test
    void ttlIsSetKeptByUpdatesAndRemovedByPersist() {
        store.put("doc", json("{\"a\":1}"), WriteOptions.ttl(Duration.ofHours(1)));
        assertTrue(store.get("doc").orElseThrow().meta().expiresAt().isPresent());
        store.merge("doc", json("{\"b\":1}"));
        store.put("doc", json("{\"c\":1}"));
        store.increment("doc", "$.c", 1);
        assertTrue(redis().commands().pttl("doc") > 3_000_000L);
        store.persist("doc");
        assertFalse(store.get("doc").orElseThrow().meta().expiresAt().isPresent());
        store.expire("doc", Duration.ofMinutes(5));
        assertTrue(store.get("doc").orElseThrow().meta().expiresAt().isPresent());
    }

    @Test
    void nativeExpiryIsCommittedAsTombstoneBeforeTheNextWrite() throws Exception {
        store.put("short", json("{\"a\":1}"), WriteOptions.ttl(Duration.ofMillis(20)));
        long deadline = System.currentTimeMillis() + 30_000; // a hang guard: the TTL is 20 ms
        while (store.get("short").isPresent() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(store.get("short").isEmpty());
        assertEquals(3, store.put("short", json("{\"a\":2}")).revision());
        assertEquals(
                List.of("put", "expired", "put"),
                feed("short").stream().map(e -> e.getFields().get("op")).toList());
    }

    @Test
    void listReturnsExistingKeysByPrefixInOrder() {
        for (String k :
                List.of("quantum:daily:2025-07-02", "quantum:daily:2025-07-01", "quantum:status", "entity:a:state")) {
            store.put(k, json("{}"));
        }
        store.delete("quantum:status");
        assertEquals(List.of("quantum:daily:2025-07-01", "quantum:daily:2025-07-02"), store.list("quantum:"));
        assertEquals(4 - 1, store.list("").size());
    }

    @Test
    void getAllReturnsOnlyExistingDocuments() {
        store.put("a", 1);
        store.put("c", json("[]"));
        Map<String, Document<JsonNode>> all = store.getAll(List.of("a", "b", "c"));
        assertEquals(Set.of("a", "c"), all.keySet());
        assertEquals(json("[]"), all.get("c").value());
    }

    @Test
    void typedReadsAndUpdatesUseJackson() {
        record Status(String state, long count, java.time.Instant since) {}
        java.time.Instant t = java.time.Instant.parse("2025-07-01T10:15:30.123456Z");
        store.put("typed", new Status("idle", 9_007_199_254_740_993L, t));
        Status s = store.get("typed", Status.class).orElseThrow().value();
        assertEquals(new Status("idle", 9_007_199_254_740_993L, t), s);
        store.update("typed", Status.class, cur -> new Status("busy", cur.count() + 1, cur.since()));
        assertEquals(
                9_007_199_254_740_994L,
                store.get("typed", Status.class).orElseThrow().value().count());
    }

    @Test
    void transactionCommitsSeveralDocumentsOfOneGroupAtomically() {
        store.put("{acct}:a", json("{\"balance\":100}"));
        store.put("{acct}:b", json("{\"balance\":0}"));
        Map<String, WriteResult> r = store.transaction(List.of("{acct}:a", "{acct}:b"), (cur, ch) -> {
            long a = cur.get("{acct}:a").value().get("balance").asLong();
            long b = cur.get("{acct}:b").value().get("balance").asLong();
            ch.put("{acct}:a", Map.of("balance", a - 30)).put("{acct}:b", Map.of("balance", b + 30));
        });
        assertEquals(2, r.size());
        assertEquals(
                70, store.get("{acct}:a").orElseThrow().value().get("balance").asLong());
        assertEquals(
                30, store.get("{acct}:b").orElseThrow().value().get("balance").asLong());
        assertThrows(InvalidInputException.class, () -> store.transaction(List.of("{x}:a", "{y}:b"), (c, ch) -> {}));
    }

    @Test
    void concurrentIncrementsAndMergesLoseNothing() throws Exception {
        int threads = 16;
        int perThread = 2000;
        store.put("hot", json("{\"counter\":0}"));
        Concurrently.run(threads, id -> {
            for (int i = 0; i < perThread; i++) {
                if (i % 2 == 0) {
                    store.increment("hot", "$.counter", 1);
                } else {
                    store.merge("hot", Map.of("t" + id, i));
                }
            }
        });
        Document<JsonNode> d = store.get("hot").orElseThrow();
        assertEquals(threads * perThread / 2, d.value().get("counter").asLong());
        assertEquals(1 + threads * perThread, d.revision());
        for (int t = 0; t < threads; t++) {
            assertEquals(perThread - 1, d.value().get("t" + t).asInt());
        }
        assertEquals(1 + threads * perThread, feed("hot").size());
    }

    @Test
    void concurrentWritesToManyDocumentsLoseNothing() throws Exception {
        // Sixteen threads on eight shared documents: writes of one document take turns, writes
        // of different documents go out side by side.
        int threads = 16;
        int perThread = 400;
        int docs = 8;
        for (int d = 0; d < docs; d++) {
            store.put("many:" + d, json("{\"counter\":0}"));
        }
        Concurrently.run(threads, id -> {
            for (int i = 0; i < perThread; i++) {
                String key = "many:" + ((id + i) % docs);
                if (i % 2 == 0) {
                    store.increment(key, "$.counter", 1);
                } else {
                    store.merge(key, Map.of("last" + id, i));
                }
            }
        });
        long counted = 0;
        long revisions = 0;
        String[] keys = new String[docs];
        for (int d = 0; d < docs; d++) {
            keys[d] = "many:" + d;
            Document<JsonNode> doc = store.get("many:" + d).orElseThrow();
            counted += doc.value().get("counter").asLong();
            revisions += doc.revision();
        }
        assertEquals(threads * perThread / 2, counted);
        assertEquals(docs + threads * perThread, revisions, "one revision per write");
        assertEquals(docs + threads * perThread, feed(keys).size(), "one feed entry per write");
    }

    @Test
    void updatesFromAnotherClientAreNeverOverwrittenByWhatThisClientLastWrote() {
        StateStore other = redis().newStore(b -> b.writer("other"));
        store.put("shared", json("{\"n\":0}"));
        store.merge("shared", json("{\"mine\":1}"));
        other.merge("shared", json("{\"theirs\":1}"));
        other.increment("shared", "$.n", 5);
        store.merge("shared", json("{\"mine\":2}"));
        store.increment("shared", "$.n", 1);
        assertEquals(
                json("{\"n\":6,\"mine\":2,\"theirs\":1}"),
                store.get("shared").orElseThrow().value());
        other.delete("shared");
        store.merge("shared", json("{\"again\":true}"));
        assertEquals(json("{\"again\":true}"), store.get("shared").orElseThrow().value());
        assertEquals(8, store.get("shared").orElseThrow().revision());
    }

    @Test
    void anUpdateFunctionThatMutatesItsInputAndFailsChangesNothing() {
        store.put("mut", json("{\"a\":1}"));
        store.merge("mut", json("{\"b\":1}"));
        assertThrows(
                IllegalStateException.class,
                () -> store.update("mut", JsonNode.class, cur -> {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) cur).put("a", 999);
                    throw new IllegalStateException("changed my mind");
                }));
        store.update("mut", JsonNode.class, cur -> ((com.fasterxml.jackson.databind.node.ObjectNode) cur).put("c", 1));
        assertEquals(
                json("{\"a\":1,\"b\":1,\"c\":1}"),
                store.get("mut").orElseThrow().value());
    }

    @Test
    void documentKeysAreTheUsersNamesAndReadableWithPlainCommands() {
        store.put("quantum:status", json("{\"a\":[],\"big\":12345678901234567890}"));
        UnifiedJedis j = redis().commands();
        String raw = redis().moduleMode()
                ? (String) j.sendCommand(
                                "quantum:status".getBytes(), () -> "JSON.GET".getBytes(), "quantum:status".getBytes())
                        .toString()
                : j.get("quantum:status");
        if (!redis().moduleMode()) {
            assertEquals("{\"a\":[],\"big\":12345678901234567890}", raw);
        }
        assertEquals("1", j.hget("ss:m:{quantum:status}", "rev"));
        assertEquals(
                List.of("quantum:status"), List.copyOf(j.zrange(redis().layout().index("quantum:status"), 0, -1)));
    }

    @Test
    void invalidKeysAreRejectedWithTheRule() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> store.put("has space", 1));
        assertTrue(e.getMessage().contains("has space"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> store.put("", 1));
        assertThrows(InvalidInputException.class, () -> store.put("a}b", 1));
        assertThrows(InvalidInputException.class, () -> store.put("{}b", 1));
    }
}
