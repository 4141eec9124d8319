package io.statestore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.EventBus;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.client.events.ConsumeOptions;
import io.statestore.client.events.DeadLetter;
import io.statestore.client.events.Event;
import io.statestore.client.events.GroupStats;
import io.statestore.client.events.ReplayRange;
import io.statestore.client.events.StreamStats;
import io.statestore.client.events.Subscription;
import io.statestore.client.events.TrimPolicy;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadGroupParams;

class EventBusTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    static final ConsumeOptions FAST = ConsumeOptions.builder()
            .block(Duration.ofMillis(100))
            .reclaimIdle(Duration.ofMillis(200))
            .reclaimEvery(Duration.ofMillis(100))
            .maxDeliveries(3)
            .build();

    StateStore store;
    EventBus bus;

    @BeforeEach
    void setUp() {
        redis.flushAll();
        store = redis.newStore();
        bus = store.events();
    }

    @Test
    void publishAppendsToTypeAndGlobalStreamsLosslessly() {
        JsonNode data = StrictJson.parse(
                "{\"big\":123456789012345678901234567890,\"d\":0.10,\"e\":[],\"o\":{},\"u\":\"\u00e9\ud83d\ude00\"}");
        String id = bus.publish("asset.discovered", "scanner", data);
        List<Event> typed = bus.read("asset.discovered", ReplayRange.all(), 10);
        List<Event> all = bus.read("", ReplayRange.all(), 10);
        assertEquals(1, typed.size());
        assertEquals(1, all.size());
        Event e = typed.get(0);
        assertEquals(id, e.id());
        assertEquals("asset.discovered", e.type());
        assertEquals("scanner", e.source());
        assertEquals(StrictJson.write(data), StrictJson.write(e.data()));
        assertEquals(id, all.get(0).id());
        assertEquals(List.of("asset.discovered"), bus.types());
    }

    @Test
    void republishingTheSameEventIdIsDropped() {
        try (Jedis j = redis.jedis()) {
            List<String> keys = List.of("ss:{ev}:t:x", "ss:{ev}:all", "ss:{ev}:ids", "ss:{ev}:types");
            List<String> args = List.of("id-1", "x", "src", "1", "{}", "0", "60000", "0");
            Object first = j.fcall("ev_publish", keys, args);
            Object again = j.fcall("ev_publish", keys, args);
            assertFalse(((List<?>) first).get(0).toString().isEmpty());
            assertEquals("", String.valueOf(((List<?>) again).get(0)));
            assertEquals(1, j.xlen("ss:{ev}:t:x"));
            assertEquals(1, j.xlen("ss:{ev}:all"));
        }
    }

    @Test
    void aBatchOfSeveralTypesWritesEachEventOnceToItsStreamAndCountsWhatItWrote() {
        try (Jedis j = redis.jedis()) {
            List<String> keys = List.of("ss:{ev}:all", "ss:{ev}:ids", "ss:{ev}:types", "ss:{ev}:t:a", "ss:{ev}:t:b");
            List<String> args = List.of(
                    "0",
                    "60000",
                    "0",
                    "e1",
                    "a",
                    "src",
                    "1",
                    "{\"n\":1}",
                    "e2",
                    "b",
                    "src",
                    "2",
                    "{\"n\":2}",
                    "e1",
                    "a",
                    "src",
                    "1",
                    "{\"n\":1}",
                    "e3",
                    "a",
                    "src",
                    "3",
                    "{\"n\":3}");
            assertEquals(3L, j.fcall("ev_publish_batch", keys, args));
            assertEquals(0L, j.fcall("ev_publish_batch", keys, args), "a re-sent batch writes nothing");
            assertEquals(2, j.xlen("ss:{ev}:t:a"));
            assertEquals(1, j.xlen("ss:{ev}:t:b"));
            assertEquals(
                    List.of("e1", "e2", "e3"),
                    j.xrange("ss:{ev}:all", "-", "+").stream()
                            .map(e -> e.getFields().get("id"))
                            .toList());
            assertEquals(java.util.Set.of("a", "b"), j.smembers("ss:{ev}:types"));

            // type streams out of first-appearance order: refused before anything is written
            List<String> swapped = List.of("ss:{ev}:all", "ss:{ev}:ids", "ss:{ev}:types", "ss:{ev}:t:b", "ss:{ev}:t:a");
            List<String> fresh = List.of("0", "60000", "0", "e4", "a", "src", "4", "{}", "e5", "b", "src", "5", "{}");
            JedisDataException e = org.junit.jupiter.api.Assertions.assertThrows(
                    JedisDataException.class, () -> j.fcall("ev_publish_batch", swapped, fresh));
            assertTrue(e.getMessage().startsWith("SS_KEYS key 4 must be the stream of type \"a\""), e.getMessage());
            assertEquals(3, j.xlen("ss:{ev}:all"));
        }
    }

    @Test
    void aBatchWithOneTypeStreamKeyPerEventAsOlderClientsSendItIsStillAccepted() {
        try (Jedis j = redis.jedis()) {
            List<String> keys =
                    List.of("ss:{ev}:all", "ss:{ev}:ids", "ss:{ev}:types", "ss:{ev}:t:a", "ss:{ev}:t:a", "ss:{ev}:t:b");
            List<String> args = List.of(
                    "0", "60000", "0", "o1", "a", "src", "1", "{}", "o2", "a", "src", "2", "{}", "o3", "b", "src", "3",
                    "{}");
            assertEquals(3L, j.fcall("ev_publish_batch", keys, args));
            assertEquals(2, j.xlen("ss:{ev}:t:a"));
            assertEquals(1, j.xlen("ss:{ev}:t:b"));
            assertEquals(java.util.Set.of("a", "b"), j.smembers("ss:{ev}:types"));
        }
    }

    @Test
    void theIdSetIsScoredByTheEventsTimeUnlessItLagsTheServersClockByHalfTheRetention() {
        List<String> keys = List.of("ss:{ev}:all", "ss:{ev}:ids", "ss:{ev}:types", "ss:{ev}:t:c");
        try (Jedis j = redis.jedis()) {
            long now = serverMillis(j);
            long behind = now - 3_600_000;
            long ahead = now + 3_600_000;
            for (String[] e : List.of(
                    new String[] {"c1", Long.toString(now)},
                    new String[] {"c2", Long.toString(behind)},
                    new String[] {"c3", Long.toString(ahead)})) {
                assertEquals(
                        1L,
                        j.fcall("ev_publish_batch", keys, List.of("0", "60000", "0", e[0], "c", "src", e[1], "{}")));
            }
            assertEquals((double) now, j.zscore("ss:{ev}:ids", "c1"));
            assertEquals((double) ahead, j.zscore("ss:{ev}:ids", "c3"));
            double c2 = j.zscore("ss:{ev}:ids", "c2");
            assertTrue(
                    c2 >= now && c2 < serverMillis(j) + 1,
                    "an event an hour behind is scored with the server's clock: " + c2);
            assertEquals(
                    Long.toString(behind),
                    j.xrange("ss:{ev}:t:c", "-", "+").get(1).getFields().get("time"),
                    "the event keeps its own time");
        }
    }

    private static long serverMillis(Jedis j) {
        List<String> t = j.time();
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    @Test
    void concurrentPublishersAreBatchedAndEachThreadsEventsStayInOrder() throws Exception {
        int threads = 4;
        int each = 500;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            ts.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    bus.publish("conc", "t" + me, Map.of("t", me, "i", i));
                }
            }));
        }
        ts.forEach(Thread::start);
        for (Thread t : ts) {
            t.join();
        }
        List<Event> all = bus.read("conc", ReplayRange.all(), threads * each + 1);
        assertEquals(threads * each, all.size());
        int[] next = new int[threads];
        for (Event e : all) {
            int t = e.data().get("t").asInt();
            assertEquals(next[t]++, e.data().get("i").asInt(), "thread " + t + " in order");
        }
        assertEquals(
                threads * each,
                bus.read("", ReplayRange.all(), threads * each + 1).size());
    }

    @Test
    void consumerAcknowledgesHandledEventsAndFiguresShowNoLag() throws Exception {
        for (int i = 0; i < 50; i++) {
            bus.publish("job.done", "t", Map.of("n", i));
        }
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(50);
        try (Subscription s = bus.consume(
                List.of("job.done"),
                "workers",
                "w1",
                e -> {
                    seen.add(e.data().get("n").asInt());
                    done.countDown();
                },
                FAST)) {
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertTrue(s.isRunning());
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add(i);
        }
        assertEquals(expected, seen);
        StreamStats st = bus.info().stream()
                .filter(x -> x.kind().equals("type"))
                .findFirst()
                .orElseThrow();
        assertEquals(50, st.length());
        GroupStats g = st.groups().get(0);
        assertEquals("workers", g.name());
        assertEquals(0, g.pending());
        assertEquals(0, g.lag());
        assertTrue(bus.pending("workers", 10).isEmpty());
    }

    @Test
    void alwaysFailingHandlerSendsTheEventToTheDeadLetterStreamWithItsErrorAndRedriveBringsItBack() throws Exception {
        String id = bus.publish("gen.finished", "t", Map.of("k", 1));
        AtomicInteger attempts = new AtomicInteger();
        try (Subscription s = bus.consume(
                List.of("gen.finished"),
                "g",
                "c1",
                e -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("boom " + e.deliveries());
                },
                FAST)) {
            awaitTrue(() -> !bus.deadLetters("gen.finished", 10).isEmpty(), Duration.ofSeconds(10));
        }
        assertEquals(3, attempts.get());
        DeadLetter d = bus.deadLetters("gen.finished", 10).get(0);
        assertEquals(id, d.event().id());
        assertEquals(3, d.deliveries());
        assertTrue(d.error().contains("boom 3"), d.error());
        assertEquals("g", d.group());
        assertTrue(bus.pending("g", 10).isEmpty(), "the dead letter was acknowledged");

        assertEquals(1, bus.redrive("gen.finished", 0));
        assertTrue(bus.deadLetters("gen.finished", 10).isEmpty());
        List<Event> handled = Collections.synchronizedList(new ArrayList<>());
        try (Subscription s = bus.consume(List.of("gen.finished"), "g", "c2", handled::add, FAST)) {
            awaitTrue(() -> handled.size() == 1, Duration.ofSeconds(10));
        }
        assertEquals(id, handled.get(0).id());
        assertEquals(1, handled.get(0).data().get("k").asInt());
    }

    @Test
    void replayByIdRangeAndToANewGroup() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(bus.publish("r", "t", i));
        }
        List<Event> entries = bus.read("r", ReplayRange.all(), 100);
        List<String> got = new ArrayList<>();
        long n = bus.replay(
                "r", ReplayRange.ids(entries.get(5).entryId(), entries.get(9).entryId()), e -> got.add(e.id()));
        assertEquals(5, n);
        assertEquals(ids.subList(5, 10), got);

        bus.replayToGroup("r", "late", ReplayRange.fromId(entries.get(15).entryId()));
        List<String> consumed = Collections.synchronizedList(new ArrayList<>());
        try (Subscription s = bus.consume(List.of("r"), "late", "c", e -> consumed.add(e.id()), FAST)) {
            awaitTrue(() -> consumed.size() == 5, Duration.ofSeconds(10));
        }
        assertEquals(ids.subList(15, 20), consumed);
    }

    @Test
    void trimmingNeverRemovesUnacknowledgedEntries() throws Exception {
        for (int i = 0; i < 100; i++) {
            bus.publish("t", "t", i);
        }
        bus.createGroup("t", "slow", "0");
        // deliver 30 entries, acknowledge only the first 20
        try (Jedis j = redis.jedis()) {
            var got = j.xreadGroup(
                    "slow",
                    "c",
                    XReadGroupParams.xReadGroupParams().count(30),
                    Map.of("ss:{ev}:t:t", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            var entries = got.get(0).getValue();
            for (int i = 0; i < 20; i++) {
                j.xack("ss:{ev}:t:t", "slow", entries.get(i).getID());
            }
            Map<String, Long> removed = bus.trim(TrimPolicy.maxLength(5));
            assertEquals(20L, removed.get("ss:{ev}:t:t"));
            assertEquals(80, j.xlen("ss:{ev}:t:t"));
            assertEquals(
                    entries.get(20).getID(),
                    j.xrange("ss:{ev}:t:t", "-", "+", 1).get(0).getID());
            // the global stream has no group: trimmed to the length
            assertEquals(5, j.xlen("ss:{ev}:all"));
            // by age: everything is younger than a minute, nothing goes
            assertEquals(0L, bus.trim(TrimPolicy.maxAge(Duration.ofMinutes(1))).get("ss:{ev}:t:t"));
            Thread.sleep(5);
            // by age zero: everything may go, but only up to the unacknowledged ones
            bus.trim(TrimPolicy.maxAge(Duration.ZERO));
            assertEquals(80, j.xlen("ss:{ev}:t:t"));
            assertEquals(0, j.xlen("ss:{ev}:all"));
        }
    }

    static void awaitTrue(java.util.function.BooleanSupplier c, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limit);
            }
            Thread.sleep(20);
        }
    }
}
