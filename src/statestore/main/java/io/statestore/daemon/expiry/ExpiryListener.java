package io.statestore.daemon.expiry;

import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.sweep.Reaper;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Turns {@code __keyevent@<db>__:expired} notifications into tombstones ({@code ss_reap}),
 * reconnecting when the connection drops, and moving to the new primary after a Sentinel
 * failover (the old one stays up as a replica, where keys do not expire on their own, so the
 * subscription would go quiet without dropping). Expiries missed meanwhile are caught by the sweep.
 */
public final class ExpiryListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExpiryListener.class);
    private final RedisAdmin redis;
    private final Reaper reaper;
    private final HostAndPort node; // null: the server, or the Sentinels' current primary
    private final AtomicLong reaped = new AtomicLong();
    private volatile boolean closed;
    private volatile JedisPubSub current;
    private volatile HostAndPort subscribedTo;
    private Thread thread;
    private ScheduledExecutorService watch;
    private boolean warnedConfig;

    public ExpiryListener(RedisAdmin redis, Reaper reaper) {
        this(redis, reaper, null);
    }

    /** A listener on one primary of a cluster (keyspace notifications are per node); {@link ClusterExpiry} keeps one per primary. */
    public ExpiryListener(RedisAdmin redis, Reaper reaper, HostAndPort node) {
        this.redis = redis;
        this.reaper = reaper;
        this.node = node;
    }

    public long reaped() {
        return reaped.get();
    }

    public void start() {
        thread = new Thread(this::run, "expiry-listener");
        thread.setDaemon(true);
        thread.start();
        watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "expiry-listener-watch");
            t.setDaemon(true);
            return t;
        });
        if (node == null) {
            watch.scheduleWithFixedDelay(this::followPrimary, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Ends the subscription when the primary moved; the loop then subscribes at the new one. */
    private void followPrimary() {
        try {
            HostAndPort at = subscribedTo;
            JedisPubSub sub = current;
            if (at != null && sub != null && sub.isSubscribed() && !at.equals(redis.address())) {
                LOG.info("primary moved from {} to {}: subscribing to expiries there", at, redis.address());
                sub.unsubscribe();
            }
        } catch (RuntimeException e) {
            LOG.debug("expiry listener watch: {}", e.getMessage());
        }
    }

    // A server's own setting, so it is applied on the very connection that then subscribes: on
    // whichever server is the primary now, even while a failover is still being noticed.
    private void enableNotifications(Jedis j) {
        try {
            String now = j.configGet("notify-keyspace-events").getOrDefault("notify-keyspace-events", "");
            if (!(now.contains("E") && (now.contains("x") || now.contains("A")))) {
                j.configSet("notify-keyspace-events", now + (now.contains("E") ? "" : "E") + "x");
            }
        } catch (JedisConnectionException e) {
            throw e; // the loop reconnects
        } catch (RuntimeException e) {
            if (!warnedConfig) {
                warnedConfig = true;
                LOG.warn(
                        "cannot enable expiry notifications (notify-keyspace-events Ex): {}; the sweep will reap expired documents",
                        e.getMessage());
            }
        }
    }

    private void run() {
        String channel = "__keyevent@" + redis.database() + "__:expired";
        long backoff = 200;
        while (!closed) {
            try (Jedis j = node == null ? redis.dedicated(0) : redis.dedicated(node, 0)) {
                enableNotifications(j);
                HostAndPort at = j.getConnection().getHostAndPort();
                JedisPubSub sub = new JedisPubSub() {
                    @Override
                    public void onMessage(String ch, String key) {
                        try {
                            if (reaper.reap(key)) {
                                reaped.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            LOG.warn("reaping expired {} failed: {}", key, e.getMessage());
                        }
                    }
                };
                current = sub;
                subscribedTo = at;
                backoff = 200;
                j.subscribe(sub, channel);
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn(
                        "expiry listener disconnected: {}; reconnecting",
                        io.statestore.client.spi.RedisFailures.describe(e));
                LOG.debug("expiry listener failure", e);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        JedisPubSub sub = current;
        if (sub != null && sub.isSubscribed()) {
            try {
                sub.unsubscribe();
            } catch (RuntimeException ignored) {
                // connection already gone
            }
        }
        if (watch != null) {
            watch.shutdownNow();
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}
