package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.trim.StreamTrimmer;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

class StreamTrimTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @BeforeEach
    void clean() {
        redis.flushAll();
    }

    @Test
    void trimsByLengthAndAgeButNeverPastAConsumerGroup() throws Exception {
        try (Jedis j = redis.jedis();
                RedisAdmin admin = new RedisAdmin(StateStoreOptions.of(redis.uri()))) {
            long old = System.currentTimeMillis() - Duration.ofDays(10).toMillis();
            for (int i = 1; i <= 10; i++) {
                j.xadd("ev", new StreamEntryID(old + i, 0), Map.of("n", Integer.toString(i)));
            }
            for (int i = 1; i <= 10; i++) {
                j.xadd("ev", StreamEntryID.NEW_ENTRY, Map.of("n", "new" + i));
            }
            StreamTrimmer trimmer = new StreamTrimmer(admin);
            // a group that has read only the first 3 entries holds everything after them
            j.xgroupCreate("ev", "g", new StreamEntryID(), false);
            j.xreadGroup(
                    "g",
                    "c",
                    XReadGroupParams.xReadGroupParams().count(3),
                    Map.of("ev", StreamEntryID.UNRECEIVED_ENTRY));
            j.xack(
                    "ev",
                    "g",
                    j.xrange("ev", (StreamEntryID) null, null, 3).stream()
                            .map(e -> e.getID())
                            .toArray(StreamEntryID[]::new));
            assertEquals(2, trimmer.trim(new DaemonConfig.Stream("ev", Duration.ofDays(1), 5)));
            assertEquals(18, j.xlen("ev"));
            // once the group has read everything, age and length both apply: length 5 wins
            j.xreadGroup(
                    "g",
                    "c",
                    XReadGroupParams.xReadGroupParams().count(100),
                    Map.of("ev", StreamEntryID.UNRECEIVED_ENTRY));
            List<StreamEntryID> pending = j.xrange("ev", (StreamEntryID) null, null).stream()
                    .map(e -> e.getID())
                    .toList();
            j.xack("ev", "g", pending.toArray(StreamEntryID[]::new));
            assertEquals(13, trimmer.trim(new DaemonConfig.Stream("ev", Duration.ofDays(1), 5)));
            assertEquals(5, j.xlen("ev"));
            // age alone
            j.del("ev");
            for (int i = 1; i <= 4; i++) {
                j.xadd("ev", new StreamEntryID(old + i, 0), Map.of("n", "x"));
            }
            j.xadd("ev", StreamEntryID.NEW_ENTRY, Map.of("n", "y"));
            assertEquals(4, trimmer.trim(new DaemonConfig.Stream("ev", Duration.ofDays(1), 0)));
        }
    }
}
