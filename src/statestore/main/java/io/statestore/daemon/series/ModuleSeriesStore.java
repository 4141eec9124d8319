package io.statestore.daemon.series;

import io.statestore.daemon.redis.RedisAdmin;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Series on a server with the RedisTimeSeries module: {@code TS.CREATE} with retention for the raw
 * samples, and four per-minute compaction series ({@code TS.CREATERULE ... AGGREGATION sum|count|
 * min|max 60000}) so that every aggregation over coarser buckets is exact, as in the portable
 * layout. The module trims and compacts on every add; retention counts back from the series'
 * newest sample.
 */
public final class ModuleSeriesStore implements SeriesStore {
    static final List<String> COMPACTIONS = List.of("sum", "count", "min", "max");
    private final RedisAdmin redis;
    private final SeriesKeys keys;
    private final Retention retention;
    private final Set<String> created = ConcurrentHashMap.newKeySet();

    public ModuleSeriesStore(RedisAdmin redis, SeriesKeys keys, Retention retention) {
        this.redis = redis;
        this.keys = keys;
        this.retention = retention;
    }

    private enum Ts implements ProtocolCommand {
        CREATE("TS.CREATE"),
        CREATERULE("TS.CREATERULE"),
        ADD("TS.ADD"),
        RANGE("TS.RANGE"),
        GET("TS.GET");

        private final byte[] raw;

        Ts(String name) {
            raw = name.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public byte[] getRaw() {
            return raw;
        }
    }

    @Override
    public String layout() {
        return "timeseries";
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
        ensure(name);
        redis.with(j -> j.sendCommand(
                Ts.ADD, keys.raw(name), Long.toString(time), Numbers.text(value), "ON_DUPLICATE", "LAST"));
    }

    /** Creates the series and its compaction rules once; an existing series is kept as it is. */
    private void ensure(String name) {
        if (created.contains(name)) {
            return;
        }
        redis.with(j -> {
            String raw = keys.raw(name);
            if (create(j, raw, retention.raw().toMillis())) {
                for (String agg : COMPACTIONS) {
                    String dest = keys.minute(name, agg);
                    create(j, dest, retention.minute().toMillis());
                    j.sendCommand(Ts.CREATERULE, raw, dest, "AGGREGATION", agg, Long.toString(Retention.MINUTE));
                }
            }
            return null;
        });
        created.add(name);
    }

    private static boolean create(Jedis j, String key, long retentionMs) {
        try {
            j.sendCommand(Ts.CREATE, key, "RETENTION", Long.toString(retentionMs), "DUPLICATE_POLICY", "LAST");
            return true;
        } catch (JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().contains("already exists")) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public List<Point> raw(String name, long from, long to) {
        List<Point> out = new ArrayList<>();
        for (Object row : range(keys.raw(name), from, to)) {
            List<?> pair = (List<?>) row;
            out.add(new Point((Long) pair.get(0), Double.parseDouble(text(pair.get(1)))));
        }
        return out;
    }

    @Override
    public List<Partial> minutes(String name, long from, long to) {
        Map<Long, double[]> byStart = new TreeMap<>();
        for (int i = 0; i < COMPACTIONS.size(); i++) {
            for (Object row : range(keys.minute(name, COMPACTIONS.get(i)), from, to)) {
                List<?> pair = (List<?>) row;
                byStart.computeIfAbsent((Long) pair.get(0), k -> new double[COMPACTIONS.size()])[i] =
                        Double.parseDouble(text(pair.get(1)));
            }
        }
        List<Partial> out = new ArrayList<>(byStart.size());
        byStart.forEach((start, v) -> out.add(new Partial(start, v[0], (long) v[1], v[2], v[3])));
        return out;
    }

    @Override
    public java.util.Optional<Point> latest(String name) {
        List<?> reply = (List<?>) redis.with(j -> {
            try {
                return j.sendCommand(Ts.GET, keys.raw(name));
            } catch (JedisDataException e) {
                return List.of(); // no such series yet
            }
        });
        return reply == null || reply.isEmpty()
                ? java.util.Optional.empty()
                : java.util.Optional.of(new Point((Long) reply.get(0), Double.parseDouble(text(reply.get(1)))));
    }

    @Override
    public long skipped(String name) {
        String n = redis.with(j -> j.hget(keys.skipped(), name));
        return n == null ? 0 : Long.parseLong(n);
    }

    @Override
    public OptionalLong oldestRaw(String name) {
        List<?> first = (List<?>) redis.with(j -> {
            try {
                return j.sendCommand(Ts.RANGE, keys.raw(name), "-", "+", "COUNT", "1");
            } catch (JedisDataException e) {
                return List.of(); // no such series yet
            }
        });
        return first.isEmpty() ? OptionalLong.empty() : OptionalLong.of((Long) ((List<?>) first.get(0)).get(0));
    }

    /** The module trims and compacts as samples arrive. */
    @Override
    public void maintain(String name) {}

    private List<?> range(String key, long from, long to) {
        return (List<?>) redis.with(j -> {
            try {
                return j.sendCommand(Ts.RANGE, key, Long.toString(from), Long.toString(to));
            } catch (JedisDataException e) {
                if (e.getMessage() != null && e.getMessage().contains("does not exist")) {
                    return List.of();
                }
                throw e;
            }
        });
    }

    private static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    }
}
