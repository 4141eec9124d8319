package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreException;
import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * While Redis cannot persist (MISCONF) it refuses PING; pooled connections must still serve the
 * reads that are allowed, so the daemon and clients can see and say what is wrong.
 */
class MisconfPoolTest {
    @RegisterExtension
    static RedisServerExtension redis =
            RedisServerExtension.portable().withArgs("--enable-protected-configs", "yes", "--save", "3600 1");

    @TempDir
    Path dir;

    @Test
    void readsThroughThePoolsWorkWhileTheServerRefusesWritesWithMisconf() throws Exception {
        redis.flushAll();
        StateStoreOptions options = StateStoreOptions.builder().uri(redis.uri()).build();
        try (StateStore store = StateStore.connect(options);
                RedisAdmin admin = new RedisAdmin(options);
                Jedis j = redis.jedis()) {
            store.put("misconf:doc", Map.of("n", 1));
            String dirBefore = j.configGet("dir").get("dir");
            Path gone = Files.createDirectories(dir.resolve("gone"));
            j.configSet("dir", gone.toString());
            Files.delete(gone); // the next snapshot cannot be written: MISCONF for writes (and PING)
            try {
                j.bgsave();
                TestSupport.await(
                        Duration.ofSeconds(10),
                        "a failed snapshot",
                        () -> j.info("persistence").contains("rdb_last_bgsave_status:err"));
                assertTrue(
                        assertThrows(redis.clients.jedis.exceptions.JedisDataException.class, j::ping)
                                .getMessage()
                                .startsWith("MISCONF"),
                        "the server refuses PING now");
                for (int i = 0; i < 3; i++) { // fresh borrows each time: validation must not refuse them
                    assertEquals("1", admin.with(c -> c.hget("ss:m:{misconf:doc}", "rev")));
                    assertEquals(
                            1,
                            store.get("misconf:doc")
                                    .orElseThrow()
                                    .value()
                                    .get("n")
                                    .asInt());
                }
                StateStoreException refused =
                        assertThrows(StateStoreException.class, () -> store.put("misconf:doc", Map.of("n", 2)));
                assertTrue(refused.getMessage().contains("MISCONF"), refused.getMessage());
            } finally {
                j.configSet("dir", dirBefore); // Redis sits in the deleted directory: move it back out
                j.bgsave();
                TestSupport.await(
                        Duration.ofSeconds(10),
                        "a good snapshot",
                        () -> j.info("persistence").contains("rdb_last_bgsave_status:ok"));
            }
        }
    }
}
