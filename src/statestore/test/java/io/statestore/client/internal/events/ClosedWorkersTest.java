package io.statestore.client.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.ConsumeOptions;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.events.Subscription;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A long-lived bus that opens and closes consumers and tails keeps none of the ended ones. */
class ClosedWorkersTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private static final ConsumeOptions FAST =
            ConsumeOptions.builder().block(Duration.ofMillis(100)).build();

    @Test
    void closedConsumersAndTailsAreForgotten() {
        try (DefaultEventBus bus = open()) {
            for (int i = 0; i < 5; i++) {
                Subscription c = bus.consume(List.of("cw.tick"), "g", "c" + i, e -> {}, FAST);
                Subscription t = bus.tail("cw.tick", "$", e -> {});
                assertEquals(2, bus.openWorkers());
                c.close();
                t.close();
            }
            assertEquals(0, bus.openWorkers(), "closed consumers and tails are still held by the bus");
        }
    }

    @Test
    void aTailThatEndsByItselfIsForgotten() throws Exception {
        try (DefaultEventBus bus = open()) {
            bus.publish("cw.fail", "test", Map.of("n", 1));
            Subscription t = bus.tail("cw.fail", "0", e -> {
                throw new IllegalStateException("handler gives up");
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (t.isRunning() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(t.isRunning(), "the tail did not end on its failing handler");
            // isRunning() turns false as the loop stops, a moment before its thread lets go of it
            while (bus.openWorkers() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, bus.openWorkers(), "an ended tail is still held by the bus");
        }
    }

    @Test
    void closingTheBusEndsWhatIsStillRunning() {
        Subscription t;
        try (DefaultEventBus bus = open()) {
            t = bus.tail("cw.open", "$", e -> {});
            assertTrue(t.isRunning());
        }
        assertFalse(t.isRunning());
    }

    private static DefaultEventBus open() {
        return (DefaultEventBus) EventBuses.open(StateStoreOptions.of(redis.uri()), EventBusOptions.DEFAULT);
    }
}
