package io.statestore.daemon.status;

import io.statestore.daemon.redis.RedisAdmin;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The per-primary figures of a Redis Cluster on {@code /metrics}, one series per primary
 * (label {@code primary="host:port"}). One scrape reads the primaries once for all families:
 * the facts are kept for a second.
 */
public final class PrimaryMetrics {
    private static final long CACHE_NANOS = 1_000_000_000L;

    private final RedisAdmin redis;
    private List<PrimaryFacts> cached;
    private long readAt;

    public PrimaryMetrics(RedisAdmin redis) {
        this.redis = redis;
    }

    public void register(Metrics metrics) {
        metrics.gaugeFamily(
                "statestore_primary_up",
                "1 when the cluster primary answers, 0 when it does not",
                () -> series(f -> f.reachable() ? 1 : 0));
        metrics.gaugeFamily(
                "statestore_primary_slots", "Hash slots the cluster primary serves", () -> series(f -> f.slotCount()));
        metrics.gaugeFamily(
                "statestore_primary_keys", "Keys on the cluster primary (DBSIZE)", () -> series(f -> f.keys()));
        metrics.gaugeFamily(
                "statestore_primary_memory_bytes",
                "Memory the cluster primary uses (INFO used_memory)",
                () -> series(f -> f.memoryBytes()));
        metrics.gaugeFamily(
                "statestore_primary_ops_per_second",
                "Commands per second on the cluster primary (INFO instantaneous_ops_per_sec)",
                () -> series(f -> f.opsPerSecond()));
        metrics.gaugeFamily(
                "statestore_primary_library_version",
                "Version of the statestore function library on the cluster primary (NaN: missing)",
                () -> series(f -> f.library().matches("\\d+") ? Double.parseDouble(f.library()) : Double.NaN));
    }

    private synchronized List<PrimaryFacts> facts() {
        if (cached == null || System.nanoTime() - readAt > CACHE_NANOS) {
            cached = PrimaryFacts.read(redis);
            readAt = System.nanoTime();
        }
        return cached;
    }

    private Map<String, Double> series(ToDoubleFunction<PrimaryFacts> value) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (PrimaryFacts f : facts()) {
            double v = f.reachable() || value.applyAsDouble(f) == 0 ? value.applyAsDouble(f) : Double.NaN;
            out.put(Metrics.labels("primary", f.address()), v);
        }
        return out;
    }
}
