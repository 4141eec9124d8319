package io.statestore.daemon.status;

import io.statestore.daemon.redis.RedisAdmin;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The status hash ({@code <prefix>status}, shared by the daemons of one server), this daemon's
 * entry in {@code <prefix>daemons} ({@link DaemonRegistry}: what {@code statestore status}
 * reads) and its heartbeat key ({@code <prefix>heartbeat:<id>}, expiring unless refreshed).
 */
public final class StatusStore {
    private final RedisAdmin redis;
    private final String prefix;
    private final String daemonId;
    private final DaemonRegistry registry;

    public StatusStore(RedisAdmin redis, String prefix, String daemonId, Duration heartbeatInterval) {
        this.redis = redis;
        this.prefix = prefix;
        this.daemonId = daemonId;
        this.registry = new DaemonRegistry(prefix, daemonId, heartbeatInterval);
    }

    public String statusKey() {
        return prefix + "status";
    }

    public String heartbeatKey() {
        return prefix + "heartbeat:" + daemonId;
    }

    public void put(Map<String, String> fields) {
        redis.with(j -> j.hset(statusKey(), fields));
    }

    /** Records a job outcome as {@code <job>_time}, {@code <job>_result} and the given figures. */
    public void recordJob(String job, boolean ok, Duration took, Map<String, ?> figures) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(job + "_time", Instant.now().toString());
        f.put(job + "_result", ok ? "ok" : "failed");
        f.put(job + "_duration_ms", Long.toString(took.toMillis()));
        f.put(job + "_daemon", daemonId);
        figures.forEach((k, v) -> f.put(job + "_" + k, String.valueOf(v)));
        put(f);
    }

    /**
     * Records a heartbeat (the daemons hash and the heartbeat key expiring after {@code ttl}) and
     * removes the entries of daemons dead for longer than {@code ttl}.
     */
    public void heartbeat(Duration ttl) {
        redis.with(j -> {
            registry.beat(j, heartbeatKey(), ttl);
            registry.prune(j, ttl);
            return null;
        });
    }

    public void clearHeartbeat() {
        redis.with(j -> {
            registry.remove(j);
            return j.del(heartbeatKey());
        });
    }
}
