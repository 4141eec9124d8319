package io.statestore.daemon.web.ops;

import io.statestore.client.UnavailableException;
import io.statestore.client.spi.RedisFailures;
import io.statestore.daemon.web.WebError;
import io.statestore.daemon.web.WebHandler;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Wraps a handler so that Redis being away is a 503 with our message (the page shows it and
 * tries again), not a 500 with a stack trace.
 */
public final class Unavailable {
    private Unavailable() {}

    public static WebHandler as503(WebHandler handler) {
        return request -> {
            try {
                return handler.handle(request);
            } catch (UnavailableException e) {
                throw new WebError(503, e.getMessage());
            } catch (JedisConnectionException e) {
                throw new WebError(503, "cannot reach Redis: " + RedisFailures.describe(e));
            }
        };
    }
}
