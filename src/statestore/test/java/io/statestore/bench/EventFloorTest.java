package io.statestore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamEntry;

/** The event floor does the writes it claims (the figures in docs/benchmarks-events.md rest on that). */
class EventFloorTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Test
    void anEventGoesToBothStreamsOnceAndItsIdIsRecorded() {
        try (Jedis j = redis.jedis()) {
            EventFloor.install(j);
            assertTrue(EventFloor.publish(j, "e-1", "bench", "src", 1700000000000L, "{\"blob\":\"x\"}"));
            assertFalse(
                    EventFloor.publish(j, "e-1", "bench", "src", 1700000000000L, "{\"blob\":\"x\"}"), "a re-sent ID");
            assertTrue(EventFloor.publish(j, "e-2", "bench", "src", 1700000000001L, "{}"));
            for (String stream : List.of("floor:{ev}:t:bench", "floor:{ev}:all")) {
                List<StreamEntry> entries = j.xrange(stream, "-", "+");
                assertEquals(2, entries.size(), stream);
                assertEquals(
                        Map.of(
                                "id",
                                "e-1",
                                "type",
                                "bench",
                                "src",
                                "src",
                                "time",
                                "1700000000000",
                                "data",
                                "{\"blob\":\"x\"}"),
                        entries.get(0).getFields());
                assertEquals("e-2", entries.get(1).getFields().get("id"));
            }
            assertEquals(1700000000000.0, j.zscore("floor:{ev}:ids", "e-1"));
        }
    }
}
