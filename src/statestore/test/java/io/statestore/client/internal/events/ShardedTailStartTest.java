package io.statestore.client.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.spi.RedisGateway;
import io.statestore.testing.RedisClusterExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A global tail on a cluster whose handler fails while the tail is still starting (it follows
 * each known type's shard in turn, resolving where each starts, before it looks for new types).
 */
class ShardedTailStartTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    /**
     * The failing shard's close() ran before the look for new types was made: it failed on it
     * (a NullPointerException in place of the handler's failure), and the look was then
     * scheduled anyway, a thread of a tail that had already ended.
     */
    @Test
    void aHandlerThatFailsBeforeTheTailHasStartedLeavesNoThreadBehind() throws Exception {
        StateStoreOptions options = StateStoreOptions.of(cluster.uri());
        try (RedisGateway redis = new RedisGateway(options)) {
            DefaultEventBus bus = new DefaultEventBus(redis, options.keyPrefix(), EventBusOptions.DEFAULT, null);
            EventKeys keys = new EventKeys(options.keyPrefix(), true);
            bus.publish("starting.a", "test", Map.of("n", 1));
            String first = keys.all("starting.a");
            CountDownLatch failed = new CountDownLatch(1);
            int lookersBefore = threadsNamed("statestore-tail-types");
            ShardedTail tail = new ShardedTail(
                    redis,
                    new Workers(),
                    keys,
                    () -> List.of("starting.a", "starting.b"),
                    shard -> {
                        if (!shard.equals(first)) { // the second shard starts once the first has failed and ended
                            awaitEnded(failed, "statestore-tail-" + first);
                        }
                        return "0";
                    },
                    e -> {
                        failed.countDown();
                        throw new IllegalStateException("refused by the test");
                    });
            try {
                assertFalse(tail.isRunning());
                assertEquals(
                        lookersBefore,
                        threadsNamed("statestore-tail-types"),
                        "the ended tail still looks for new types");
            } finally {
                tail.close();
            }
        }
    }

    private static void awaitEnded(CountDownLatch failed, String loop) {
        try {
            assertTrue(failed.await(10, TimeUnit.SECONDS), "the handler was never called");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (threadsNamed(loop) > 0) {
                assertTrue(System.nanoTime() < deadline, loop + " did not end on its handler's failure");
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int threadsNamed(String name) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name) && t.isAlive())
                .count();
    }
}
