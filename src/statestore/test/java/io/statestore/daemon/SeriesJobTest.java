package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.statestore.client.StateStore;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The sampling job in a running daemon: a document changes, its samples appear. */
class SeriesJobTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    @Test
    void aRunningDaemonSamplesAChangingDocument() throws Exception {
        redis.flushAll();
        Daemon daemon = new Daemon(TestSupport.load(dir, """
                redis:
                  url: %s
                dataDir: %s
                sweep:
                  enabled: false
                backup:
                  enabled: false
                trim:
                  enabled: false
                series:
                  - key: "quantum:status"
                    path: "$.queue_depth"
                    every: 1s
                seriesStore:
                  schedule: "* * * * * ?"
                  builtinEvery: 1s
                """.formatted(redis.uri(), dir.resolve("data"))));
        StateStore client = redis.newStore();
        try (Jedis j = redis.jedis()) {
            daemon.start();
            client.put("quantum:status", Map.of("queue_depth", 5));
            String raw = "ss:ts:{quantum:status$.queue_depth}:raw";
            TestSupport.await(
                    Duration.ofSeconds(30),
                    "a sample of 5",
                    () -> values(j, raw).contains("5"));
            client.merge("quantum:status", Map.of("queue_depth", 8));
            TestSupport.await(
                    Duration.ofSeconds(30),
                    "a sample of 8",
                    () -> values(j, raw).contains("8"));
            TestSupport.await(
                    Duration.ofSeconds(30),
                    "the built-in memory series",
                    () -> j.zcard("ss:ts:{daemon:redis_used_memory_bytes}:raw") > 0);
            assertEquals("ok", j.hget("ss:status", "series_result"));
            TestSupport.await(
                    Duration.ofSeconds(30),
                    "a change rate once the counters were read twice",
                    () -> j.zcard("ss:ts:{daemon:changes_per_s}:raw") > 0);
        } finally {
            daemon.stop();
        }
    }

    private static List<String> values(Jedis j, String key) {
        return j.zrange(key, 0, -1).stream()
                .map(m -> m.substring(m.indexOf(':') + 1))
                .toList();
    }
}
