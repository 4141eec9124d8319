package io.statestore.daemon.status;

import io.statestore.client.EventBus;
import io.statestore.client.events.GroupStats;
import io.statestore.client.events.StreamStats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Event-bus figures on {@code /metrics}, from {@link EventBus#info()} at scrape time. One
 * {@code info()} call serves all families of a scrape (and scrapes within {@code cacheFor}):
 * <ul>
 * <li>{@code statestore_events_stream_length{stream,kind,type}}</li>
 * <li>{@code statestore_events_group_consumers{stream,group}}</li>
 * <li>{@code statestore_events_group_pending{stream,group}}</li>
 * <li>{@code statestore_events_group_lag{stream,group}} (NaN when Redis cannot tell)</li>
 * <li>{@code statestore_events_group_oldest_pending_age_seconds{stream,group}} (0 when nothing is pending)</li>
 * </ul>
 * {@code stream} is the Redis key, {@code kind} is {@code type}, {@code all} or {@code dlq}.
 */
public final class EventBusMetrics {
    private final EventBus bus;
    private final long cacheNanos;
    private List<StreamStats> cached;
    private RuntimeException failed;
    private long cachedAt;

    public EventBusMetrics(EventBus bus, Duration cacheFor) {
        this.bus = bus;
        this.cacheNanos = cacheFor.toNanos();
    }

    /** Registers the families on {@code metrics}. */
    public void register(Metrics metrics) {
        metrics.gaugeFamily(
                "statestore_events_stream_length",
                "Entries in each event-bus stream",
                () -> perStream(s -> (double) s.length()));
        metrics.gaugeFamily(
                "statestore_events_group_consumers",
                "Consumers of each consumer group",
                () -> perGroup(g -> (double) g.consumers()));
        metrics.gaugeFamily(
                "statestore_events_group_pending",
                "Entries delivered to the group and not yet acknowledged",
                () -> perGroup(g -> (double) g.pending()));
        metrics.gaugeFamily(
                "statestore_events_group_lag",
                "Entries not yet delivered to the group (NaN: Redis cannot tell)",
                () -> perGroup(g -> g.lag() < 0 ? Double.NaN : (double) g.lag()));
        metrics.gaugeFamily(
                "statestore_events_group_oldest_pending_age_seconds",
                "Age of the group's oldest pending entry (0 when none is pending)",
                () -> perGroup(
                        g -> g.pending() == 0 ? 0.0 : g.oldestPendingAge().toMillis() / 1000.0));
    }

    /** The figures, at most {@code cacheFor} old. */
    public synchronized List<StreamStats> snapshot() {
        long now = System.nanoTime();
        if ((cached == null && failed == null) || now - cachedAt >= cacheNanos) {
            cachedAt = now;
            try {
                cached = bus.info();
                failed = null;
            } catch (RuntimeException e) {
                // remembered too, so that one scrape with Redis down waits on Redis once, not once per family
                cached = null;
                failed = e;
            }
        }
        if (failed != null) {
            throw failed;
        }
        return cached;
    }

    private Map<String, Double> perStream(Function<StreamStats, Double> value) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (StreamStats s : snapshot()) {
            out.put(Metrics.labels("stream", s.key(), "kind", s.kind(), "type", s.type()), value.apply(s));
        }
        return out;
    }

    private Map<String, Double> perGroup(Function<GroupStats, Double> value) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (StreamStats s : snapshot()) {
            for (GroupStats g : s.groups()) {
                out.put(Metrics.labels("stream", s.key(), "group", g.name()), value.apply(g));
            }
        }
        return out;
    }
}
