package io.statestore.client.internal.events;

import io.statestore.client.EventBus;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.spi.RedisGateway;

/** Opens stand-alone event buses: own connections, nothing sent to Redis until first used. */
public final class EventBuses {
    private EventBuses() {}

    public static EventBus open(StateStoreOptions store, EventBusOptions options) {
        StateStoreOptions o = store;
        if (options.spool().isPresent() && options.publishTimeout().compareTo(store.timeout()) < 0) {
            o = withTimeout(store, options.publishTimeout());
        }
        RedisGateway redis = options.spool().isPresent()
                ? RedisGateway.forSpoolingPublisher(o, options.publishTimeout())
                : new RedisGateway(o);
        try {
            return new DefaultEventBus(redis, store.keyPrefix(), options, redis::close);
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    /** A copy of {@code o} with another timeout: a publish with a spool waits at most this for Redis. */
    static StateStoreOptions withTimeout(StateStoreOptions o, java.time.Duration timeout) {
        return o.toBuilder().timeout(timeout).build();
    }
}
