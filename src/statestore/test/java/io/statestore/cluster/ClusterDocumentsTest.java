package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ConflictException;
import io.statestore.client.Document;
import io.statestore.client.HistoryEntry;
import io.statestore.client.HistoryPolicy;
import io.statestore.client.InvalidInputException;
import io.statestore.client.StateStore;
import io.statestore.client.WriteOptions;
import io.statestore.client.WriteResult;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.SlotTags;
import io.statestore.testing.RedisClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamEntry;

/** Documents on a real 3-primary Redis Cluster: the same API, the per-slot layout underneath. */
class ClusterDocumentsTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    static StateStore store;
    static final KeyLayout LAYOUT = new KeyLayout("ss:", true);

    @BeforeAll
    static void connect() {
        store = cluster.newStore(b -> b.historyPolicy(new HistoryPolicy("hist:*", 10, Duration.ZERO)));
    }

    @Test
    void putGetMergeCasDeleteWithRevisions() {
        WriteResult first = store.put("doc:a", Map.of("n", 1, "s", "x"));
        assertEquals(1, first.revision());
        assertEquals(2, store.merge("doc:a", Map.of("s", "y")).revision());
        Document<JsonNode> d = store.get("doc:a").orElseThrow();
        assertEquals(2, d.revision());
        assertEquals(1, d.value().get("n").asInt());
        assertEquals("y", d.value().get("s").asText());
        assertEquals(3, store.increment("doc:a", "$.n", 5).revision());
        assertEquals(6, store.get("doc:a").orElseThrow().value().get("n").asInt());

        assertThrows(ConflictException.class, () -> store.put("doc:a", Map.of("n", 0), WriteOptions.ifRevision(2)));
        assertEquals(
                4,
                store.put("doc:a", Map.of("n", 0), WriteOptions.ifRevision(3)).revision());
        assertEquals(5, store.delete("doc:a").revision());
        assertTrue(store.get("doc:a").isEmpty());
        assertEquals(6, store.put("doc:a", Map.of("back", true)).revision(), "a tombstone keeps the revision rising");
    }

    @Test
    void everyWriteAppendsToTheFeedOfItsSlotOnTheNodeThatServesIt() {
        WriteResult w = store.put("feedcheck", Map.of("v", 1));
        int slot = SlotTags.slot("feedcheck");
        String feed = "ss:feed{" + SlotTags.tag(slot) + "}";
        assertEquals(feed, LAYOUT.feed("feedcheck"));
        assertEquals(slot, SlotTags.slot(feed));
        try (Jedis j = cluster.node(cluster.primaryOfSlot(slot))) {
            List<StreamEntry> entries = j.xrange(feed, (redis.clients.jedis.StreamEntryID) null, null);
            StreamEntry last = entries.get(entries.size() - 1);
            assertEquals(w.changeId(), last.getID().toString());
            assertEquals("feedcheck", last.getFields().get("key"));
            assertEquals(
                    0.0,
                    j.zscore(LAYOUT.index("feedcheck"), "feedcheck"),
                    "listed in the index of its slot (all scores 0)");
        }
        for (String single : List.of("ss:feed", "ss:index")) {
            try (Jedis j = cluster.node(cluster.primaryOfSlot(SlotTags.slot(single)))) {
                assertFalse(j.exists(single), "no single " + single + " on a cluster");
            }
        }
    }

    @Test
    void getAllReadsDocumentsOfManySlots() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            keys.add("many:" + i);
            store.put("many:" + i, Map.of("i", i));
        }
        keys.add("many:absent");
        Map<String, Document<JsonNode>> all = store.getAll(keys);
        assertEquals(30, all.size());
        for (int i = 0; i < 30; i++) {
            assertEquals(i, all.get("many:" + i).value().get("i").asInt());
        }
    }

    @Test
    void listingByPrefixMergesTheIndexesOfEverySlotInKeyOrder() {
        List<String> expected = new ArrayList<>();
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            String key = "lst:" + (char) ('a' + i % 26) + i;
            store.put(key, Map.of("i", i));
            slots.add(SlotTags.slot(key));
            if (i % 10 != 3) {
                expected.add(key);
            } else {
                store.delete(key);
            }
        }
        store.put("lsx:other", Map.of());
        expected.add("lst:\u00e9t\u00e9");
        store.put("lst:\u00e9t\u00e9", Map.of());
        expected.sort(java.util.Comparator.comparing(
                k -> k,
                (a, b) -> java.util.Arrays.compareUnsigned(
                        a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        b.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertTrue(slots.size() > 30, "over " + slots.size() + " slots");
        assertEquals(expected, store.list("lst:"));
        assertEquals(List.of(), store.list("nothing-here:"));
    }

    @Test
    void documentsSpreadOverAllThreePrimaries() {
        Map<Integer, Integer> perPrimary = new HashMap<>();
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            String key = "spread:" + i;
            store.put(key, Map.of("i", i));
            slots.add(SlotTags.slot(key));
        }
        for (int port : cluster.primaryPorts()) {
            try (Jedis j = cluster.node(port)) {
                int count = 0;
                for (int i = 0; i < 300; i++) {
                    if (j.clusterKeySlot("spread:" + i) >= 0
                            && cluster.primaryOfSlot(SlotTags.slot("spread:" + i)) == port) {
                        assertTrue(j.exists("spread:" + i), "spread:" + i + " on the primary of its slot " + port);
                        count++;
                    }
                }
                perPrimary.put(port, count);
            }
        }
        assertEquals(3, perPrimary.size());
        perPrimary.forEach((port, n) -> assertTrue(n > 50, "primary " + port + " holds " + n + " of 300 documents"));
        assertTrue(slots.size() > 250, "300 keys over " + slots.size() + " slots");
    }

    @Test
    void historyKeepsVersionsInTheDocumentsSlot() {
        store.put("hist:x", Map.of("v", 1));
        store.put("hist:x", Map.of("v", 2));
        store.merge("hist:x", Map.of("w", 3));
        List<HistoryEntry> h = store.history().list("hist:x");
        assertEquals(
                List.of(1L, 2L, 3L),
                h.stream().map(HistoryEntry::revision).sorted().toList());
        assertEquals(
                2,
                store.history()
                        .get("hist:x", 2)
                        .document()
                        .orElseThrow()
                        .get("v")
                        .asInt());
    }

    @Test
    void ttlExpiresAndPersists() throws InterruptedException {
        store.put("ttl:short", Map.of("v", 1), WriteOptions.ttl(Duration.ofMillis(300)));
        store.put("ttl:kept", Map.of("v", 1));
        store.expire("ttl:kept", Duration.ofMinutes(5));
        assertTrue(store.get("ttl:kept").orElseThrow().meta().expiresAt().isPresent());
        store.persist("ttl:kept");
        assertTrue(store.get("ttl:kept").orElseThrow().meta().expiresAt().isEmpty());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.get("ttl:short").isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(store.get("ttl:short").isEmpty());
    }

    @Test
    void transactionWithinOneTagCommitsAllDocuments() {
        store.put("{acct}:alice", Map.of("balance", 100));
        store.put("{acct}:bob", Map.of("balance", 0));
        Map<String, WriteResult> r = store.transaction(List.of("{acct}:alice", "{acct}:bob"), (docs, tx) -> {
            int a = docs.get("{acct}:alice").value().get("balance").asInt();
            int b = docs.get("{acct}:bob").value().get("balance").asInt();
            tx.put("{acct}:alice", Map.of("balance", a - 30));
            tx.put("{acct}:bob", Map.of("balance", b + 30));
        });
        assertEquals(2, r.size());
        assertEquals(
                70,
                store.get("{acct}:alice").orElseThrow().value().get("balance").asInt());
        assertEquals(
                30, store.get("{acct}:bob").orElseThrow().value().get("balance").asInt());
    }

    @Test
    void transactionAcrossSlotsIsRefusedBeforeAnyWrite() {
        store.put("tx:left", Map.of("v", 1));
        store.put("tx:right", Map.of("v", 1));
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> store.transaction(List.of("tx:left", "tx:right"), (docs, tx) -> {
                    tx.put("tx:left", Map.of("v", 2));
                    tx.put("tx:right", Map.of("v", 2));
                }));
        assertTrue(e.getMessage().contains("\"tx:left\" (hash slot " + SlotTags.slot("tx:left") + ")"), e.getMessage());
        assertTrue(
                e.getMessage().contains("\"tx:right\" (hash slot " + SlotTags.slot("tx:right") + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("{group}tx:left"), e.getMessage());
        assertEquals(1, store.get("tx:left").orElseThrow().revision());
        assertEquals(1, store.get("tx:right").orElseThrow().revision());
    }

    @Test
    void aFeedUnderAnotherTagOfTheSameSlotIsRefusedByTheFunctions() {
        // a raw client (any language) naming the feed with a tag of the right slot but not the
        // slot's own tag would pass Cluster's slot check and write a feed no watcher reads
        String key = "rogue:tag";
        int slot = SlotTags.slot(key);
        String other = null;
        for (int n = 0; other == null; n++) {
            String candidate = Integer.toString(n, 36);
            if (SlotTags.slot(candidate) == slot && !candidate.equals(SlotTags.tag(slot))) {
                other = candidate;
            }
        }
        List<String> keys = new ArrayList<>(LAYOUT.documentCallKeys(key));
        keys.set(3, "ss:feed{" + other + "}");
        keys.set(4, "ss:index{" + other + "}");
        redis.clients.jedis.UnifiedJedis j = cluster.commands();
        redis.clients.jedis.exceptions.JedisDataException e = assertThrows(
                redis.clients.jedis.exceptions.JedisDataException.class,
                () -> j.fcall("ss_put", keys, List.of("doc", "{\"n\":1}")));
        assertTrue(e.getMessage().startsWith("SS_KEYS"), e.getMessage());
        assertTrue(e.getMessage().contains("{" + SlotTags.tag(slot) + "} is"), e.getMessage());
        assertFalse(j.exists(key), "nothing written");
        assertFalse(j.exists("ss:feed{" + other + "}"), "no second feed");
        assertEquals(
                1,
                j.fcall("ss_put", LAYOUT.documentCallKeys(key), List.of("doc", "{\"n\":1}")) instanceof List<?> l
                        ? ((Long) l.get(0)).intValue()
                        : -1,
                "the slot's own tag is accepted");
    }

    // whatIsNotBuiltForAClusterIsRefusedInOurWords is gone: the importer, the last thing refused
    // through the CLI, runs on a cluster since its per-slot ledger (ClusterMigrationTest)

    @Test
    void theCliPutsGetsAndListsOnAClusterUrl(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String[] put = cli(dir, "{\"from\":\"cli\"}", "put", "cli:doc", "-");
        assertEquals("0", put[0], put[2]);
        String[] get = cli(dir, "", "get", "cli:doc");
        assertEquals("0", get[0], get[2]);
        assertTrue(get[1].contains("\"from\":\"cli\""), get[1]);
        assertEquals(
                "cli", store.get("cli:doc").orElseThrow().value().get("from").asText());
        String[] list = cli(dir, "", "ls", "cli:");
        assertEquals("0", list[0], list[2]);
        assertTrue(list[1].contains("cli:doc"), list[1]);
        // watch works on a cluster since the cluster watcher (ClusterWatchTest.theCliWatchesACluster...)
    }

    /** Runs the CLI in this process: exit code, stdout, stderr. */
    private static String[] cli(java.nio.file.Path dir, String stdin, String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--redis", cluster.uri(), "--writer", "cli-test"));
        all.addAll(List.of(args));
        int code;
        try (java.io.PrintStream o = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
                java.io.PrintStream e = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8)) {
            code = io.statestore.cli.Main.run(
                    new io.statestore.cli.CliIo(
                            new java.io.ByteArrayInputStream(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                            o,
                            e,
                            dir),
                    all.toArray(String[]::new));
        }
        return new String[] {
            Integer.toString(code),
            out.toString(java.nio.charset.StandardCharsets.UTF_8),
            err.toString(java.nio.charset.StandardCharsets.UTF_8)
        };
    }

    @Test
    void notificationsGoBySharedPubSubOnTheDocumentsSlot() throws Exception {
        String key = "notify:me";
        String channel = LAYOUT.channel(key);
        assertEquals("ss:chg:{" + SlotTags.tag(SlotTags.slot(key)) + "}" + key, channel);
        assertEquals(SlotTags.slot(key), SlotTags.slot(channel), "the channel is in the document's slot");
        java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);
        redis.clients.jedis.JedisShardedPubSub sub = new redis.clients.jedis.JedisShardedPubSub() {
            @Override
            public void onSMessage(String ch, String message) {
                got.add(ch + " " + message);
            }

            @Override
            public void onSSubscribe(String ch, int count) {
                subscribed.countDown();
            }
        };
        Jedis listener = cluster.node(cluster.primaryOfSlot(SlotTags.slot(key)));
        Thread t = new Thread(() -> sub.proceed(listener.getConnection(), channel));
        t.start();
        try {
            assertTrue(subscribed.await(10, java.util.concurrent.TimeUnit.SECONDS));
            WriteResult w = store.put(key, Map.of("v", 1));
            String message = got.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(
                    channel + " {\"key\":\"notify:me\",\"op\":\"put\",\"rev\":1,\"prev\":0,\"id\":\"" + w.changeId()
                            + "\"}",
                    message);
        } finally {
            sub.sunsubscribe();
            t.join(5000);
            listener.close();
        }
    }

    @Test
    void theTestClusterHasThreePrimariesEachWithAReplica() {
        List<RedisClusterExtension.ClusterNode> nodes = cluster.clusterNodes();
        assertEquals(6, nodes.size());
        List<RedisClusterExtension.ClusterNode> primaries = nodes.stream()
                .filter(RedisClusterExtension.ClusterNode::primary)
                .toList();
        assertEquals(3, primaries.size());
        assertEquals(
                SlotTags.SLOTS,
                primaries.stream()
                        .mapToInt(RedisClusterExtension.ClusterNode::slotCount)
                        .sum());
        for (RedisClusterExtension.ClusterNode p : primaries) {
            assertEquals(
                    1, nodes.stream().filter(n -> p.id().equals(n.masterId())).count(), "one replica of " + p.port());
        }
    }

    @Test
    void theLibraryIsOnEveryPrimary() {
        for (int port : cluster.primaryPorts()) {
            try (Jedis j = cluster.node(port)) {
                assertEquals(1, j.functionList("statestore").size(), "library on primary " + port);
            }
        }
    }
}
