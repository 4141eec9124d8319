package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * durableReplicas on a server without replicas: the write is applied but not acknowledged, and
 * the caller is told so (the cluster failover with a replica is in ClusterTopologyChangesTest).
 */
class DurableWritesTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Test
    void aWriteNoReplicaConfirmsIsReportedAsAppliedButNotDurable() {
        StateStore plain = redis.newStore();
        StateStore durable = redis.newStore(b -> b.durableReplicas(1).timeout(Duration.ofMillis(600)));
        UnavailableException e = assertThrows(UnavailableException.class, () -> durable.put("dur:x", Map.of("v", 1)));
        assertTrue(e.outcomeUnknown());
        assertTrue(
                e.getMessage().contains("was applied on the primary")
                        && e.getMessage().contains("confirmed by 0 of the 1" + " replicas required (durableReplicas)"),
                e.getMessage());
        assertEquals(1, plain.get("dur:x").orElseThrow().revision(), "applied once: not re-sent");
        assertEquals(
                2, plain.put("dur:x", Map.of("v", 2)).revision(), "without the option the same server acknowledges");
    }

    @Test
    void aNegativeReplicaCountIsRefusedInOurWords() {
        InvalidInputException e = assertThrows(
                InvalidInputException.class, () -> StateStoreOptions.builder().durableReplicas(-1));
        assertEquals("durableReplicas must be from 0 (acknowledge on the primary) to 16, got -1", e.getMessage());
    }
}
