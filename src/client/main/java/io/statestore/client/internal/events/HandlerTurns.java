package io.statestore.client.internal.events;

import io.statestore.client.events.Event;
import io.statestore.client.events.EventHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One handler shared by several loops (a consumer of several types on a cluster: a loop per
 * type's slot), called for one event at a time, as one loop would call it.
 *
 * <p>A loop waiting for its turn gives up once the subscription is closed. A handler may close its
 * own subscription, and it then holds the turn while close() waits for the other loops to end; a
 * loop that waited on a plain lock never ended, and both hung (the global tail had the same
 * fault, {@link ShardedTail}). The loop that gives up ends with its event unacknowledged, so
 * the event stays pending and is delivered again, as after any consumer stops.
 */
final class HandlerTurns {
    static final long POLL_MS = 50;

    private HandlerTurns() {}

    static EventHandler serialized(EventHandler handler, BooleanSupplier closed) {
        ReentrantLock turn = new ReentrantLock();
        return (Event e) -> {
            awaitTurn(turn, closed);
            try {
                handler.handle(e);
            } finally {
                turn.unlock();
            }
        };
    }

    private static void awaitTurn(ReentrantLock turn, BooleanSupplier closed) throws InterruptedException {
        while (!turn.tryLock(POLL_MS, TimeUnit.MILLISECONDS)) {
            if (closed.getAsBoolean()) {
                // ends the loop without acknowledging the event (ConsumerLoop rethrows it), not as
                // a failed delivery that would count towards dead-lettering
                throw new InterruptedException(
                        "the subscription was closed while this event waited for the handler; it stays pending");
            }
        }
    }
}
