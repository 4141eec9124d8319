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

    List<StreamStats> info(List<String> types) {
        return redis.call(
                j -> {
                    long now = now(j);
                    List<StreamStats> out = new ArrayList<>();
                    for (String t : types) {
                        out.add(stream(j, "type", t, keys.stream(t), now));
                    }
                    out.add(stream(j, "all", "", keys.all(), now));
                    for (String t : types) {
                        String dlq = keys.dlq(t);
                        if (j.exists(dlq)) {
                            out.add(stream(j, "dlq", t, dlq, now));
                        }
                    }
                    return out;
                },
                null,
                false);
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
        return redis.call(
                j -> {
                    List<PendingEntry> out = new ArrayList<>();
                    List<String> streams = new ArrayList<>();
                    for (String t : types) {
                        streams.add(keys.stream(t));
                    }
                    streams.add(keys.all());
                    for (String key : streams) {
                        if (!j.exists(key)
                                || j.xinfoGroups(key).stream()
                                        .noneMatch(g -> g.getName().equals(group))) {
                            continue;
                        }
                        for (StreamPendingEntry p :
                                j.xpending(key, group, XPendingParams.xPendingParams("-", "+", limit))) {
                            out.add(new PendingEntry(
                                    key,
                                    p.getID().toString(),
                                    p.getConsumerName(),
                                    Duration.ofMillis(p.getIdleTime()),
                                    p.getDeliveredTimes()));
                        }
                    }
                    return out;
                },
                group,
                false);
    }
}
