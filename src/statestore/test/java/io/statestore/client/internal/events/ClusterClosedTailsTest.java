package io.statestore.client.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.events.Subscription;
import io.statestore.testing.RedisClusterExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * As {@link ClosedWorkersTest} for the global tail of a cluster, which the bus holds apart from
 * its loops (to close it with the bus): a long-lived bus that opens and closes global tails
 * keeps none of the closed ones.
 */
class ClusterClosedTailsTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    @Test
    void closedGlobalTailsAreForgotten() {
        try (DefaultEventBus bus =
                (DefaultEventBus) EventBuses.open(StateStoreOptions.of(cluster.uri()), EventBusOptions.DEFAULT)) {
            bus.publish("closedtails.a", "test", Map.of("n", 1));
            for (int i = 0; i < 5; i++) {
                Subscription t = bus.tail("", "$", e -> {});
                assertTrue(t.isRunning());
                t.close();
            }
            Subscription open = bus.tail("", "$", e -> {});
            assertEquals(1, bus.heldShardedTails(), "closed global tails are still held by the bus");
            open.close();
            assertEquals(0, bus.openWorkers());
        }
    }
}
