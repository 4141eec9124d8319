package io.statestore.daemon.series;

import io.statestore.client.EventBus;
import io.statestore.client.events.GroupStats;
import io.statestore.client.events.StreamStats;
import io.statestore.daemon.redis.RedisAdmin;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.resps.StreamGroupInfo;

/**
 * The daemon's own figures for the built-in series: counters (turned into rates per second by the
 * sampler) and gauges. A figure Redis cannot give right now is left out, not guessed.
 */
public final class DaemonFigures {
    public static final String CHANGES = "daemon:changes_per_s";
    public static final String PUBLISHED = "daemon:events_published_per_s";
    public static final String CONSUMED = "daemon:events_consumed_per_s";
    public static final String LAG = "daemon:events_lag";
    public static final String PENDING = "daemon:events_pending";
    public static final String MEMORY = "daemon:redis_used_memory_bytes";

    /** What each built-in series measures (the {@code ts ls} description). */
    public static final Map<String, String> DESCRIPTIONS = Map.of(
            CHANGES, "daemon: changes committed to the feed per second",
            PUBLISHED, "daemon: events published per second (all types)",
            CONSUMED, "daemon: events acknowledged by consumer groups per second",
            LAG, "daemon: events not yet delivered to their consumer groups",
            PENDING, "daemon: events delivered and not yet acknowledged",
            MEMORY, "daemon: Redis used_memory in bytes");

    private final RedisAdmin redis;
    private final EventBus events;
    private final String feedKey;

    public DaemonFigures(RedisAdmin redis, EventBus events, String prefix) {
        this.redis = redis;
        this.events = events;
        this.feedKey = prefix + "feed";
    }

    /** Counters: series name → running total. */
    public Map<String, Double> counters() {
        Map<String, Double> out = new LinkedHashMap<>();
        Long changes = entriesAdded(feedKey);
        out.put(CHANGES, changes == null ? 0.0 : changes); // no feed yet: nothing committed
        double published = 0;
        double consumed = 0;
        for (StreamStats s : events.info()) {
            if (!"type".equals(s.kind())) {
                continue;
            }
            Long added = entriesAdded(s.key());
            published += added == null ? 0 : added;
            for (StreamGroupInfo g : redis.with(j -> j.xinfoGroups(s.key()))) {
                Object read = g.getGroupInfo().get("entries-read");
                if (read instanceof Number n) {
                    consumed += n.doubleValue() - g.getPending();
                }
            }
        }
        out.put(PUBLISHED, published);
        out.put(CONSUMED, consumed);
        return out;
    }

    /** Gauges: series name → current value. */
    public Map<String, Double> gauges() {
        Map<String, Double> out = new LinkedHashMap<>();
        long lag = 0;
        long pending = 0;
        for (StreamStats s : events.info()) {
            for (GroupStats g : s.groups()) {
                lag += Math.max(0, g.lag());
                pending += g.pending();
            }
        }
        out.put(LAG, (double) lag);
        out.put(PENDING, (double) pending);
        String info = redis.with(j -> j.info("memory"));
        info.lines()
                .filter(l -> l.startsWith("used_memory:"))
                .findFirst()
                .ifPresent(l -> out.put(
                        MEMORY,
                        Double.parseDouble(l.substring("used_memory:".length()).strip())));
        return out;
    }

    private Long entriesAdded(String key) {
        try {
            Object v = redis.with(j -> j.xinfoStream(key).getStreamInfo().get("entries-added"));
            return v instanceof Number n ? n.longValue() : null;
        } catch (redis.clients.jedis.exceptions.JedisDataException noSuchStream) {
            return null;
        }
    }
}
