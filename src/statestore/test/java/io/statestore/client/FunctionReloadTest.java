package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.events.Event;
import io.statestore.client.events.Subscription;
import io.statestore.client.events.TaskChunk;
import io.statestore.client.events.TaskEnd;
import io.statestore.testing.Concurrently;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * After FUNCTION FLUSH (what a restart without persistence or a new replica looks like to a
 * client), every path of one running client installs the libraries again and goes on: documents,
 * history, transactions, events, task streams and watchers, each after a flush of its own.
 */
class FunctionReloadTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private StateStore store;

    @BeforeEach
    void clean() {
        redis.flushAll();
        store = redis.newStore();
    }

    private static void flushFunctions() {
        try (Jedis j = redis.jedis()) {
            j.functionFlush();
            assertTrue(j.functionList().isEmpty(), "the libraries are gone");
        }
    }

    private static List<String> librariesOnServer() {
        try (Jedis j = redis.jedis()) {
            List<String> names = new ArrayList<>();
            j.functionList().forEach(l -> names.add(l.getLibraryName()));
            names.sort(null);
            return names;
        }
    }

    @Test
    void documentsHistoryAndTransactionsWorkAfterEachFlushWithoutANewClient() {
        store.history().setPolicies(List.of(HistoryPolicy.of("r:*", 5)));
        flushFunctions();
        assertEquals(1, store.put("r:1", Map.of("n", 1)).revision());
        flushFunctions();
        assertEquals("{\"n\":1}", store.get("r:1").orElseThrow().value().toString());
        flushFunctions();
        assertEquals(2, store.merge("r:1", Map.of("m", true)).revision());
        flushFunctions();
        assertEquals(3, store.increment("r:1", "$.n", 1).revision());
        flushFunctions();
        assertEquals(
                List.of(1L, 2L, 3L),
                store.history().list("r:1").stream().map(HistoryEntry::revision).toList());
        flushFunctions();
        assertEquals(List.of("r:1"), store.list("r:"));
        // flushed between the transaction's read and its ss_tx call
        Map<String, WriteResult> tx = store.transaction(List.of("{t}:a", "{t}:b"), (current, changes) -> {
            flushFunctions();
            changes.put("{t}:a", Map.of("a", 1)).put("{t}:b", Map.of("b", 1));
        });
        assertEquals(1, tx.get("{t}:a").revision());
        assertEquals("{\"b\":1}", store.get("{t}:b").orElseThrow().value().toString());
        assertEquals(List.of("statestore", "statestore_events"), librariesOnServer());
    }

    @Test
    void eventsAndTaskStreamsWorkAfterAFlushWithoutANewClient() throws Exception {
        EventBus bus = store.events();
        BlockingQueue<Event> consumed = new LinkedBlockingQueue<>();
        try (Subscription s = bus.consume(List.of("reload.job"), "g", "c1", consumed::add)) {
            bus.publish("reload.job", "test", Map.of("i", 1));
            assertNotNull(consumed.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS), "consumed before the flush");
            flushFunctions();
            String id = bus.publish("reload.job", "test", Map.of("i", 2));
            Event e = consumed.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(e, "the event published after the flush was consumed");
            assertEquals(id, e.id());
        }
        flushFunctions();
        var producer = store.tasks().producer("reload-task", Duration.ofMinutes(1));
        producer.append("line 1");
        flushFunctions();
        producer.done("ok");
        List<String> chunks = new ArrayList<>();
        TaskEnd end = store.tasks().follow("reload-task", (TaskChunk c) -> chunks.add(c.text()), WAIT);
        assertEquals(List.of("line 1"), chunks);
        assertEquals("ok", end.message());
    }

    @Test
    void aRunningWatcherAndANewOneReloadTheLibrariesThemselves() throws Exception {
        BlockingQueue<ChangeEvent> seen = new LinkedBlockingQueue<>();
        BlockingQueue<String> snapshots = new LinkedBlockingQueue<>();
        WatchListener listener = new WatchListener() {
            @Override
            public void onSnapshot(List<Document<JsonNode>> documents, String position) {
                snapshots.add(position);
            }

            @Override
            public void onEvent(ChangeEvent event) {
                seen.add(event);
            }
        };
        try (Watcher running =
                store.watch().watch(WatchOptions.builder().prefix("w:").build(), listener)) {
            assertNotNull(snapshots.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            store.put("w:1", Map.of("n", 1));
            assertEquals(
                    "w:1", seen.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS).key());
            flushFunctions();
            // A feed entry added without a function call wakes the watcher while the libraries
            // are gone, so its own gap check (an FCALL_RO) finds the function missing.
            try (Jedis j = redis.jedis()) {
                j.xadd(
                        "ss:feed",
                        StreamEntryID.NEW_ENTRY,
                        Map.of(
                                "key",
                                "w:raw",
                                "op",
                                "put",
                                "rev",
                                "1",
                                "prev",
                                "0",
                                "writer",
                                "raw",
                                "time",
                                Long.toString(System.currentTimeMillis()),
                                "change",
                                "{}"));
            }
            ChangeEvent raw = seen.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(raw, "the running watcher delivered the entry after the flush");
            assertEquals("w:raw", raw.key());
            assertEquals(
                    List.of("statestore", "statestore_events"), librariesOnServer(), "the watcher reinstalled them");
            assertTrue(running.isOpen());
        }
        flushFunctions();
        snapshots.clear();
        try (Watcher fresh =
                store.watch().watch(WatchOptions.builder().prefix("w:").build(), listener)) {
            assertNotNull(
                    snapshots.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                    "a new watch took its snapshot after a flush");
        }
    }

    @Test
    void aFlushedLibraryIsInstalledOnceHoweverManyCallsFindItMissing() throws Exception {
        store.put("c:0", Map.of("n", 0));
        flushFunctions();
        try (Jedis j = redis.jedis()) {
            j.configResetStat();
        }
        CountDownLatch together = new CountDownLatch(16);
        Concurrently.run(16, i -> {
            together.countDown();
            together.await(); // so that many calls find the library missing at once
            store.put("c:" + i, Map.of("n", i));
        });
        try (Jedis j = redis.jedis()) {
            String stats = j.info("commandstats");
            assertTrue(stats.contains("cmdstat_function|load:calls=2,"), "one load per library: " + stats);
        }
        assertEquals(16, store.list("c:").size());
    }
}
