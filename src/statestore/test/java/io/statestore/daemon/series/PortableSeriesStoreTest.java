package io.statestore.daemon.series;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.statestore.testing.RedisServerExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

class PortableSeriesStoreTest extends SeriesStoreContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Override
    RedisServerExtension redis() {
        return redis;
    }

    @Override
    String expectedLayout() {
        return "portable";
    }

    /** What docs/key-layout.md promises an operator with redis-cli. */
    @Test
    void theLayoutReadsWithRedisCli() {
        store.add("q", T0 + 1000, 2);
        store.add("q", T0 + 2000, 2.5);
        clockAndMaintain(T0 + 2 * MIN);
        try (Jedis j = redis.jedis()) {
            assertEquals(
                    List.of(),
                    j.zrange("ss:ts:{q}:raw", 0, -1).stream()
                            .filter(m -> !m.contains(":"))
                            .toList());
            assertEquals(List.of((T0 + 1000) + ":2", (T0 + 2000) + ":2.5"), j.zrange("ss:ts:{q}:raw", 0, -1));
            assertEquals(List.of(T0 + ":4.5:2:2:2.5"), j.zrange("ss:ts:{q}:1m", 0, -1));
            assertEquals(Map.of("q", "test series"), j.hgetAll("ss:ts:index"));
            assertEquals(Long.toString(T0 + 2 * MIN), j.hget("ss:ts:{q}:meta", "next"));
        }
    }

    private void clockAndMaintain(long t) {
        clock.set(java.time.Instant.ofEpochMilli(t));
        store.maintain("q");
    }
}
