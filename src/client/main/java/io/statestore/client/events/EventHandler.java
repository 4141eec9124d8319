package io.statestore.client.events;

/**
 * Handles one event. Returning normally acknowledges it; throwing leaves it pending, to be
 * delivered again (to this or another consumer of the group) after the reclaim idle time, and
 * moved to the dead-letter stream once it has been delivered {@link ConsumeOptions#maxDeliveries()}
 * times. Delivery is at least once: make handlers idempotent, keyed by {@link Event#id()}.
 */
@FunctionalInterface
public interface EventHandler {
    void handle(Event event) throws Exception;
}
