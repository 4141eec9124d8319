package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * {@link IdempotentWritesContract} on a standalone server, and a write re-sent after a server
 * restart (a standalone server's own case: a cluster node's restart is a failover).
 */
class IdempotentWritesTest extends IdempotentWritesContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable().withArgs("--appendonly", "yes");

    @Override
    protected RedisServerExtension redis() {
        return redis;
    }

    @Test
    void aWriteOnAConnectionLeftOverFromBeforeARestartIsSentAgainAndCommitsOnce() throws Exception {
        redis.flushAll();
        StateStore store = redis.newStore(b -> b.timeout(Duration.ofSeconds(2)));
        store.put("survivor", StrictJson.parse("{\"n\":1}"));
        store.merge("survivor", StrictJson.parse("{\"m\":1}")); // the client now keeps this version
        redis.stop();
        redis.start();
        // The kept version lets this merge go straight to ss_put, on a pooled connection the
        // restart has closed: the first send fails, the re-send commits it once.
        WriteResult w = store.merge("survivor", StrictJson.parse("{\"m\":2}"));
        assertEquals(3, w.revision());
        assertEquals(
                StrictJson.parse("{\"n\":1,\"m\":2}"),
                store.get("survivor").orElseThrow().value());
        try (Jedis j = redis.jedis()) {
            assertEquals(3, j.xlen("ss:feed"));
        }
    }
}
