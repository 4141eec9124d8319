package io.statestore.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The harness's server is its own: a port another process took between the pick and the bind
 * is given up for another, and a PING answered by that other server is not taken for ours
 * (a class would then have flushed someone else's server).
 */
class RedisServerPortTest {
    @TempDir
    Path dir;

    @Test
    void aPortTakenBeforeTheServerBindsItIsLeftToItsOwnerAndAnotherIsUsed() throws Exception {
        int taken = FreePorts.pick();
        Process foreign = RedisServerExtension.startForeign(taken, dir.resolve("foreign"));
        RedisServerExtension ours = RedisServerExtension.portable();
        try {
            awaitPong(taken);
            try (Jedis j = new Jedis("127.0.0.1", taken)) {
                j.set("foreign:key", "kept");
            }
            AtomicInteger picks = new AtomicInteger();
            ours.startOnAFreePort(() -> picks.getAndIncrement() == 0 ? taken : FreePorts.pick());

            assertEquals(2, picks.get(), "a second port was picked");
            assertNotEquals(taken, ours.port());
            ours.flushAll();
            try (Jedis j = new Jedis("127.0.0.1", taken)) {
                assertEquals("kept", j.get("foreign:key"), "the foreign server was not flushed");
            }
            try (Jedis j = ours.jedis()) {
                assertEquals("PONG", j.ping());
            }
        } finally {
            ours.afterAll(null);
            foreign.destroy();
            foreign.waitFor();
        }
    }

    private static void awaitPong(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                if ("PONG".equals(j.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the foreign server never answered on " + port, notYet);
                }
            }
            Thread.sleep(20);
        }
    }
}
