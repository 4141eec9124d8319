package io.statestore.client.internal.events;

import io.statestore.client.events.Event;
import io.statestore.client.events.EventHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The turn of one handler shared by several loops (a cluster's global tail: a loop per type's
 * shard; a consumer of several types on a cluster: a loop per type's slot), so that it is called
 * for one event at a time, as one loop would call it.
 *
 * <p>A loop waiting for its turn gives up once the subscription is closed. A handler may close its
 * own subscription, and it then holds the turn while close() waits for the other loops to end; a
 * loop that waited on a plain lock never ended, and both hung.
 */
final class HandlerTurn {
    /** How often a loop waiting for its turn looks whether the subscription was closed meanwhile. */
    static final long POLL_MS = 50;

    private final ReentrantLock lock = new ReentrantLock();

    /** Waits for the turn; false, without it, once {@code closed} says the subscription is closed. */
    boolean take(BooleanSupplier closed) throws InterruptedException {
        while (!lock.tryLock(POLL_MS, TimeUnit.MILLISECONDS)) {
            if (closed.getAsBoolean()) {
                return false;
            }
        }
        return true;
    }

    void release() {
        lock.unlock();
    }

    /**
     * The handler of a consumer's loops. A loop that gives up ends with its event unacknowledged
     * (an InterruptedException, which ConsumerLoop rethrows, not a failed delivery that would count
     * towards dead-lettering), so the event stays pending and is delivered again, as after any
     * consumer stops.
     */
    static EventHandler serialized(EventHandler handler, BooleanSupplier closed) {
        HandlerTurn turn = new HandlerTurn();
        return (Event e) -> {
            if (!turn.take(closed)) {
                throw new InterruptedException(
                        "the subscription was closed while this event waited for the handler; it stays pending");
            }
            try {
                handler.handle(e);
            } finally {
                turn.release();
            }
        };
    }
}
