package io.statestore.daemon.expiry;

import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.sweep.Reaper;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Turns {@code __keyevent@<db>__:expired} notifications into tombstones ({@code ss_reap}),
 * reconnecting when the connection drops. Expiries missed while it was down are caught by
 * the sweep.
 */
public final class ExpiryListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExpiryListener.class);
    private final RedisAdmin redis;
    private final Reaper reaper;
    private final AtomicLong reaped = new AtomicLong();
    private volatile boolean closed;
    private volatile JedisPubSub current;
    private Thread thread;

    public ExpiryListener(RedisAdmin redis, Reaper reaper) {
        this.redis = redis;
        this.reaper = reaper;
    }

    public long reaped() {
        return reaped.get();
    }

    public void start() {
        try {
            redis.with(j -> {
                String now = j.configGet("notify-keyspace-events").getOrDefault("notify-keyspace-events", "");
                if (!(now.contains("E") && (now.contains("x") || now.contains("A")))) {
                    j.configSet("notify-keyspace-events", now + (now.contains("E") ? "" : "E") + "x");
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("cannot enable expiry notifications (notify-keyspace-events Ex): {}; the sweep will reap expired documents", e.getMessage());
        }
        thread = new Thread(this::run, "expiry-listener");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        String channel = "__keyevent@" + redis.database() + "__:expired";
        long backoff = 200;
        while (!closed) {
            try (Jedis j = redis.dedicated(0)) {
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
                backoff = 200;
                j.subscribe(sub, channel);
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("expiry listener disconnected: {}; reconnecting", e.getMessage());
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
        if (thread != null) {
            thread.interrupt();
        }
    }
}
