package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisOutageTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable().withArgs("--appendonly", "yes");

    @Test
    void callsFailFastAsUnavailableWhileRedisIsDownAndWorkAgainAfter() throws Exception {
        StateStore store = redis.newStore(b -> b.timeout(Duration.ofSeconds(1)));
        store.put("doc", 1);
        redis.stop();
        UnavailableException read = assertThrows(UnavailableException.class, () -> store.get("doc"));
        assertTrue(read.code().retryable());
        assertTrue(read.getMessage().contains("doc"), read.getMessage());
        UnavailableException write = assertThrows(UnavailableException.class, () -> store.put("doc", 2));
        assertFalse(write.outcomeUnknown(), "a write that never reached Redis is known not to have happened");
        redis.start();
        assertEquals(1, store.get("doc").orElseThrow().value().asInt());
        assertEquals(2, store.put("doc", 2).revision());
    }

    @Test
    void readsAfterAServerRestartSucceedOnTheFirstTry() throws Exception {
        StateStore store = redis.newStore(b -> b.timeout(Duration.ofSeconds(1)));
        store.put("survivor", 7);
        redis.stop();
        redis.start();
        assertEquals(7, store.get("survivor").orElseThrow().value().asInt());
    }
}
