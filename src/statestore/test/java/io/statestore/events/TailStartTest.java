package io.statestore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.EventBus;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.client.events.Subscription;
import io.statestore.testing.RedisServerExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * tail(type, "$") means "what is published after this call returns": the position is fixed
 * before tail() returns, not later on the tail's own thread, where an event published in
 * between would be taken for an older one and skipped.
 */
class TailStartTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Test
    void anEventPublishedRightAfterTailFromNowIsDelivered() throws Exception {
        redis.flushAll();
        JsonNode data = StrictJson.parse("{\"n\":1}");
        try (StateStore store = redis.newStore()) {
            EventBus bus = store.events();
            bus.publish("tail.start", "test", data); // an older event, which "$" must not deliver
            for (int round = 0; round < 10; round++) {
                List<String> seen = new CopyOnWriteArrayList<>();
                CountDownLatch got = new CountDownLatch(1);
                try (Subscription s = bus.tail("tail.start", "$", e -> {
                    seen.add(e.id());
                    got.countDown();
                })) {
                    String id = bus.publish("tail.start", "test", data);
                    assertTrue(
                            got.await(10, TimeUnit.SECONDS),
                            "round " + round + ": the event published right after tail() never arrived");
                    assertEquals(
                            id,
                            seen.get(0),
                            "round " + round + ": the first event delivered is the one published after tail()");
                }
            }
        }
    }

    @Test
    void tailFromNowOnAStreamThatDoesNotExistYetDeliversItsFirstEvent() throws Exception {
        redis.flushAll();
        try (StateStore store = redis.newStore()) {
            EventBus bus = store.events();
            CountDownLatch got = new CountDownLatch(1);
            try (Subscription s = bus.tail("tail.fresh", "$", e -> got.countDown())) {
                bus.publish("tail.fresh", "test", StrictJson.parse("{}"));
                assertTrue(got.await(10, TimeUnit.SECONDS), "the first event of a new stream never arrived");
            }
        }
    }
}
