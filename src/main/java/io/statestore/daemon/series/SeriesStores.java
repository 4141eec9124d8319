package io.statestore.daemon.series;

import io.statestore.daemon.redis.RedisAdmin;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/** Picks the layout: the module's when the server has {@code timeseries} loaded (MODULE LIST), else portable. */
public final class SeriesStores {
    private SeriesStores() {
    }

    public static SeriesStore open(RedisAdmin redis, String prefix, Retention retention, Clock clock) {
        SeriesKeys keys = new SeriesKeys(prefix);
        return hasModule(redis) ? new ModuleSeriesStore(redis, keys, retention)
                : new PortableSeriesStore(redis, keys, retention, clock);
    }

    static boolean hasModule(RedisAdmin redis) {
        try {
            List<redis.clients.jedis.Module> modules = redis.with(j -> j.moduleList());
            return modules.stream().anyMatch(m -> m.getName().toLowerCase(Locale.ROOT).equals("timeseries"));
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            return false; // MODULE LIST refused (ACL, or a server without modules): the portable layout works everywhere
        }
    }
}
