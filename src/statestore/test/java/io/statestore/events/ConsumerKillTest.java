package io.statestore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.EventBus;
import io.statestore.client.StateStore;
import io.statestore.testing.RedisServerExtension;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** Consumers in separate JVMs are killed with SIGKILL at random points while 10,000 events flow. */
class ConsumerKillTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    static final int EVENTS = 10_000;

    @Test
    void killedConsumersLoseNothingAndTheIdempotentCountIsExact() throws Exception {
        StateStore store = redis.newStore();
        EventBus bus = store.events();
        bus.createGroup("flow", "workers", "0");
        File log = redis.dataDir().resolve("consumers.log").toFile();
        List<Process> live = new ArrayList<>();
        int started = 0;
        for (; started < 2; started++) {
            live.add(ChildJvm.start(ConsumerProcess.class, log, Integer.toString(redis.port()), "c-" + started));
        }
        AtomicBoolean publishing = new AtomicBoolean(true);
        Thread publisher = new Thread(() -> {
            for (int i = 0; i < EVENTS; i++) {
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
            live.add(ChildJvm.start(ConsumerProcess.class, log, Integer.toString(redis.port()), "c-" + started++));
        }
        publisher.join();
        try (Jedis j = redis.jedis()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (j.hlen("test:handled") < EVENTS
                    || j.xpending("ss:{ev}:t:flow", "workers").getTotal() > 0) {
                assertTrue(
                        System.nanoTime() < deadline,
                        "handled " + j.hlen("test:handled") + ", pending "
                                + j.xpending("ss:{ev}:t:flow", "workers").getTotal());
                Thread.sleep(50);
            }
            long deliveries = Long.parseLong(j.get("test:deliveries"));
            System.out.printf(
                    "kill test: %d kills, %d events, %d deliveries (%d redelivered)%n",
                    kills, EVENTS, deliveries, deliveries - EVENTS);
            assertEquals(EVENTS, j.hlen("test:handled"));
            assertTrue(deliveries >= EVENTS);
            assertEquals(0, j.xpending("ss:{ev}:t:flow", "workers").getTotal());
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
