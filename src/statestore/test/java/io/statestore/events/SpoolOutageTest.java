package io.statestore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.EventBus;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StrictJson;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.events.SpoolOptions;
import io.statestore.testing.RedisServerExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamEntry;

/** Redis stopped for 10 s while events are published: nothing thrown, every event in the stream once, in order. */
class SpoolOutageTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable().withArgs("--appendonly", "yes");

    static final int EVENTS = 5_000;
    static final Duration OUTAGE = Duration.ofSeconds(10);

    @BeforeEach
    void clean() {
        redis.flushAll();
    }

    @Test
    void publisherSpoolsThroughATenSecondOutageAndEveryEventArrivesOnceInOrder() throws Exception {
        Path dir = Files.createTempDirectory("spool-");
        long slowest = 0;
        // Generous timeouts: the server takes seconds to check 12 MiB of JSON on a loaded machine, and
        // a call that times out is sent again and times out again (three runs failed at 1 s under
        // load 13-16). What this test shows is that the record is forwarded, not how fast.
        try (EventBus bus = EventBus.open(
                StateStoreOptions.builder()
                        .uri(redis.uri())
                        .writer("pub")
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                EventBusOptions.builder()
                        .spool(SpoolOptions.in(dir))
                        .publishTimeout(Duration.ofSeconds(5))
                        .build())) {
            long stoppedAt = 0;
            for (int i = 0; i < EVENTS; i++) {
                if (i == 1000) {
                    redis.stop();
                    stoppedAt = System.nanoTime();
                }
                if (i >= 1000 && i < 4000) {
                    // spread 3,000 events over the outage
                    long due = stoppedAt + (i - 1000) * OUTAGE.toNanos() / 3000;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                if (i == 4000) {
                    assertTrue(
                            bus.spoolStatus().depth() >= 3000, bus.spoolStatus().toString());
                    assertTrue(!bus.spoolStatus().online());
                    redis.start();
                }
                long t0 = System.nanoTime();
                bus.publish("outage", "spool-test", Map.of("n", i));
                slowest = Math.max(slowest, System.nanoTime() - t0);
            }
            awaitDrained(bus);
        }
        System.out.printf("outage test: slowest publish %.1f ms%n", slowest / 1e6);
        assertTrue(slowest < Duration.ofSeconds(2).toNanos(), "a publish blocked " + slowest / 1e6 + " ms");
        assertStreamHoldsEveryEventOnceInOrder();
    }

    @Test
    void publisherRestartedDuringTheOutageForwardsBothLivesOnceInOrder() throws Exception {
        Path dir = Files.createTempDirectory("spool-");
        Process first = start(dir, 0, 2500, "halt");
        BufferedReader out1 = reader(first);
        awaitLine(out1, "published 1000");
        redis.stop();
        long stoppedAt = System.nanoTime();
        String line;
        while ((line = out1.readLine()) != null) {
            // drain the first publisher's output until it halts
        }
        assertTrue(first.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, first.exitValue());
        Process second = start(dir, 2500, EVENTS, "drain");
        BufferedReader out2 = reader(second);
        awaitLine(out2, "all published");
        long left = OUTAGE.toNanos() - (System.nanoTime() - stoppedAt);
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
        redis.start();
        awaitLine(out2, "drained");
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, second.exitValue());
        assertStreamHoldsEveryEventOnceInOrder();
    }

    @Test
    void aSpooledEventWhoseRecordExceedsTheDocumentLimitIsForwarded() throws Exception {
        // 6 Mi quotes: the data is 12 MiB of JSON, within the document limit of 16 MiB; its spool
        // record holds it as an escaped string, 24 MiB
        String quotes = "\"".repeat(6 * 1024 * 1024);
        Path dir = Files.createTempDirectory("spool-");
        // Generous timeouts: the server takes seconds to check 12 MiB of JSON on a loaded machine, and
        // a call that times out is sent again and times out again (three runs failed at 1 s under
        // load 13-16). What this test shows is that the record is forwarded, not how fast.
        try (EventBus bus = EventBus.open(
                StateStoreOptions.builder()
                        .uri(redis.uri())
                        .writer("pub")
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                EventBusOptions.builder()
                        .spool(SpoolOptions.in(dir))
                        .publishTimeout(Duration.ofSeconds(5))
                        .build())) {
            redis.stop();
            bus.publish("big", "spool-test", Map.of("q", quotes));
            assertEquals(1, bus.spoolStatus().depth());
            redis.start();
            awaitDrained(bus);
        }
        try (Jedis j = redis.jedis()) {
            List<StreamEntry> all = j.xrange("ss:{ev}:t:big", "-", "+");
            assertEquals(1, all.size());
            assertEquals(
                    StrictJson.write(Map.of("q", quotes)),
                    all.get(0).getFields().get("data"));
        }
    }

    private static Process start(Path dir, int from, int to, String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-XX:TieredStopAtLevel=1",
                        SpoolPublisherProcess.class.getName(),
                        Integer.toString(redis.port()),
                        dir.toString(),
                        Integer.toString(from),
                        Integer.toString(to),
                        mode)
                .redirectErrorStream(true)
                .start();
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void awaitLine(BufferedReader r, String prefix) throws Exception {
        List<String> seen = new ArrayList<>();
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return;
            }
            seen.add(line);
        }
        throw new AssertionError("child ended before \"" + prefix + "\": " + seen);
    }

    private static void awaitDrained(EventBus bus) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (bus.spoolStatus().depth() > 0) {
            assertTrue(System.nanoTime() < deadline, "spool not drained: " + bus.spoolStatus());
            Thread.sleep(20);
        }
    }

    private static void assertStreamHoldsEveryEventOnceInOrder() {
        try (Jedis j = redis.jedis()) {
            for (String key : List.of("ss:{ev}:t:outage", "ss:{ev}:all")) {
                List<StreamEntry> all = j.xrange(key, "-", "+");
                List<Integer> ns = new ArrayList<>();
                Set<String> ids = new HashSet<>();
                for (StreamEntry e : all) {
                    String data = e.getFields().get("data");
                    ns.add(Integer.parseInt(data.replaceAll("[^0-9]", "")));
                    ids.add(e.getFields().get("id"));
                }
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < EVENTS; i++) {
                    expected.add(i);
                }
                assertEquals(EVENTS, all.size(), key);
                assertEquals(EVENTS, ids.size(), key + ": event IDs are unique");
                assertEquals(expected, ns, key + " holds every event once, in order");
            }
        }
    }
}
