package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ChangeEvent;
import io.statestore.client.Document;
import io.statestore.client.InvalidInputException;
import io.statestore.client.ResyncReason;
import io.statestore.client.StateStore;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** Watch on a real 3-primary Redis Cluster: every slot feed followed, per-document order, resume tokens. */
class ClusterWatchTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.threePrimaries();

    static StateStore store;
    static final KeyLayout LAYOUT = new KeyLayout("ss:", true);
    static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void connect() {
        store = cluster.newStore();
    }

    @Test
    void aWatcherSeesEveryChangeInEverySlotOncePerDocumentInRevisionOrder() throws Exception {
        WatchRecorder r = new WatchRecorder();
        try (Watcher w =
                store.watch().watch(WatchOptions.builder().prefix("all:").build(), r)) {
            int docs = 200;
            int revisions = 3;
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t;
                writers.add(pool.submit(() -> {
                    for (int rev = 1; rev <= revisions; rev++) {
                        for (int i = first; i < docs; i += 4) {
                            store.put("all:" + i, Map.of("rev", rev));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : writers) {
                f.get();
            }
            pool.shutdown();
            assertTrue(r.await(x -> x.eventCount() >= docs * revisions, WAIT), "events: " + r.eventCount());
            Map<String, long[]> expected = new HashMap<>();
            Set<Integer> primaries = new HashSet<>();
            for (int i = 0; i < docs; i++) {
                expected.put("all:" + i, new long[] {1, revisions});
                primaries.add(cluster.primaryOfSlot(SlotTags.slot("all:" + i)));
            }
            assertEquals(3, primaries.size(), "the documents are spread over every primary");
            assertEquals(List.of(), WatchRecorder.problems(r.eventsCopy(), expected));
            assertEquals(List.of(), r.resyncs);
            assertTrue(w.position().startsWith("c1:"), w.position());
        }
    }

    @Test
    void theSnapshotHoldsEachSlotsDocumentsAndOnlyLaterChangesFollow() throws Exception {
        for (int i = 0; i < 30; i++) {
            store.put("snap:" + i, Map.of("v", 1));
            store.put("snap:" + i, Map.of("v", 2));
        }
        store.put("other:x", Map.of("v", 1));
        WatchRecorder r = new WatchRecorder();
        try (Watcher w =
                store.watch().watch(WatchOptions.builder().prefix("snap:").build(), r)) {
            assertTrue(r.await(x -> !x.snapshots.isEmpty(), WAIT));
            List<Document<JsonNode>> snap = r.snapshots.get(0);
            assertEquals(30, snap.size());
            for (Document<JsonNode> d : snap) {
                assertEquals(2, d.revision(), d.key());
                assertTrue(d.key().startsWith("snap:"));
            }
            assertTrue(r.snapshotPositions.get(0).startsWith("c1:"));
            store.put("snap:7", Map.of("v", 3));
            store.put("snap:new", Map.of("v", 1));
            store.put("other:x", Map.of("v", 2));
            assertTrue(r.await(x -> x.eventCount() >= 2, WAIT));
            Map<String, long[]> expected = Map.of("snap:7", new long[] {3, 3}, "snap:new", new long[] {1, 1});
            assertTrue(r.await(x -> WatchRecorder.problems(x.events, expected).isEmpty(), WAIT));
            assertEquals(List.of(), WatchRecorder.problems(r.eventsCopy(), expected));
        }
    }

    @Test
    void aPositionResumesExactlyAfterWhatWasDelivered() throws Exception {
        WatchRecorder first = new WatchRecorder();
        String position;
        try (Watcher w =
                store.watch().watch(WatchOptions.builder().prefix("res:").build(), first)) {
            assertTrue(first.await(x -> !x.snapshots.isEmpty(), WAIT));
            for (int rev = 1; rev <= 3; rev++) {
                store.put("res:a", Map.of("v", rev));
                store.put("res:b", Map.of("v", rev));
            }
            assertTrue(first.await(x -> x.eventCount() >= 6, WAIT));
            w.close(); // the position counts a change once its callback returned: after close() all have
            position = w.position();
        }
        assertTrue(position.matches("c1:[0-9a-z.,]+"), position);
        for (int rev = 4; rev <= 5; rev++) {
            store.put("res:a", Map.of("v", rev));
        }
        store.put("res:c", Map.of("v", 1));
        WatchRecorder second = new WatchRecorder();
        Map<String, long[]> expected = Map.of("res:a", new long[] {4, 5}, "res:c", new long[] {1, 1});
        try (Watcher w = store.watch()
                .watch(WatchOptions.builder().prefix("res:").fromId(position).build(), second)) {
            assertTrue(second.await(x -> x.eventCount() >= 3, WAIT));
            store.put("res:b", Map.of("v", 4));
            Map<String, long[]> all = new HashMap<>(expected);
            all.put("res:b", new long[] {4, 4});
            assertTrue(
                    second.await(x -> WatchRecorder.problems(x.events, all).isEmpty(), WAIT),
                    () -> String.join("; ", WatchRecorder.problems(second.eventsCopy(), all)));
            assertEquals(List.of(), second.snapshots, "a resumed watch takes no snapshot");
        }
    }

    @Test
    void aPositionWhoseEntriesWereTrimmedAwayResyncsWithAFreshSnapshot() throws Exception {
        WatchRecorder first = new WatchRecorder();
        String position;
        try (Watcher w =
                store.watch().watch(WatchOptions.builder().key("trim:doc").build(), first)) {
            store.put("trim:doc", Map.of("v", 1));
            assertTrue(first.await(x -> x.eventCount() >= 1, WAIT));
            w.close();
            position = w.position();
        }
        for (int rev = 2; rev <= 5; rev++) {
            store.put("trim:doc", Map.of("v", rev));
        }
        int slot = SlotTags.slot("trim:doc");
        try (Jedis j = cluster.node(cluster.primaryOfSlot(slot))) {
            // what feedmax does after many writes; the last entry stays, as it does with feedmax
            // (a position at a trimmed entry just before the oldest kept one is a resync too:
            // docs/watch.md, the one conservative case)
            j.xtrim(LAYOUT.feed("trim:doc"), 1, false);
        }
        WatchRecorder second = new WatchRecorder();
        try (Watcher w = store.watch()
                .watch(WatchOptions.builder().key("trim:doc").fromId(position).build(), second)) {
            assertTrue(second.await(x -> !x.snapshots.isEmpty(), WAIT));
            assertEquals(List.of(ResyncReason.TRIMMED), second.resyncs);
            assertEquals(5, second.snapshots.get(0).get(0).revision());
            assertEquals(
                    List.of(), second.eventsCopy(), "nothing skipped ahead: the snapshot replaces the lost changes");
            store.put("trim:doc", Map.of("v", 6));
            assertTrue(second.await(x -> x.eventCount() >= 1, WAIT));
            assertEquals(6, second.eventsCopy().get(0).revision());
        }
    }

    @Test
    void aWatcherWithoutSnapshotStartsAtTheEndOfEveryFeed() throws Exception {
        store.put("end:a", Map.of("v", 1));
        WatchRecorder r = new WatchRecorder();
        try (Watcher w = store.watch()
                .watch(WatchOptions.builder().prefix("end:").snapshot(false).build(), r)) {
            store.put("end:a", Map.of("v", 2));
            store.put("end:b", Map.of("v", 1));
            Map<String, long[]> expected = Map.of("end:a", new long[] {2, 2}, "end:b", new long[] {1, 1});
            assertTrue(
                    r.await(x -> WatchRecorder.problems(x.events, expected).isEmpty(), WAIT),
                    () -> String.join("; ", WatchRecorder.problems(r.eventsCopy(), expected)));
            assertEquals(List.of(), r.snapshots);
        }
    }

    /**
     * A replay of 30 changes of one document is a long batch, so it goes through the listener
     * thread; later single changes, with nothing queued, are delivered by the reader itself (a
     * key watch: from 0 it reads only its slot's feed, which no other test trims). Whichever
     * thread delivers, callbacks never overlap and each document's revisions come in order.
     */
    @Test
    void callbacksNeverOverlapWhetherTheReaderOrTheListenerThreadDelivers() throws Exception {
        for (int rev = 1; rev <= 30; rev++) {
            store.put("ovl:a", Map.of("rev", rev));
        }
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger overlaps = new java.util.concurrent.atomic.AtomicInteger();
        Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        WatchRecorder r = new WatchRecorder();
        io.statestore.client.WatchListener counting = new io.statestore.client.WatchListener() {
            @Override
            public void onEvent(ChangeEvent event) {
                if (inside.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                threads.add(Thread.currentThread().getName());
                r.onEvent(event);
                inside.decrementAndGet();
            }

            @Override
            public void onResync(ResyncReason reason) {
                r.onResync(reason);
            }
        };
        try (Watcher w = store.watch()
                .watch(WatchOptions.builder().key("ovl:a").fromId("0").build(), counting)) {
            assertTrue(r.await(x -> x.eventCount() >= 30, WAIT), "replayed: " + r.eventCount());
            assertTrue(threads.contains("statestore-watch-listener"), threads.toString());
            for (int i = 0; i < 20; i++) {
                int before = r.eventCount();
                store.put("ovl:a", Map.of("rev", 31 + i));
                assertTrue(r.await(x -> x.eventCount() > before, WAIT), "live change " + i);
            }
            Map<String, long[]> expected = Map.of("ovl:a", new long[] {1, 50});
            assertEquals(List.of(), WatchRecorder.problems(r.eventsCopy(), expected));
            assertEquals(0, overlaps.get(), "callbacks overlapped");
            assertEquals(List.of(), r.resyncs);
            assertTrue(
                    threads.contains("statestore-watch-reader"),
                    "a single change with nothing queued is delivered by the reader: " + threads);
        }
    }

    @Test
    void positionsThatNameNoSlotAreRefusedInOurWords() {
        InvalidInputException single = assertThrows(
                InvalidInputException.class,
                () -> store.watch()
                        .watch(WatchOptions.builder().fromId("1795307409913-0").build(), new WatchRecorder()));
        assertTrue(single.getMessage().contains("a single entry ID names no slot"), single.getMessage());
        InvalidInputException bad = assertThrows(
                InvalidInputException.class,
                () -> store.watch()
                        .watch(WatchOptions.builder().fromId("c1:zzzz.1.1").build(), new WatchRecorder()));
        assertTrue(bad.getMessage().contains("invalid cluster watch position"), bad.getMessage());
        assertTrue(bad.getMessage().contains("not between 0 and 16383"), bad.getMessage());
    }

    @Test
    void withDocumentsEachEventCarriesItsDocument() throws Exception {
        WatchRecorder r = new WatchRecorder();
        try (Watcher w = store.watch()
                .watch(WatchOptions.builder().prefix("wd:").withDocuments(true).build(), r)) {
            assertTrue(r.await(x -> !x.snapshots.isEmpty(), WAIT));
            store.put("wd:x", Map.of("v", 41));
            assertTrue(r.await(x -> x.eventCount() >= 1, WAIT));
            ChangeEvent e = r.eventsCopy().get(0);
            assertEquals(41, e.document().orElseThrow().get("v").asInt());
            assertFalse(e.id().isEmpty());
        }
    }

    @Test
    void theCliWatchesAClusterAndResumesFromTheReadyLinesPosition(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        store.put("cliw:1", Map.of("v", 1));
        Lines out = new Lines();
        java.util.concurrent.atomic.AtomicInteger exit = new java.util.concurrent.atomic.AtomicInteger(-1);
        Thread cli = cliThread(dir, out, exit, "watch", "cliw:");
        cli.start();
        List<String> first = out.await(2);
        JsonNode snap = io.statestore.client.StrictJson.parse(first.get(0));
        assertEquals("snapshot", snap.get("type").asText());
        assertEquals("cliw:1", snap.get("key").asText());
        JsonNode ready = io.statestore.client.StrictJson.parse(first.get(1));
        assertEquals("ready", ready.get("type").asText());
        String position = ready.get("position").asText();
        assertTrue(position.startsWith("c1:"), position);
        store.put("cliw:1", Map.of("v", 2));
        store.put("cliw:2", Map.of("v", 1));
        List<String> all = out.await(4);
        Set<String> changed = new HashSet<>();
        for (String line : all.subList(2, 4)) {
            JsonNode c = io.statestore.client.StrictJson.parse(line);
            assertEquals("change", c.get("type").asText());
            changed.add(c.get("key").asText() + "@" + c.get("rev").asLong());
        }
        assertEquals(Set.of("cliw:1@2", "cliw:2@1"), changed);
        cli.interrupt();
        cli.join(10_000);
        assertEquals(0, exit.get());

        Lines replay = new Lines();
        Thread again = cliThread(dir, replay, exit, "watch", "cliw:", "--from", position);
        again.start();
        Set<String> replayed = new HashSet<>();
        for (String line : replay.await(2)) {
            JsonNode c = io.statestore.client.StrictJson.parse(line);
            assertEquals("change", c.get("type").asText(), line);
            replayed.add(c.get("key").asText() + "@" + c.get("rev").asLong());
        }
        assertEquals(changed, replayed, "--from the ready line's position replays exactly what came after it");
        again.interrupt();
        again.join(10_000);
    }

    private static Thread cliThread(
            java.nio.file.Path dir, Lines out, java.util.concurrent.atomic.AtomicInteger exit, String... args) {
        List<String> all = new ArrayList<>(List.of("--redis", cluster.uri()));
        all.addAll(List.of(args));
        return new Thread(() -> exit.set(io.statestore.cli.Main.run(
                new io.statestore.cli.CliIo(
                        new java.io.ByteArrayInputStream(new byte[0]),
                        new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                        new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true),
                        dir),
                all.toArray(String[]::new))));
    }

    /** Stdout lines as they are flushed. */
    static final class Lines extends java.io.OutputStream {
        private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();
        private final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(partial.toString(java.nio.charset.StandardCharsets.UTF_8));
                partial.reset();
                notifyAll();
            } else {
                partial.write(b);
            }
        }

        synchronized List<String> await(int count) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (lines.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " lines, got " + lines);
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return new ArrayList<>(lines);
        }
    }
}
