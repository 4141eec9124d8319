package io.statestore.daemon.status;

import io.statestore.daemon.redis.RedisAdmin;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.params.SetParams;

/**
 * The status hash ({@code <prefix>status}, shared by the daemons of one server) and this
 * daemon's heartbeat key ({@code <prefix>heartbeat:<id>}, expiring unless refreshed).
 */
public final class StatusStore {
    private final RedisAdmin redis;
    private final String prefix;
    private final String daemonId;

    public StatusStore(RedisAdmin redis, String prefix, String daemonId) {
        this.redis = redis;
        this.prefix = prefix;
        this.daemonId = daemonId;
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

    public void heartbeat(Duration ttl) {
        redis.with(j -> j.set(heartbeatKey(), Instant.now().toString(), SetParams.setParams().px(ttl.toMillis())));
    }

    public void clearHeartbeat() {
        redis.with(j -> j.del(heartbeatKey()));
    }
}
