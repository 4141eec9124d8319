package io.statestore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.EventBus;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StrictJson;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.events.SpoolOptions;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/** Redis stopped for 10 s while events are published ({@link SpoolOutageContract}), and a spooled event larger than a document. */
class SpoolOutageTest implements SpoolOutageContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable().withArgs("--appendonly", "yes");

    @Override
    public String busUri() {
        return "redis://127.0.0.1:" + redis.port();
    }

    @Override
    public void stopRedis() throws Exception {
        redis.stop();
    }

    @Override
    public void startRedis() throws Exception {
        redis.start();
    }

    @Override
    public UnifiedJedis inspector() {
        return RedisClient.create("127.0.0.1", redis.port());
    }

    @Override
    public List<String> outageStreams() {
        return List.of("ss:{ev}:t:outage", "ss:{ev}:all");
    }

    @Override
    public void clean() {
        redis.flushAll();
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

    private static void awaitDrained(EventBus bus) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (bus.spoolStatus().depth() > 0) {
            assertTrue(System.nanoTime() < deadline, "spool not drained: " + bus.spoolStatus());
            Thread.sleep(20);
        }
    }
}
