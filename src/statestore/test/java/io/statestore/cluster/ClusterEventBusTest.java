package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.EventBus;
import io.statestore.client.StateStore;
import io.statestore.client.events.ConsumeOptions;
import io.statestore.client.events.DeadLetter;
import io.statestore.client.events.Event;
import io.statestore.client.events.ReplayRange;
import io.statestore.client.events.StreamStats;
import io.statestore.client.events.Subscription;
import io.statestore.client.events.TrimPolicy;
import io.statestore.client.spi.SlotTags;
import io.statestore.events.ConsumerKillContract;
import io.statestore.events.SpoolOutageContract;
import io.statestore.testing.RedisClusterExtension;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The event bus on a real cluster of 3 primaries and 3 replicas: each type's streams on the
 * primary of its own slot, global reads that merge the shards, consumer groups, dead letters,
 * redrive, replay, trimming and figures; and the standalone suite's kill-a-consumer and outage
 * tests ({@link ConsumerKillContract}, {@link SpoolOutageContract}) run here against the cluster.
 */
class ClusterEventBusTest implements ConsumerKillContract, SpoolOutageContract {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.threePrimaries();

    static final ConsumeOptions FAST = ConsumeOptions.builder()
            .block(Duration.ofMillis(100))
            .reclaimIdle(Duration.ofMillis(200))
            .reclaimEvery(Duration.ofMillis(100))
            .maxDeliveries(3)
            .build();

    /** Three event types (prefixed {@code prefix}) whose slots are served by three different primaries. */
    static List<String> typesOnEveryPrimary(String prefix) {
        settled();
        Map<Integer, String> byPrimary = new LinkedHashMap<>();
        for (int i = 0; byPrimary.size() < 3; i++) {
            String type = prefix + i;
            byPrimary.putIfAbsent(cluster.primaryOfSlot(SlotTags.slot("{ev:" + type + "}")), type);
        }
        return new ArrayList<>(byPrimary.values());
    }

