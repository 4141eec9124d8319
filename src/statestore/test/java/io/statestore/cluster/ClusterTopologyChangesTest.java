package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStore;
import io.statestore.client.spi.SlotTags;
import io.statestore.testing.RedisClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * The cluster changes under the store while it works: slots move (resharding), a primary is
 * added, a primary dies. One cluster for the class, changed test by test in this order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTopologyChangesTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.threePrimaries();

    /** A third of the slots. */
    static final int RESHARD_SLOTS = SlotTags.SLOTS / 3;

    @Test
    @Order(1)
    void reshardingUnderLoadLosesNoIncrementAndNoRedirectReachesACaller() throws Exception {
        StateStore store = cluster.newStore();
        List<String> keys = new ArrayList<>();
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            keys.add("load:" + i);
            slots.add(SlotTags.slot("load:" + i));
            store.put("load:" + i, Map.of("n", 0));
        }
        assertTrue(slots.size() > 190, "200 documents over " + slots.size() + " slots");
        int from = cluster.primaryPorts().get(0);
        int to = cluster.primaryPorts().get(1);
        int movedKeys = (int) keys.stream()
                .filter(k -> cluster.primaryOfSlot(SlotTags.slot(k)) == from)
                .count();
        assertTrue(movedKeys > 30, movedKeys + " of the documents sit on the primary whose slots move");
        int fromSlotsBefore = slotsOf(from);

        WatchRecorder seen = new WatchRecorder();
        io.statestore.client.Watcher watcher = store.watch()
                .watch(
                        io.statestore.client.WatchOptions.builder()
                                .prefix("load:")
                                .build(),
                        seen);
        Load load = new Load(store, keys, 8);
        load.start();
        Thread.sleep(300);
        long movedAt = System.nanoTime();
        cluster.moveSlots(from, to, Math.min(RESHARD_SLOTS, fromSlotsBefore));
        long moveMs = (System.nanoTime() - movedAt) / 1_000_000;
        Thread.sleep(300);
        load.stop();

        assertEquals(List.of(), load.errors(), "no failure reached a writer");
        assertEquals(fromSlotsBefore - Math.min(RESHARD_SLOTS, fromSlotsBefore), slotsOf(from));
        long total = 0;
        for (int i = 0; i < keys.size(); i++) {
            long n = store.get(keys.get(i)).orElseThrow().value().get("n").asLong();
            assertEquals(load.acked.get(i), n, keys.get(i) + ": every acknowledged increment, and nothing else");
            total += n;
        }
        System.out.printf(
                "[cluster] resharding %d slots (%d ms) under load: %d acknowledged CAS increments by 8 writers,"
                        + " all kept%n",
                Math.min(RESHARD_SLOTS, fromSlotsBefore), moveMs, total);
        assertTrue(total >= 200, "the writers ran during the resharding: " + total);
        // the watcher followed every slot feed across the move: every revision once, in order
        Map<String, Long> finalRevisions = new java.util.HashMap<>();
        for (String k : keys) {
            finalRevisions.put(k, store.get(k).orElseThrow().revision());
        }
        seen.await(r -> r.caughtUp(finalRevisions), Duration.ofSeconds(30));
        watcher.close();
        assertEquals(List.of(), seen.continuityProblems(finalRevisions));
        assertEquals(1, seen.snapshots.size(), "no resync: " + seen.resyncs);
        System.out.printf(
                "[cluster] the watcher saw %d changes during the resharding, each once, in order per document%n",
                seen.eventCount());
        for (String k : keys) {
            int slot = SlotTags.slot(k);
            if (cluster.primaryOfSlot(slot) == to) {
                try (Jedis j = cluster.node(to)) {
                    assertTrue(j.exists(k), k + " now on the primary its slot moved to");
                }
            }
        }
        cluster.awaitReady();
    }

    @Test
    @Order(2)
    void aNewPrimaryGetsTheLibraryBeforeAnyCallLandsOnIt() throws Exception {
        StateStore store = cluster.newStore();
        int added = cluster.addPrimary();
        // nothing is sent to the new node by the test or the store's calls: only the store's
        // topology check can put the library there
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean loaded = false;
        while (!loaded && System.nanoTime() < deadline) {
            try (Jedis j = cluster.node(added)) {
                loaded = !j.functionList("statestore").isEmpty();
            }
            if (!loaded) {
                Thread.sleep(100);
            }
        }
        assertTrue(loaded, "the store installed its library on the new primary " + added);
        cluster.reshard(cluster.primaryPorts().get(1), added, 200);
        cluster.awaitReady();
        int written = 0;
        for (int i = 0; written < 5 && i < 20000; i++) {
            String k = "newnode:" + i;
            if (cluster.primaryOfSlot(SlotTags.slot(k)) == added) {
                store.put(k, Map.of("i", i));
                assertEquals(i, store.get(k).orElseThrow().value().get("i").asInt());
                try (Jedis j = cluster.node(added)) {
                    assertTrue(j.exists(k), k + " stored on the new primary");
                }
                written++;
            }
        }
        assertEquals(5, written);
    }

    @Test
    @Order(3)
    void writersResumeAfterAPrimaryIsKilledAndTheLostAcknowledgedWritesAreCounted() throws Exception {
        StateStore store = cluster.newStore();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            keys.add("fail:" + i);
            store.put("fail:" + i, Map.of("n", 0));
        }
        int victim = cluster.primaryOfSlot(SlotTags.slot("fail:0"));
        List<Integer> victimKeys = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (cluster.primaryOfSlot(SlotTags.slot(keys.get(i))) == victim) {
                victimKeys.add(i);
            }
        }
        WatchRecorder seen = new WatchRecorder();
        io.statestore.client.Watcher watcher = store.watch()
                .watch(
                        io.statestore.client.WatchOptions.builder()
                                .prefix("fail:")
                                .build(),
                        seen);
        Load load = new Load(store, keys, 4);
        load.start();
        Thread.sleep(500);
        long[] beforeKill = load.snapshot();
        long killedAt = System.nanoTime();
        cluster.kill9(victim);
        // the writers go on; each waits inside the client while no primary serves its slot
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        boolean resumed = false;
        while (!resumed && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long[] now = load.snapshot();
            resumed = victimKeys.stream().anyMatch(i -> now[i] > beforeKill[i] + 2);
        }
        long resumedMs = (System.nanoTime() - killedAt) / 1_000_000;
        Thread.sleep(300);
        load.stop();
        assertTrue(resumed, "writes to the slots of the killed primary resumed after its replica took over");
        assertTrue(!cluster.primaryPorts().contains(victim), "the killed node is no longer a primary");

        long lost = 0;
        long extra = 0;
        for (int i = 0; i < keys.size(); i++) {
            long n = store.get(keys.get(i)).orElseThrow().value().get("n").asLong();
            lost += Math.max(0, load.acked.get(i) - n);
            extra += Math.max(0, n - load.acked.get(i));
        }
        System.out.printf(
                "[cluster] failover (kill -9 of a primary, default settings): writes to its slots resumed after"
                        + " %d ms; %d acknowledged increments lost, %d applied without acknowledgement; %d failures reached"
                        + " writers: %s%n",
                resumedMs,
                lost,
                extra,
                load.errors().size(),
                load.errors().stream().limit(3).toList());
        // the watcher resumed at the new primary: after its last snapshot (the first, or a
        // FEED_BEHIND resync's when it had read entries the replica never got) every change of
        // each document once, in order, up to the final revision
        Map<String, Long> finalRevisions = new java.util.HashMap<>();
        for (String k : keys) {
            finalRevisions.put(k, store.get(k).orElseThrow().revision());
        }
        seen.await(r -> r.caughtUp(finalRevisions), Duration.ofSeconds(30));
        watcher.close();
        System.out.printf(
                "[cluster] the watcher across the failover: %d changes, resyncs %s%n", seen.eventCount(), seen.resyncs);
        assertEquals(List.of(), seen.continuityProblems(finalRevisions));
        assertTrue(
                seen.resyncs.stream().allMatch(r -> r == io.statestore.client.ResyncReason.FEED_BEHIND),
                "only a lost tail of the old primary's feed may resync: " + seen.resyncs);
        assertTrue(
                extra <= load.errors().size(),
                "an increment applied without acknowledgement is one whose caller got an"
                        + " 'outcome unknown' failure: " + extra + " applied, "
                        + load.errors().size() + " failures");
    }

    @Test
    @Order(4)
    void withDurableWritesNoAcknowledgedWriteIsLostWhenAPrimaryIsKilled() throws Exception {
        // a primary that still has a live replica (the earlier tests killed one and added one without)
        List<RedisClusterExtension.ClusterNode> nodes = cluster.clusterNodes();
        RedisClusterExtension.ClusterNode primary = nodes.stream()
                .filter(p -> p.primary() && !p.failed() && p.slotCount() > 0)
                .filter(p -> nodes.stream().anyMatch(r -> p.id().equals(r.masterId()) && !r.failed()))
                .findFirst()
                .orElseThrow();
        // its replica may still be catching up after the load of the earlier tests (a full resync
        // on a loaded machine): WAIT counts only replicas online, so start once it is
        long online = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!replicaOnline(primary.port()) && System.nanoTime() < online) {
            Thread.sleep(100);
        }
        StateStore store = cluster.newStore(b -> b.durableReplicas(1).timeout(Duration.ofSeconds(2)));
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < 40; i++) {
            if (primary.serves(SlotTags.slot("durable:" + i))) {
                keys.add("durable:" + i);
                store.put("durable:" + i, Map.of("n", 0));
            }
        }
        Load load = new Load(store, keys, 4);
        load.start();
        Thread.sleep(700);
        cluster.kill9(primary.port());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (cluster.primaryPorts().contains(primary.port()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(500);
        load.stop();
        assertTrue(!cluster.primaryPorts().contains(primary.port()), "the replica took over");
        long lost = 0;
        long acked = 0;
        for (int i = 0; i < keys.size(); i++) {
            long n = store.get(keys.get(i)).orElseThrow().value().get("n").asLong();
            lost += Math.max(0, load.acked.get(i) - n);
            acked += load.acked.get(i);
        }
        System.out.printf(
                "[cluster] failover with durableReplicas=1: %d acknowledged increments, %d lost; %d writes failed"
                        + " (the dead primary, or a new primary without a replica to confirm them), e.g. %s%n",
                acked,
                lost,
                load.errors().size(),
                load.errors().stream().limit(1).toList());
        assertTrue(acked > 20, "the writers ran before the kill: " + acked);
        assertEquals(0, lost, "no write confirmed by a replica is lost when its primary dies");
    }

    private static int slotsOf(int port) {
        return cluster.clusterNodes().stream()
                .filter(n -> n.port() == port)
                .findFirst()
                .orElseThrow()
                .slotCount();
    }

    /** Writers doing CAS increments on random documents, counting what was acknowledged. */
    private static final class Load {
        final AtomicLongArray acked;
        private final StateStore store;
        private final List<String> keys;
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

        Load(StateStore store, List<String> keys, int writers) {
            this.store = store;
            this.keys = keys;
            this.acked = new AtomicLongArray(keys.size());
            for (int w = 0; w < writers; w++) {
                threads.add(new Thread(this::write, "writer-" + w));
            }
        }

        private void write() {
            while (!stop.get()) {
                int i = ThreadLocalRandom.current().nextInt(keys.size());
                try {
                    store.increment(keys.get(i), "$.n", 1);
                    acked.incrementAndGet(i);
                } catch (RuntimeException e) {
                    errors.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
        }

        void start() {
            threads.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }

        long[] snapshot() {
            long[] out = new long[acked.length()];
            for (int i = 0; i < out.length; i++) {
                out[i] = acked.get(i);
            }
            return out;
        }

        List<String> errors() {
            return List.copyOf(errors);
        }
    }

    private static boolean replicaOnline(int primaryPort) {
        try (redis.clients.jedis.Jedis j = cluster.node(primaryPort)) {
            return j.info("replication").contains("state=online");
        } catch (RuntimeException notYet) {
            return false;
        }
    }
}
