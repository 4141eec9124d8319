package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

class LeaseTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    @Test
    void twoDaemonsOnOneRedisRunEachScheduledRunOnce() throws Exception {
        List<Daemon> daemons = new ArrayList<>();
        for (String id : List.of("a", "b")) {
            daemons.add(new Daemon(TestSupport.load(dir, """
                    redis:
                      url: %s
                    dataDir: %s
                    daemon:
                      id: %s
                    sweep:
                      enabled: false
                    backup:
                      enabled: false
                    trim:
                      schedule: "* * * * * ?"
                    """.formatted(redis.uri(), dir.resolve(id), id))));
        }
        try {
            for (Daemon d : daemons) {
                d.start();
            }
            TestSupport.await(
                    Duration.ofSeconds(15),
                    "4 scheduled runs",
                    () -> daemons.get(0).services().executedRuns().size()
                                    + daemons.get(1).services().executedRuns().size()
                            >= 4);
        } finally {
            for (Daemon d : daemons) {
                d.stop();
            }
        }
        List<String> all = new ArrayList<>(daemons.get(0).services().executedRuns());
        all.addAll(daemons.get(1).services().executedRuns());
        Set<String> distinct = new HashSet<>(all);
        assertEquals(distinct.size(), all.size(), "a run executed twice: " + all);
        try (Jedis j = redis.jedis()) {
            assertTrue(j.keys("ss:lease:*").isEmpty(), "leases released on shutdown");
            assertTrue(j.keys("ss:heartbeat:*").isEmpty(), "heartbeats removed on shutdown");
            assertEquals("ok", j.hget("ss:status", "trim_result"));
        }
    }
}
