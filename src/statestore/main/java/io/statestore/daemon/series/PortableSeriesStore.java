package io.statestore.daemon.series;

import io.statestore.daemon.redis.RedisAdmin;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import redis.clients.jedis.Transaction;

/**
 * Series on stock Redis or Valkey: a sorted set of raw samples (score = time, member =
 * {@code time:value}) and a sorted set of minute buckets (score = minute start, member =
 * {@code start:sum:count:min:max}), trimmed and downsampled by {@link #maintain} as of the clock.
 * The member starts with its time so that two equal values at different times are two members.
 */
public final class PortableSeriesStore implements SeriesStore {
    private final RedisAdmin redis;
    private final SeriesKeys keys;
    private final Retention retention;
    private final Clock clock;

    public PortableSeriesStore(RedisAdmin redis, SeriesKeys keys, Retention retention, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public String layout() {
        return "portable";
    }

    @Override
    public void register(String name, String description) {
        SeriesKeys.checkName(name);
        redis.with(j -> j.hset(keys.index(), name, description));
    }

    @Override
    public Map<String, String> series() {
        Map<String, String> all = redis.with(j -> j.hgetAll(keys.index()));
        return new TreeMap<>(all);
    }

    @Override
    public void add(String name, long time, double value) {
        String raw = keys.raw(name);
        redis.with(j -> {
            Transaction t = j.multi();
            t.zremrangeByScore(raw, time, time);
            t.zadd(raw, time, time + ":" + Numbers.text(value));
            return t.exec();
        });
    }

    @Override
    public List<Point> raw(String name, long from, long to) {
        List<String> members = redis.with(j -> j.zrangeByScore(keys.raw(name), from, to));
        List<Point> out = new ArrayList<>(members.size());
        for (String m : members) {
            int colon = m.indexOf(':');
            out.add(new Point(Long.parseLong(m.substring(0, colon)), Double.parseDouble(m.substring(colon + 1))));
        }
        return out;
    }

    @Override
    public List<Partial> minutes(String name, long from, long to) {
        List<String> members = redis.with(j -> j.zrangeByScore(keys.minute(name), from, to));
        List<Partial> out = new ArrayList<>(members.size());
        for (String m : members) {
            String[] f = m.split(":");
            out.add(new Partial(
                    Long.parseLong(f[0]),
                    Double.parseDouble(f[1]),
                    Long.parseLong(f[2]),
                    Double.parseDouble(f[3]),
                    Double.parseDouble(f[4])));
        }
        return out;
    }

    @Override
    public java.util.Optional<Point> latest(String name) {
        List<String> last = redis.with(j -> j.zrange(keys.raw(name), -1, -1));
        if (last.isEmpty()) {
            return java.util.Optional.empty();
        }
        String m = last.get(0);
        int colon = m.indexOf(':');
        return java.util.Optional.of(
                new Point(Long.parseLong(m.substring(0, colon)), Double.parseDouble(m.substring(colon + 1))));
    }

    @Override
    public long skipped(String name) {
        String n = redis.with(j -> j.hget(keys.skipped(), name));
        return n == null ? 0 : Long.parseLong(n);
    }

    @Override
    public OptionalLong oldestRaw(String name) {
        List<redis.clients.jedis.resps.Tuple> first = redis.with(j -> j.zrangeWithScores(keys.raw(name), 0, 0));
        return first.isEmpty()
                ? OptionalLong.empty()
                : OptionalLong.of((long) first.get(0).getScore());
    }

    @Override
    public void maintain(String name) {
        long now = clock.millis();
        long open = Retention.minuteOf(now);
        downsample(name, open);
        // trimmed at minute boundaries so the oldest raw minute is whole: SeriesReader relies on that
        long rawCut = Retention.minuteOf(now - retention.raw().toMillis());
        long minuteCut = Retention.minuteOf(now - retention.minute().toMillis());
        redis.with(j -> {
            Transaction t = j.multi();
            t.zremrangeByScore(keys.raw(name), "-inf", "(" + rawCut);
            t.zremrangeByScore(keys.minute(name), "-inf", "(" + minuteCut);
            return t.exec();
        });
    }

    /** Folds the raw samples of every closed minute not yet folded into minute buckets. */
    private void downsample(String name, long open) {
        String meta = keys.meta(name);
        String next = redis.with(j -> j.hget(meta, "next"));
        long from;
        if (next != null) {
            from = Long.parseLong(next);
        } else {
            OptionalLong oldest = oldestRaw(name);
            if (oldest.isEmpty()) {
                return;
            }
            from = Retention.minuteOf(oldest.getAsLong());
        }
        if (from >= open) {
            return;
        }
        TreeMap<Long, Partial> buckets = new TreeMap<>();
        for (Point p : raw(name, from, open - 1)) {
            long m = Retention.minuteOf(p.time());
            Partial one = Partial.of(p);
            buckets.merge(m, new Partial(m, one.sum(), 1, one.min(), one.max()), (a, b) -> a.plus(b, m));
        }
        String minute = keys.minute(name);
        redis.with(j -> {
            Transaction t = j.multi();
            for (Partial b : buckets.values()) {
                t.zremrangeByScore(minute, b.start(), b.start());
                t.zadd(
                        minute,
                        b.start(),
                        b.start() + ":" + Numbers.text(b.sum()) + ":" + b.count() + ":" + Numbers.text(b.min()) + ":"
                                + Numbers.text(b.max()));
            }
            t.hset(meta, "next", Long.toString(open));
            return t.exec();
        });
    }
}
