package io.statestore.daemon.expiry;

import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.redis.Shard;
import io.statestore.daemon.sweep.Reaper;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;

/**
 * The expiry listener on a Redis Cluster: keyspace notifications are sent by the node where a
 * key expires, so there is one {@link ExpiryListener} per primary. Every 2 s the primaries are
 * looked up again: a new one (added, or a replica promoted by a failover) gets a listener, and
 * the listener of a node that is no longer a serving primary is closed. Expiries missed in
 * between (a failover) are reaped by the next sweep, as on one server.
 */
public final class ClusterExpiry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterExpiry.class);

    private final RedisAdmin redis;
    private final Reaper reaper;
    private final Map<HostAndPort, ExpiryListener> listeners = new ConcurrentHashMap<>();
    private long reapedByClosed;
    private final ScheduledExecutorService follow = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cluster-expiry-follow");
        t.setDaemon(true);
        return t;
    });

    public ClusterExpiry(RedisAdmin redis, Reaper reaper) {
        this.redis = redis;
        this.reaper = reaper;
    }

    public void start() {
        follow.scheduleWithFixedDelay(this::followPrimaries, 0, 2, TimeUnit.SECONDS);
    }

    private synchronized void followPrimaries() {
        try {
            Set<HostAndPort> now = new HashSet<>();
            for (Shard s : redis.shards()) {
                now.add(s.address());
            }
            for (HostAndPort gone : Set.copyOf(listeners.keySet())) {
                if (!now.contains(gone)) {
                    ExpiryListener l = listeners.remove(gone);
                    reapedByClosed += l.reaped();
                    l.close();
                    LOG.info("expiry listener: {} no longer serves slots; stopped listening there", gone);
                }
            }
            for (HostAndPort primary : now) {
                listeners.computeIfAbsent(primary, p -> {
                    ExpiryListener l = new ExpiryListener(redis, reaper, p);
                    l.start();
                    return l;
                });
            }
        } catch (RuntimeException e) {
            LOG.debug("expiry listener: looking up the primaries failed: {}", e.getMessage());
        }
    }

    /** Tombstones written by the listeners (of primaries past and present). */
    public synchronized long reaped() {
        return reapedByClosed
                + listeners.values().stream().mapToLong(ExpiryListener::reaped).sum();
    }

    /** The primaries listened to now. */
    public Set<HostAndPort> listening() {
        return Set.copyOf(listeners.keySet());
    }

    @Override
    public synchronized void close() {
        follow.shutdownNow();
        listeners.values().forEach(ExpiryListener::close);
        listeners.clear();
    }
}
