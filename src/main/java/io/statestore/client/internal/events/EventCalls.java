package io.statestore.client.internal.events;

import io.statestore.client.InvalidInputException;
import io.statestore.client.internal.FunctionLibrary;
import io.statestore.client.internal.RedisGateway;
import java.util.List;

/**
 * Calls of the {@code statestore_events} functions. The library is installed on first use and
 * again if the server lost it (a restart without persistence), so a bus can be created while
 * Redis is down.
 */
final class EventCalls {
    private final RedisGateway redis;
    private volatile boolean installed;

    EventCalls(RedisGateway redis, boolean installed) {
        this.redis = redis;
        this.installed = installed;
    }

    RedisGateway redis() {
        return redis;
    }

    Object fcall(String function, List<String> keys, List<String> args, String subject) {
        ensureInstalled();
        try {
            return redis.fcall(function, keys, args, subject);
        } catch (InvalidInputException e) {
            if (e.getMessage() == null || !e.getMessage().contains("Function not found")) {
                throw e;
            }
            installed = false;
            ensureInstalled();
            return redis.fcall(function, keys, args, subject);
        }
    }

    void ensureInstalled() {
        if (!installed) {
            synchronized (this) {
                if (!installed) {
                    FunctionLibrary.events().install(redis);
                    installed = true;
                }
            }
        }
    }

    static String text(Object reply) {
        if (reply == null) {
            return null;
        }
        if (reply instanceof byte[] b) {
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }
        return reply.toString();
    }
}