    /**
     * Waits until every node says the cluster is ok. The outage tests restart all six nodes, and
     * on a loaded machine (load 34 on 2 cores) nodes with a 1 s node timeout were seen to mark
     * each other failed for a while after that (CLUSTERDOWN, a slot without a primary).
     */
    static void settled() {
        try {
            cluster.awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void typesLandOnDifferentPrimariesAndGlobalReadersSeeEveryEventExactlyOnce() throws Exception {
        EventBus bus = cluster.newStore().events();
        List<String> types = typesOnEveryPrimary("spread.");
        Set<String> globalSeen = ConcurrentHashMap.newKeySet();
        AtomicInteger globalDeliveries = new AtomicInteger();
        Subscription tail = bus.tail("", "$", e -> {
            if (e.type().startsWith("spread.")) {
                globalSeen.add(e.id());
                globalDeliveries.incrementAndGet();
            }
        });
        Set<String> grouped = ConcurrentHashMap.newKeySet();
        AtomicInteger groupDeliveries = new AtomicInteger();
        Subscription consumer = bus.consume(types, "spreaders", "c1", e -> {
            grouped.add(e.id());
            groupDeliveries.incrementAndGet();
        });
        Set<String> published = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            for (String t : types) {
                published.add(bus.publish(t, "cluster-test", Map.of("n", i)));
            }
        }
        awaitSize(globalSeen, published.size());
        awaitSize(grouped, published.size());
        tail.close();
        consumer.close();
        assertEquals(published, globalSeen);
        assertEquals(published.size(), globalDeliveries.get(), "the global tail saw each event once");
        assertEquals(published, grouped);
        assertEquals(published.size(), groupDeliveries.get(), "the group saw each event once");

        // each type's streams are on the primary of its own slot: three different primaries
        settled();
        Set<Integer> ports = new HashSet<>();
        for (String t : types) {
            int port = cluster.primaryOfSlot(SlotTags.slot("{ev:" + t + "}"));
            ports.add(port);
            try (Jedis node = cluster.node(port)) {
                assertEquals(30, node.xlen("ss:{ev:" + t + "}:t:" + t), t + " on " + port);
                assertEquals(30, node.xlen("ss:{ev:" + t + "}:all"), "the global stream's shard of " + t);
            }
        }
        assertEquals(3, ports.size());

        // the global stream read whole: every event once, merged by entry ID
        List<Event> all = new ArrayList<>();
        assertEquals(
                published.size(),
                bus.replay("", ReplayRange.all(), e -> {
                            if (e.type().startsWith("spread.")) {
                                all.add(e);
                            }
                        })
                        - otherTypesEvents(bus));
        assertEquals(published, new HashSet<>(all.stream().map(Event::id).toList()));
        assertEquals(published.size(), all.size());
        List<Event> read = bus.read("", ReplayRange.all(), 10_000);
        for (int i = 1; i < read.size(); i++) {
            assertTrue(
                    compare(read.get(i - 1).entryId(), read.get(i).entryId()) <= 0,
                    "merged by entry ID: " + read.get(i - 1).entryId() + " then "
                            + read.get(i).entryId());
        }
        assertTrue(bus.types().containsAll(types), bus.types().toString());
    }

    /**
     * On a cluster the global tail is a loop per shard; a handler that failed ended only its own
     * shard's loop, and the tail looked alive while that type's events were no longer delivered.
     * Now it ends the whole tail, as a tail of one stream ends: nothing of any shard is handed to
     * the handler after the failure.
     */
    @Test
    void aHandlerThatFailsEndsTheWholeGlobalTailNotJustItsShard() throws Exception {
        EventBus bus = cluster.newStore().events();
        List<String> types = typesOnEveryPrimary("failing.");
        String failing = types.get(0);
        List<Event> handled = Collections.synchronizedList(new ArrayList<>());
        Subscription tail = bus.tail("", "$", e -> {
            if (e.type().startsWith("failing.")) {
                handled.add(e);
                if (e.type().equals(failing)) {
                    throw new IllegalStateException("refused by the test");
                }
            }
        });
        try {
            // the other two types' shards followed first, so their loops are running when it fails
            bus.publish(types.get(1), "cluster-test", Map.of("n", 0));
            bus.publish(types.get(2), "cluster-test", Map.of("n", 0));
            awaitSize(handled, 2);
            bus.publish(failing, "cluster-test", Map.of("n", 0));
            awaitSize(handled, 3);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (tail.isRunning()) {
                assertTrue(System.nanoTime() < deadline, "the tail still runs after its handler failed");
                Thread.sleep(20);
            }
            for (int i = 1; i <= 3; i++) {
                bus.publish(types.get(1), "cluster-test", Map.of("n", i));
                bus.publish(types.get(2), "cluster-test", Map.of("n", i));
            }
            Thread.sleep(1500); // three of a shard loop's blocking reads, and a look for new types
            assertEquals(3, handled.size(), "handed to the handler after it failed: " + handled);
            assertEquals(failing, handled.get(2).type());
        } finally {
            tail.close();
        }
    }

    /**
     * A handler may close its own tail (e.g. "stop after this event"), as it may close a tail of
     * one stream. On a cluster, another shard's loop may then be waiting to hand its event to the
     * handler; close() joined that loop while the caller, inside the handler, kept it waiting:
     * both hung for good.
     */
    @Test
    void aHandlerThatClosesItsGlobalTailWhileAnotherShardWaitsToDeliverReturns() throws Exception {
        EventBus bus = cluster.newStore().events();
        List<String> types = typesOnEveryPrimary("closing.");
        String closer = types.get(0);
        String other = types.get(1);
        AtomicReference<Subscription> self = new AtomicReference<>();
        CountDownLatch closed = new CountDownLatch(1);
        List<Event> handled = Collections.synchronizedList(new ArrayList<>());
        Subscription tail = bus.tail("", "$", e -> {
            if (!e.type().startsWith("closing.")) {
                return;
            }
            handled.add(e);
            if (e.type().equals(closer)) {
                bus.publish(other, "cluster-test", Map.of("n", 1));
                awaitWaitingForTurn("statestore-tail-ss:{ev:" + other + "}:all");
                self.get().close();
                closed.countDown();
            }
        });
        self.set(tail);
        try {
            bus.publish(closer, "cluster-test", Map.of("n", 0));
            assertTrue(closed.await(15, TimeUnit.SECONDS), "close() from the handler did not return");
            assertFalse(tail.isRunning());
            Thread.sleep(700); // more than a shard loop's blocking read
            assertEquals(1, handled.size(), "handed to the handler after the tail was closed: " + handled);
        } finally {
            if (closed.getCount() == 0) {
                tail.close();
            }
        }
    }

    /**
     * A consumer of several types on a cluster is a loop per type's slot sharing one handler. A
     * handler that closed its own subscription while another type's loop waited to hand over its
     * event hung both (close() joined that loop, which waited for the handler's turn). Now the
     * waiting loop gives up; its event was read but not acknowledged, so it stays pending and the
     * group's next consumer gets it.
     */
    @Test
    void aHandlerThatClosesItsConsumerOfSeveralTypesReturnsAndTheWaitingEventStaysPending() throws Exception {
        EventBus bus = cluster.newStore().events();
        List<String> types = typesOnEveryPrimary("consclose.");
        String closer = types.get(0);
        String other = types.get(1);
        AtomicReference<Subscription> self = new AtomicReference<>();
        AtomicReference<String> waitingId = new AtomicReference<>();
        CountDownLatch closed = new CountDownLatch(1);
        List<Event> handled = Collections.synchronizedList(new ArrayList<>());
        Subscription consumer = bus.consume(
                List.of(closer, other),
                "closers",
                "c1",
                e -> {
                    handled.add(e);
                    if (e.type().equals(closer)) {
                        waitingId.set(bus.publish(other, "cluster-test", Map.of("n", 1)));
                        awaitWaitingForTurn("statestore-consumer-closers-c1");
                        self.get().close();
                        closed.countDown();
                    }
                },
                FAST);
        self.set(consumer);
        bus.publish(closer, "cluster-test", Map.of("n", 0));
        assertTrue(closed.await(15, TimeUnit.SECONDS), "close() from the handler did not return");
        assertFalse(consumer.isRunning());
        assertEquals(1, handled.size(), "handed to the handler after its subscription was closed: " + handled);
        List<Event> redelivered = Collections.synchronizedList(new ArrayList<>());
        try (Subscription next = bus.consume(List.of(other), "closers", "c2", redelivered::add, FAST)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (redelivered.stream().noneMatch(e -> e.id().equals(waitingId.get()))) {
                assertTrue(System.nanoTime() < deadline, "the event that waited was not delivered again");
                Thread.sleep(20);
            }
        }
    }

    /** Waits until a thread of that name waits for the handler's turn (HandlerTurn.take) to hand over its event. */
    private static void awaitWaitingForTurn(String threadName) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(threadName)
                        && t.getState() == Thread.State.TIMED_WAITING
                        && Arrays.stream(t.getStackTrace())
                                .anyMatch(f -> f.getClassName().endsWith(".HandlerTurn")
                                        && f.getMethodName().equals("take"))) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, threadName + " never came to wait for the handler's turn");
            Thread.sleep(10);
        }
    }

    /** Events of the types other tests published (the tests share the cluster). */
    private static long otherTypesEvents(EventBus bus) {
        return bus.read("", ReplayRange.all(), 1_000_000).stream()
                .filter(e -> !e.type().startsWith("spread."))
                .count();
    }

    private static int compare(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return c != 0 ? c : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
    }

    @Test
    void aGroupOnTheGlobalStreamIsMadeOnEveryShard() {
        EventBus bus = cluster.newStore().events();
        List<String> types = typesOnEveryPrimary("shard.");
        for (String t : types) {
            bus.publish(t, "cluster-test", Map.of("t", t));
        }
        bus.createGroup("", "auditors", "0");
        try (UnifiedJedis j = inspector()) {
            for (String t : types) {
                assertTrue(
                        j.xinfoGroups("ss:{ev:" + t + "}:all").stream()
                                .anyMatch(g -> g.getName().equals("auditors")),
                        t);
            }
        }
    }

    @Test
    void deadLettersRedriveReplayTrimAndFiguresWorkPerTypeSlot() throws Exception {
        EventBus bus = cluster.newStore().events();
        String type = typesOnEveryPrimary("dlq.").get(1);
        String id = bus.publish(type, "cluster-test", Map.of("bad", true));
        AtomicInteger attempts = new AtomicInteger();
        Subscription s = bus.consume(
                List.of(type),
                "fragile",
                "f1",
                e -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("cannot handle " + e.id());
                },
                FAST);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (bus.deadLetters(type, 10).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no dead letter after " + attempts.get() + " attempts");
            Thread.sleep(20);
        }
        s.close();
        DeadLetter dl = bus.deadLetters(type, 10).get(0);
        assertEquals(id, dl.event().id());
        assertEquals(3, dl.deliveries());
        assertTrue(dl.error().contains("cannot handle"), dl.error());
        assertEquals(1, bus.redrive(type, 0));
        assertTrue(bus.deadLetters(type, 10).isEmpty());
        List<Event> stream = bus.read(type, ReplayRange.all(), 10);
        assertEquals(List.of(id, id), stream.stream().map(Event::id).toList(), "redriven to the end");

        // replay of a range of the type, and to a new group
        List<String> replayed = new ArrayList<>();
        assertEquals(2, bus.replay(type, ReplayRange.all(), e -> replayed.add(e.id())));
        bus.replayToGroup(type, "latecomers", ReplayRange.all());
        List<String> late = Collections.synchronizedList(new ArrayList<>());
        try (Subscription l = bus.consume(List.of(type), "latecomers", "l1", e -> late.add(e.id()), FAST)) {
            awaitSize(late, 2);
        }

        // figures: the type's stream, its shard of the global stream, its dead letters' stream
        Map<String, StreamStats> info = new LinkedHashMap<>();
        for (StreamStats st : bus.info()) {
            info.put(st.key(), st);
        }
        assertEquals(2, info.get("ss:{ev:" + type + "}:t:" + type).length());
        assertEquals(1, info.get("ss:{ev:" + type + "}:all").length());
        assertEquals("all", info.get("ss:{ev:" + type + "}:all").kind());
        assertTrue(
                info.containsKey("ss:{ev:" + type + "}:dlq:" + type),
                info.keySet().toString());

        // trimming reaches every shard, and never past an entry a group still needs
        String other = typesOnEveryPrimary("trim.").get(2);
        for (int i = 0; i < 3; i++) {
            bus.publish(other, "cluster-test", Map.of("n", i));
        }
        bus.createGroup(other, "slow", "$"); // has read nothing published from here on
        String unread = bus.publish(other, "cluster-test", Map.of("n", 3));
        Map<String, Long> removed = bus.trim(TrimPolicy.maxLength(1));
        assertEquals(3, removed.get("ss:{ev:" + other + "}:t:" + other), removed.toString());
        assertEquals(
                List.of(unread),
                bus.read(other, ReplayRange.all(), 10).stream().map(Event::id).toList(),
                "kept what group slow has not read");
        assertEquals(3, removed.get("ss:{ev:" + other + "}:all"), "the global stream's shard trimmed too");
    }

    @Test
    void idempotentPublishAndTheLayoutAreKeptByTheFunctions() {
        String type = typesOnEveryPrimary("idem.").get(0);
        String base = "ss:{ev:" + type + "}";
        List<String> keys = List.of(base + ":t:" + type, base + ":all", base + ":ids", base + ":types");
        List<String> args = List.of("idem-1", type, "src", "1", "{}", "0", "60000", "0");
        cluster.newStore(); // installs the libraries on every primary
        try (UnifiedJedis j = inspector()) {
            Object first = j.fcall("ev_publish", keys, args);
            Object again = j.fcall("ev_publish", keys, args);
            assertFalse(String.valueOf(first).contains("[, ]"), String.valueOf(first));
            assertEquals(List.of("", ""), again, "a re-sent event ID is dropped");
            assertEquals(1, j.xlen(base + ":t:" + type));
            // the standalone layout is refused on a cluster node, in our words
            JedisDataException refused = assertThrows(
                    JedisDataException.class,
                    () -> j.fcall(
                            "ev_publish",
                            List.of("ss:{ev}:t:x", "ss:{ev}:all", "ss:{ev}:ids", "ss:{ev}:types"),
                            List.of("idem-2", "x", "src", "1", "{}", "0", "60000", "0")));
            assertTrue(refused.getMessage().startsWith("SS_KEYS"), refused.getMessage());
            assertTrue(refused.getMessage().contains("{ev:<type>}"), refused.getMessage());
        }
    }

    @Test
    void concurrentPublishersOfManyTypesAreGroupCommittedPerTypeEachEventOnce() throws Exception {
        EventBus bus = cluster.newStore(b -> b.poolSize(4)).events(); // 1 direct slot: the rest group-commit
        List<String> types = typesOnEveryPrimary("batch.");
        Set<String> ids = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int n = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    ids.add(bus.publish(types.get((n + i) % 3), "batch", Map.of("t", n, "i", i)));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(600, ids.size());
        Set<String> stored = new HashSet<>();
        int entries = 0;
        for (String t : types) {
            for (Event e : bus.read(t, ReplayRange.all(), 1000)) {
                stored.add(e.id());
                entries++;
            }
        }
        assertEquals(600, entries, "each event once in its type's stream");
        assertEquals(ids, stored);
    }

    private static void awaitSize(java.util.Collection<?> c, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (c.size() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + c.size() + " of " + n);
            Thread.sleep(20);
        }
    }

    static UnifiedJedis clusterClient() {
        Set<HostAndPort> seeds = new HashSet<>();
        for (String h : cluster.uri().substring("redis-cluster://".length()).split(",")) {
            seeds.add(HostAndPort.from(h));
        }
        return new JedisCluster(seeds);
    }

    // ConsumerKillContract and SpoolOutageContract on this cluster

    @Override
    public String busUri() {
        return cluster.uri();
    }

    @Override
    public StateStore newStore() {
        return cluster.newStore();
    }

    @Override
    public UnifiedJedis inspector() {
        return clusterClient();
    }

    @Override
    public String flowStream() {
        return "ss:{ev:flow}:t:flow";
    }

    @Override
    public File consumerLog() {
        try {
            return Files.createTempFile("cluster-consumers-", ".log").toFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int events() {
        return 6_000; // within the run time the cluster suite may take; at least 3 kills still happen
    }

    @Override
    public void stopRedis() throws Exception {
        cluster.stopAll();
    }

    @Override
    public void startRedis() throws Exception {
        cluster.startAll();
    }

    @Override
    public List<String> outageStreams() {
        return List.of("ss:{ev:outage}:t:outage", "ss:{ev:outage}:all");
    }

    @Override
    public void clean() {
        settled();
        try (UnifiedJedis j = inspector()) {
            for (String k : List.of(":t:outage", ":all", ":ids", ":types")) {
                j.del("ss:{ev:outage}" + k);
            }
        }
    }

    @Override
    public Duration publishTimeout() {
        return Duration.ofSeconds(1);
    }

    /**
     * The retry bound (the publish timeout) does not cut short an attempt in flight, whose socket
     * timeout is the publish timeout too, nor a CLUSTERDOWN answered by a node that sees its peers
     * go: 3.7 s was seen with 1 s at load 24 on 2 cores.
     */
    @Override
    public Duration slowestPublishAllowed() {
        return publishTimeout().multipliedBy(3).plusSeconds(2);
    }
}
