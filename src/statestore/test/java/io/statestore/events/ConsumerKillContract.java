package io.statestore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.EventBus;
import io.statestore.client.StateStore;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * The kill-a-consumer test, for any server the bus runs on (a standalone server in
 * {@link ConsumerKillTest}, Redis Cluster in {@code ClusterEventBusTest}): consumers in separate
 * JVMs ({@link ConsumerProcess}) are killed with SIGKILL at random points while events flow.
 */
public interface ConsumerKillContract {
    /** The URL the consumer JVMs connect to. */
    String busUri();

    StateStore newStore();

    /** A client to read what the consumers wrote and the group's pending count (closed by the test). */
    UnifiedJedis inspector();

    /** The stream of the type "flow" (whose group "workers" the consumers read). */
    String flowStream();

    /** Where the consumer JVMs' output goes. */
    File consumerLog();

    default int events() {
        return 10_000;
    }

    @Test
    default void killedConsumersLoseNothingAndTheIdempotentCountIsExact() throws Exception {
        int events = events();
        StateStore store = newStore();
        EventBus bus = store.events();
        bus.createGroup("flow", "workers", "0");
        File log = consumerLog();
        List<Process> live = new ArrayList<>();
        int started = 0;
        for (; started < 2; started++) {
            live.add(ChildJvm.start(ConsumerProcess.class, log, busUri(), "c-" + started));
        }
        AtomicBoolean publishing = new AtomicBoolean(true);
        Thread publisher = new Thread(() -> {
            for (int i = 0; i < events; i++) {
                bus.publish("flow", "kill-test", Map.of("n", i));
                if (i % 10 == 9) {
                    sleep(8);
                }
            }
            publishing.set(false);
        });
        publisher.start();
        Random random = new Random(42);
        int kills = 0;
        while (publishing.get()) {
            Thread.sleep(400 + random.nextInt(900));
            Process victim = live.remove(random.nextInt(live.size()));
            victim.destroyForcibly().waitFor(); // SIGKILL
            kills++;
            live.add(ChildJvm.start(ConsumerProcess.class, log, busUri(), "c-" + started++));
        }
        publisher.join();
        String stream = flowStream();
        try (UnifiedJedis j = inspector()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (j.hlen("test:handled") < events
                    || j.xpending(stream, "workers").getTotal() > 0) {
                assertTrue(
                        System.nanoTime() < deadline,
                        "handled " + j.hlen("test:handled") + ", pending "
                                + j.xpending(stream, "workers").getTotal());
                Thread.sleep(50);
            }
            long deliveries = Long.parseLong(j.get("test:deliveries"));
            System.out.printf(
                    "kill test: %d kills, %d events, %d deliveries (%d redelivered)%n",
                    kills, events, deliveries, deliveries - events);
            assertEquals(events, j.hlen("test:handled"));
            assertTrue(deliveries >= events);
            assertEquals(0, j.xpending(stream, "workers").getTotal());
            assertTrue(kills >= 3, "only " + kills + " kills");
        } finally {
            for (Process p : live) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
