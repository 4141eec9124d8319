package io.statestore.client.internal.events;

import io.statestore.client.events.Event;
import io.statestore.client.events.EventHandler;
import io.statestore.client.events.Subscription;
import io.statestore.client.spi.RedisGateway;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tail of the global stream on Redis Cluster, where it is one shard per type in that type's
 * slot: one {@link TailLoop} per shard (a blocking read names one slot), and every
 * {@link #DISCOVERY_MS} a look at the registry of types for types published since, whose shards
 * are followed from their start (a type is registered before its first event, so a shard found
 * later holds only events published after this tail began). The handler is called by one shard's
 * loop at a time, each shard's events in order.
 *
 * <p>A handler that fails ends the whole tail, as it ends the tail of one stream: no event of any
 * shard is handed to it after the failure, and {@link #isRunning()} turns false. (It used to end
 * that shard's loop alone, so the tail went on looking alive while one type's events were
 * silently no longer delivered.)
 */
final class ShardedTail implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedTail.class);
    static final long DISCOVERY_MS = 1000;

    private final RedisGateway redis;
    private final Workers workers;
    private final EventKeys keys;
    private final Supplier<List<String>> types;
    private final EventHandler handler;
    /** Held while the handler runs: one shard's event at a time. */
    private final HandlerTurn handling = new HandlerTurn();
    /** Set, holding {@link #handling}, when the handler failed: nothing more is handed to it. */
    private boolean handlerFailed;

    private final Map<String, Subscription> shards = new ConcurrentHashMap<>();
    private final ScheduledExecutorService discovery;
    private volatile boolean running = true;

    /**
     * @param startAfter where each shard known now starts: the ID after which its entries are delivered
     */
    ShardedTail(
            RedisGateway redis,
            Workers workers,
            EventKeys keys,
            Supplier<List<String>> types,
            Function<String, String> startAfter,
            EventHandler handler) {
        this.redis = redis;
        this.workers = workers;
        this.keys = keys;
        this.types = types;
        this.handler = handler;
        // made before the first shard starts: its handler may fail, and so close() the tail, at once
        discovery = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "statestore-tail-types");
            th.setDaemon(true);
            return th;
        });
        for (String t : types.get()) {
            follow(t, startAfter.apply(keys.all(t)));
        }
        synchronized (this) { // not for a tail that has already ended
            if (running) {
                discovery.scheduleWithFixedDelay(this::discover, DISCOVERY_MS, DISCOVERY_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * What each shard's loop calls: the handler, one event at a time. A failure is rethrown, so
     * the failing shard's loop ends as a tail's does, and ends the other shards; their events
     * after it are refused here, which ends their loops too. After a close nothing is handed on.
     */
    private void deliver(Event e) throws Exception {
        if (!handling.take(() -> !running)) {
            return; // closed while this shard waited: its loop is being stopped
        }
        boolean failedNow = false;
        try {
            if (handlerFailed) {
                throw new TailEndedException();
            }
            if (!running) {
                return;
            }
            try {
                handler.handle(e);
            } catch (Exception | Error failure) {
                handlerFailed = true;
                failedNow = true;
                throw failure;
            }
        } finally {
            handling.release();
            if (failedNow) {
                close(); // from a shard's own thread: its loop is not joined, the others are
            }
        }
    }

    /** Refuses an event that arrived after the handler failed on another shard's event. */
    private static final class TailEndedException extends Exception {
        TailEndedException() {
            super(
                    "the tail of the global stream has ended: its handler failed on another type's event",
                    null,
                    false,
                    false);
        }
    }

    private void discover() {
        try {
            for (String t : types.get()) {
                if (running && !shards.containsKey(t)) {
                    follow(t, "0");
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("tail of the global stream: reading the types failed ({}); trying again", e.getMessage());
        }
    }

    private synchronized void follow(String type, String after) {
        if (running && !shards.containsKey(type)) {
            shards.put(type, workers.start(new TailLoop(redis, keys.all(type), after, this::deliver)));
        }
    }

    @Override
    public boolean isRunning() {
        return running && (shards.isEmpty() || shards.values().stream().anyMatch(Subscription::isRunning));
    }

    @Override
    public void close() {
        synchronized (this) {
            running = false;
        }
        discovery.shutdownNow();
        for (Subscription s : shards.values()) {
            s.close();
        }
    }
}
