package io.statestore.daemon.status;

import io.statestore.daemon.redis.RedisAdmin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * The daemon's view of what is wrong with its Redis, for {@code /health} and the log: the
 * embedded server down, Redis not answering, and {@link ServerHealth#problems()} (writes refused
 * for a disk error, out of memory, an eviction policy other than noeviction, which someone may
 * set at any time with {@code CONFIG SET}). {@link #check()} runs with every heartbeat and logs
 * each problem once when it appears (an error for the embedded server, a warning for an
 * external one) and once when it is gone.
 */
public final class HealthWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthWatch.class);

    private final RedisAdmin redis;
    private final boolean embedded;
    private final BooleanSupplier embeddedAlive;
    private static final int TIMEOUT_MS = 2000;
    private Map<String, String> logged = Map.of();
    private Jedis conn;

    /** {@code embeddedAlive}: whether the embedded server runs (always true for an external one). */
    public HealthWatch(RedisAdmin redis, boolean embedded, BooleanSupplier embeddedAlive) {
        this.redis = redis;
        this.embedded = embedded;
        this.embeddedAlive = embeddedAlive;
    }

    /** What is wrong now, one sentence each; empty when healthy. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (!embeddedAlive.getAsBoolean()) {
            out.add("the embedded redis-server is not running");
        }
        try {
            out.addAll(read().problems());
        } catch (RuntimeException e) {
            out.add("Redis does not answer: " + io.statestore.client.spi.RedisFailures.describe(e));
        }
        return out;
    }

    /**
     * Reads on a connection of its own, not the pool's: the pool checks a connection with PING,
     * which Redis refuses under MISCONF, and the cause would read as "Redis does not answer".
     */
    private synchronized ServerHealth read() {
        for (int attempt = 0; ; attempt++) {
            try {
                if (conn == null) {
                    conn = redis.dedicated(TIMEOUT_MS);
                }
                return ServerHealth.read(conn);
            } catch (RuntimeException e) {
                closeConnection();
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    private synchronized void closeConnection() {
        if (conn != null) {
            try {
                conn.close();
            } catch (RuntimeException ignored) {
                // a broken connection
            }
            conn = null;
        }
    }

    /** Closes its connection (daemon stop). */
    @Override
    public void close() {
        closeConnection();
    }

    /**
     * Logs the problems that appeared since the last check, and those that went away; a problem
     * whose figures changed (used memory) is the same problem.
     */
    public synchronized void check() {
        Map<String, String> now = new LinkedHashMap<>();
        problems().forEach(p -> now.put(sameProblem(p), p));
        now.forEach((kind, p) -> {
            if (!logged.containsKey(kind)) {
                if (embedded) {
                    LOG.error("Redis problem: {}", p);
                } else {
                    LOG.warn("Redis problem (external server, not changed by statestore): {}", p);
                }
            }
        });
        logged.forEach((kind, p) -> {
            if (!now.containsKey(kind)) {
                LOG.info("Redis problem gone: {}", p);
            }
        });
        logged = now;
    }

    private static String sameProblem(String problem) {
        return problem.replaceAll("[0-9][0-9.]*", "#");
    }
}
