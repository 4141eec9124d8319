package io.statestore.daemon.series;

import io.statestore.daemon.redis.RedisAdmin;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * Picks the layout: the module's when the server has {@code timeseries} loaded (MODULE LIST), else
 * portable. The daemon records its choice in {@code <prefix>ts:layout}, so that readers, whose
 * role may not run MODULE LIST, read the layout the daemon writes.
 */
public final class SeriesStores {
    private SeriesStores() {}

    /** The daemon's store: detects the layout and records it. */
    public static SeriesStore open(RedisAdmin redis, String prefix, Retention retention, Clock clock) {
        SeriesKeys keys = new SeriesKeys(prefix);
        SeriesStore store = hasModule(redis)
                ? new ModuleSeriesStore(redis, keys, retention)
                : new PortableSeriesStore(redis, keys, retention, clock);
        redis.with(j -> j.set(keys.layout(), store.layout()));
        return store;
    }

    /** A reader's store: the layout the daemon recorded, else what the server says. Not for writing. */
    public static SeriesStore forReading(RedisAdmin redis, String prefix, Clock clock) {
        SeriesKeys keys = new SeriesKeys(prefix);
        String recorded = redis.with(j -> j.get(keys.layout()));
        boolean module = recorded != null ? "timeseries".equals(recorded) : hasModule(redis);
        return module
                ? new ModuleSeriesStore(redis, keys, Retention.DEFAULT)
                : new PortableSeriesStore(redis, keys, Retention.DEFAULT, clock);
    }

    static boolean hasModule(RedisAdmin redis) {
        try {
            List<redis.clients.jedis.Module> modules = redis.with(j -> j.moduleList());
            return modules.stream()
                    .anyMatch(m -> m.getName().toLowerCase(Locale.ROOT).equals("timeseries"));
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            return false; // MODULE LIST refused (ACL, or a server without modules): the portable layout works
            // everywhere
        }
    }
}
