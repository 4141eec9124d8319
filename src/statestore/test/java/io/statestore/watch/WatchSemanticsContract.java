package io.statestore.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ChangeEvent;
import io.statestore.client.Document;
import io.statestore.client.HistoryPolicy;
import io.statestore.client.ResyncReason;
import io.statestore.client.SlowListenerPolicy;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
import io.statestore.client.WriteResult;
import io.statestore.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Snapshot, filtering, resync and buffering semantics of a watch on a real server. */
public abstract class WatchSemanticsContract {
    private static final Duration WAIT = Duration.ofSeconds(10);

    protected abstract TestRedis redis();

    private StateStore store;

    @BeforeEach
    void clean() {
        redis().flushAll();
        store = redis().newStore(b -> b.historyPolicy(HistoryPolicy.of("h:*", 10)));
    }

    @Test
    void snapshotHoldsThePrefixAtItsPositionThenOnlyLaterChangesOfThePrefixFollow() throws Exception {
        store.put("s:1", Map.of("a", 1));
        store.put("s:1", Map.of("a", 2));
        store.put("s:2", List.of());
        store.put("other:1", Map.of("x", 1));
        Recorder rec = new Recorder();
        try (Watcher w = store.watch().watch(WatchOptions.builder().prefix("s:").build(), rec)) {
            rec.await(() -> rec.snapshots.size() == 1, WAIT, "snapshot");
            List<Document<JsonNode>> snap = rec.snapshots.get(0);
            assertEquals(List.of("s:1", "s:2"), snap.stream().map(Document::key).collect(Collectors.toList()));
            assertEquals(2, snap.get(0).revision());
            assertEquals("[]", StrictJson.write(snap.get(1).value()));
            store.put("other:1", Map.of("x", 2));
            WriteResult r = store.merge("s:1", Map.of("b", 3));
            store.delete("s:2");
            rec.await(() -> rec.events.size() == 2, WAIT, "two changes");
            // order is promised per document only (on a cluster s:1 and s:2 are in different slots)
            ChangeEvent merge = rec.events.stream()
                    .filter(e -> e.key().equals("s:1"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(r.changeId(), merge.id());
            assertEquals("merge", merge.op());
            assertEquals(3, merge.revision());
            assertEquals(2, merge.previousRevision());
            assertEquals("{\"b\":3}", StrictJson.write(merge.change()));
            assertTrue(rec.events.stream()
                    .filter(e -> e.key().equals("s:2"))
                    .findFirst()
                    .orElseThrow()
                    .isDeletion());
        }
    }

    @Test
    void watchFromATrimmedPositionSignalsResyncThenAFreshSnapshot() throws Exception {
        String first = null;
        // one tag: the five documents share one feed on a cluster too, so one trim makes the position stale
        for (int i = 0; i < 20; i++) {
            WriteResult r = store.put("{t}:" + (i % 5), Map.of("i", i));
            first = first == null ? redis().watchPosition("{t}:0", r.changeId()) : first;
        }
        redis().commands().xtrim(redis().layout().feed("{t}:0"), 5, false);
        Recorder rec = new Recorder();
        try (Watcher w = store.watch()
                .watch(WatchOptions.builder().prefix("{t}:").fromId(first).build(), rec)) {
            rec.await(() -> rec.snapshots.size() == 1, WAIT, "resync snapshot");
            assertEquals(List.of("resync:TRIMMED", "snapshot"), rec.order);
            assertEquals(5, rec.snapshots.get(0).size());
            store.put("{t}:0", Map.of("after", true));
            rec.await(() -> rec.events.size() == 1, WAIT, "the change after the resync");
            assertTrue(w.isOpen());
        }
    }

    @Test
    void trimmedPositionWithoutResyncSnapshotStopsTheWatcherAfterTheSignal() throws Exception {
        String first =
                redis().watchPosition("u:1", store.put("u:1", Map.of("i", 0)).changeId());
        for (int i = 1; i < 10; i++) {
            store.put("u:1", Map.of("i", i));
        }
        redis().commands().xtrim(redis().layout().feed("u:1"), 2, false);
        Recorder rec = new Recorder();
        Watcher w = store.watch()
                .watch(
                        WatchOptions.builder()
                                .fromId(first)
                                .resyncSnapshot(false)
                                .build(),
                        rec);
        assertTrue(w.awaitClosed(WAIT), "the watcher stops");
        assertEquals(List.of("resync:TRIMMED"), rec.order);
        assertFalse(w.isOpen());
    }

    @Test
    void aPositionStillInTheFeedResumesWithoutResyncEvenAfterOlderEntriesWereTrimmed() throws Exception {
        WriteResult mid = null;
        for (int i = 0; i < 10; i++) {
            WriteResult r = store.put("v:1", Map.of("i", i));
            if (i == 6) {
                mid = r;
            }
        }
        redis().commands().xtrim(redis().layout().feed("v:1"), 5, false);
        Recorder rec = new Recorder();
        try (Watcher w = store.watch()
                .watch(
                        WatchOptions.builder()
                                .fromId(redis().watchPosition("v:1", mid.changeId()))
                                .build(),
                        rec)) {
            rec.await(() -> rec.events.size() == 3, WAIT, "the three later changes");
            assertEquals(
                    List.of(8L, 9L, 10L),
                    rec.events.stream().map(ChangeEvent::revision).collect(Collectors.toList()));
            assertTrue(rec.resyncs.isEmpty());
        }
    }

    @Test
    void aFeedBehindThePositionSignalsResync() throws Exception {
        String last =
                redis().watchPosition("w:1", store.put("w:1", Map.of("i", 1)).changeId());
        redis().flushAll();
        Recorder rec = new Recorder();
        try (Watcher w = store.watch().watch(WatchOptions.builder().fromId(last).build(), rec)) {
            rec.await(() -> rec.snapshots.size() == 1, WAIT, "resync snapshot");
            assertEquals(List.of(ResyncReason.FEED_BEHIND), rec.resyncs);
        }
    }

    @Test
    void documentsComeFromHistoryAtTheEventsRevisionOrCurrentWithItsRevision() throws Exception {
        Recorder rec = new Recorder();
        try (Watcher w =
                store.watch().watch(WatchOptions.builder().withDocuments(true).build(), rec)) {
            rec.await(() -> rec.snapshots.size() == 1, WAIT, "snapshot");
            store.put("h:1", StrictJson.parse("{\"n\":9223372036854775807,\"e\":[]}"));
            store.put("h:1", Map.of("n", 1));
            store.put("p:1", Map.of("n", 1));
            store.delete("h:1");
            rec.await(() -> rec.events.size() == 4, WAIT, "four changes");
            // order is promised per document only (on a cluster h:1 and p:1 are in different slots)
            List<ChangeEvent> h =
                    rec.events.stream().filter(e -> e.key().equals("h:1")).toList();
            List<ChangeEvent> p =
                    rec.events.stream().filter(e -> e.key().equals("p:1")).toList();
            assertEquals(1, h.get(0).documentRevision());
            assertEquals(
                    "{\"n\":9223372036854775807,\"e\":[]}",
                    StrictJson.write(h.get(0).document().orElseThrow()));
            assertEquals(2, h.get(1).documentRevision());
            assertTrue(p.get(0).documentRevision() >= 1);
            assertTrue(h.get(2).document().isEmpty());
        }
    }

    @Test
    void aSlowListenerWithTheResyncPolicyGetsASlowListenerResyncInsteadOfUnboundedBuffering() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Recorder rec = new Recorder() {
            @Override
            public void onEvent(ChangeEvent event) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.onEvent(event);
            }
        };
        String first = null;
        for (int i = 0; i < 50; i++) {
            WriteResult r = store.put("slow:" + (i % 3), Map.of("i", i));
            first = first == null ? redis().watchPosition("slow:0", r.changeId()) : first;
        }
        // Replaying 49 changes into a buffer of 4 behind a listener stuck in its first callback
        // must overflow, whatever the timing.
        WatchOptions options = WatchOptions.builder()
                .prefix("slow:")
                .bufferSize(4)
                .fromId(first)
                .slowListenerPolicy(SlowListenerPolicy.RESYNC)
                .build();
        try (Watcher w = store.watch().watch(options, rec)) {
            awaitReaderBlocking();
            release.countDown();
            rec.await(() -> rec.snapshots.size() == 1, WAIT, "the fresh snapshot after the resync");
            assertEquals(List.of(ResyncReason.SLOW_LISTENER), rec.resyncs);
            assertTrue(rec.order.indexOf("resync:SLOW_LISTENER") <= 1, rec.order.toString());
            assertEquals(3, rec.snapshots.get(0).size());
        }
    }

