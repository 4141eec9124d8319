package io.statestore.client.internal.events;

import io.statestore.client.events.Subscription;
import io.statestore.client.spi.RedisGateway;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A loop on its own thread and its own connection (consumers, tails, task followers). A lost
 * connection is replaced after a backoff; {@link #close()} stops the loop and waits for it.
 */
abstract class Worker implements Subscription, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private final RedisGateway redis;
    private final String name;
    /** The key this loop reads (null: several keys, a standalone server only): on a cluster its connection goes to that key's primary. */
    private final String routeKey;

    private volatile boolean running = true;
    private Thread thread;
    private Runnable onEnd = () -> {};

    Worker(RedisGateway redis, String name, String routeKey) {
        this.redis = redis;
        this.name = name;
        this.routeKey = routeKey;
    }

    /** Starts the loop; {@code onEnd} runs on its thread as the last thing it does. */
    final Worker start(Runnable onEnd) {
        this.onEnd = onEnd;
        thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** One round of work on the connection; returns false to end the loop. */
    abstract boolean step(Jedis conn) throws InterruptedException;

    /** Called when the loop ends on its own. */
    void finished() {}

    private Jedis dropped(Jedis conn) {
        closeQuietly(conn);
        return null;
    }

    @Override
    public final void run() {
        Jedis conn = null;
        int failures = 0;
        try {
            while (running) {
                try {
                    if (conn == null) {
                        conn = routeKey == null ? redis.dedicatedConnection() : redis.dedicatedConnection(routeKey);
                    }
                    if (!step(conn)) {
                        running = false;
                        finished();
                    } else if (!redis.isCurrent(conn)) {
                        // a Sentinel failover: the old primary stays up (and may even take writes) until
                        // Sentinel demotes it, so its connection does not break by itself
                        LOG.info("{}: the primary moved; reconnecting", name);
                        conn = dropped(conn);
                    }
                    failures = 0;
                } catch (JedisDataException e) {
                    if (RedisGateway.clusterRedirect(e)) {
                        // the key's slot moved (resharding, failover): the next connection goes to its new primary
                        LOG.debug("{}: {}; reconnecting", name, e.getMessage());
                        redis.slotsMoved();
                        conn = dropped(conn);
                    } else if (RedisGateway.refusedForNow(e)) {
                        // e.g. READONLY: this connection may be on a demoted primary; the next one goes to the current
                        // one
                        LOG.debug("{}: Redis cannot serve the call now ({}); reconnecting", name, e.getMessage());
                        conn = dropped(conn);
                    } else {
                        LOG.warn("{}: Redis refused a call: {}", name, e.getMessage());
                        onDataError(e);
                    }
                    failures++;
                    pause(failures);
                } catch (JedisException | io.statestore.client.UnavailableException e) {
                    if (running) {
                        LOG.debug("{}: Redis unavailable ({}); retrying", name, e.getMessage());
                    }
                    conn = dropped(conn);
                    failures++;
                    pause(failures);
                } catch (RuntimeException e) {
                    LOG.warn("{}: {}", name, io.statestore.client.spi.RedisFailures.describe(e));
                    LOG.debug("{} failure", name, e);
                    failures++;
                    pause(failures);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(conn);
            onEnd.run();
        }
    }

    /** A data error (e.g. NOGROUP after the server lost its data): subclasses may repair. */
    void onDataError(JedisDataException e) {}

    private void pause(int failures) throws InterruptedException {
        if (!running) {
            return;
        }
        long ceiling = Math.min(1000, 50L << Math.min(failures, 5));
        Thread.sleep(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }

    private static void closeQuietly(Jedis conn) {
        if (conn != null) {
            try {
                conn.close();
            } catch (RuntimeException ignored) {
                // a broken connection: nothing more to release
            }
        }
    }

    boolean running() {
        return running;
    }

    @Override
    public boolean isRunning() {
        return running && thread.isAlive();
    }

    @Override
    public void close() {
        running = false;
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
