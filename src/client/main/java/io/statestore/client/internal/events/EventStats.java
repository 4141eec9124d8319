package io.statestore.client.internal.events;

import io.statestore.client.events.GroupStats;
import io.statestore.client.events.PendingEntry;
import io.statestore.client.events.StreamStats;
import io.statestore.client.spi.RedisGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamPendingEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

/** Figures of the event streams: length, first/last ID, and per group pending, lag, oldest pending age. */
final class EventStats {
    private final RedisGateway redis;
    private final EventKeys keys;

    EventStats(RedisGateway redis, EventKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    long serverTimeMillis() {
        return redis.call(EventStats::now, null, false);
    }

    private static long now(Jedis j) {
        List<String> t = j.time();
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    /**
     * One call per stream, routed by its key: on a cluster the streams of different types are on
     * different primaries (there, "all" is listed once per type, each shard with its type).
     */
    List<StreamStats> info(List<String> types) {
        List<StreamStats> out = new ArrayList<>();
        for (String t : types) {
            out.add(stats("type", t, keys.stream(t)));
        }
        if (keys.cluster()) {
            for (String t : types) {
                out.add(stats("all", t, keys.all(t)));
            }
        } else {
            out.add(stats("all", "", keys.all()));
        }
        for (String t : types) {
            String dlq = keys.dlq(t);
            if (exists(dlq)) {
                out.add(stats("dlq", t, dlq));
            }
        }
        return out;
    }

    private boolean exists(String key) {
        return redis.call(j -> j.exists(key), key, false);
    }

    private StreamStats stats(String kind, String type, String key) {
        return redis.call(j -> stream(j, kind, type, key, now(j)), key, false);
    }

    /** Every stream a group may be on: the type streams, and the global stream (on a cluster, each shard). */
    List<String> groupStreams(List<String> types) {
        List<String> streams = new ArrayList<>();
        for (String t : types) {
            streams.add(keys.stream(t));
        }
        if (keys.cluster()) {
            for (String t : types) {
                streams.add(keys.all(t));
            }
        } else {
            streams.add(keys.all());
        }
        return streams;
    }

    private static StreamStats stream(Jedis j, String kind, String type, String key, long now) {
        if (!j.exists(key)) {
            return new StreamStats(kind, type, key, 0, "", "", List.of());
        }
        long len = j.xlen(key);
        List<StreamEntry> first = j.xrange(key, "-", "+", 1);
        List<StreamEntry> last = j.xrevrange(key, "+", "-", 1);
        List<GroupStats> groups = new ArrayList<>();
        for (StreamGroupInfo g : j.xinfoGroups(key)) {
            Object lag = g.getGroupInfo().get("lag");
            Duration oldest = Duration.ZERO;
            if (g.getPending() > 0) {
                StreamPendingSummary s = j.xpending(key, g.getName());
                if (s.getMinId() != null) {
                    oldest = Duration.ofMillis(Math.max(0, now - s.getMinId().getTime()));
                }
            }
            groups.add(new GroupStats(
                    g.getName(),
                    g.getConsumers(),
                    g.getPending(),
                    lag instanceof Long l ? l : -1,
                    String.valueOf(g.getLastDeliveredId()),
                    oldest));
        }
        return new StreamStats(
                kind,
                type,
                key,
                len,
                first.isEmpty() ? "" : first.get(0).getID().toString(),
                last.isEmpty() ? "" : last.get(0).getID().toString(),
                groups);
    }

    List<PendingEntry> pending(List<String> types, String group, int limit) {
        List<PendingEntry> out = new ArrayList<>();
        for (String key : groupStreams(types)) {
            out.addAll(redis.call(j -> pendingOf(j, key, group, limit), key, false));
        }
        return out;
    }

    private static List<PendingEntry> pendingOf(Jedis j, String key, String group, int limit) {
        List<PendingEntry> out = new ArrayList<>();
        if (!j.exists(key)
                || j.xinfoGroups(key).stream().noneMatch(g -> g.getName().equals(group))) {
            return out;
        }
        for (StreamPendingEntry p : j.xpending(key, group, XPendingParams.xPendingParams("-", "+", limit))) {
            out.add(new PendingEntry(
                    key,
                    p.getID().toString(),
                    p.getConsumerName(),
                    Duration.ofMillis(p.getIdleTime()),
                    p.getDeliveredTimes()));
        }
        return out;
    }
}