    /** Polls CLIENT LIST (of every primary) until the watch connection sits in XREAD BLOCK: the reader has caught up. */
    private void awaitReaderBlocking() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Jedis> servers = redis().primaries();
        try {
            while (System.nanoTime() < deadline) {
                for (Jedis j : servers) {
                    for (String line : j.clientList().split("\n")) {
                        if (line.contains("name=statestore-watch ") && line.contains("cmd=xread")) {
                            return;
                        }
                    }
                }
                Thread.sleep(5);
            }
        } finally {
            servers.forEach(Jedis::close);
        }
        throw new AssertionError("the watch reader never reached XREAD");
    }

    @Test
    void aSnapshotLargerThanOnePageHoldsEveryDocument() throws Exception {
        for (int i = 0; i < 2500; i++) {
            store.put(String.format("big:%05d", i), Map.of("i", i));
        }
        Recorder rec = new Recorder();
        try (Watcher w =
                store.watch().watch(WatchOptions.builder().prefix("big:").build(), rec)) {
            rec.await(() -> rec.snapshots.size() == 1, WAIT, "snapshot");
            assertEquals(2500, rec.snapshots.get(0).size());
        }
    }

    @Test
    void closingTheStoreClosesItsWatchers() throws Exception {
        StateStore own = redis().newStore();
        Recorder rec = new Recorder();
        Watcher w = own.watch().watch(WatchOptions.all(), rec);
        rec.await(() -> rec.snapshots.size() == 1, WAIT, "snapshot");
        own.close();
        assertTrue(w.awaitClosed(WAIT), "the watcher stopped with its store");
        assertFalse(w.isOpen());
    }
}
