package io.statestore.daemon.lease;

import io.statestore.daemon.redis.RedisAdmin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-job leases in Redis, so two daemons on one server never run the same job at the same
 * time and each scheduled run executes once. A lease is {@code SET NX PX}: it expires if its
 * holder dies, is renewed while a long job runs, and is released when the job ends or the
 * daemon shuts down.
 */
public final class JobLeases {
    private final RedisAdmin redis;
    private final String prefix;
    private final String owner;
    private final Duration ttl;
    private final String acquireScript = resource("lease-acquire.lua");
    private final String renewScript = resource("lease-renew.lua");
    private final String releaseScript = resource("lease-release.lua");
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    public JobLeases(RedisAdmin redis, String prefix, String owner, Duration ttl) {
        this.redis = redis;
        this.prefix = prefix;
        this.owner = owner;
        this.ttl = ttl;
    }

    public String owner() {
        return owner;
    }

    /** True when this daemon may execute the run of {@code job} scheduled at {@code fireTimeMs}. */
    public boolean tryAcquire(String job, long fireTimeMs) {
        Object r = redis.with(j -> j.eval(
                acquireScript,
                List.of(leaseKey(job), prefix + "lastrun:" + job),
                List.of(owner, Long.toString(ttl.toMillis()), Long.toString(fireTimeMs))));
        boolean ok = Long.valueOf(1).equals(r);
        if (ok) {
            held.add(job);
        }
        return ok;
    }

    /** Extends the lease of a running job; false when this daemon no longer holds it. */
    public boolean renew(String job) {
        Object r = redis.with(
                j -> j.eval(renewScript, List.of(leaseKey(job)), List.of(owner, Long.toString(ttl.toMillis()))));
        return Long.valueOf(1).equals(r);
    }

    public void release(String job) {
        held.remove(job);
        redis.with(j -> j.eval(releaseScript, List.of(leaseKey(job)), List.of(owner)));
    }

    /** Releases every lease still held (shutdown). */
    public void releaseAll() {
        for (String job : Set.copyOf(held)) {
            try {
                release(job);
            } catch (RuntimeException e) {
                // Redis gone: the lease expires on its own
            }
        }
    }

    public Set<String> held() {
        return Set.copyOf(held);
    }

    public Duration ttl() {
        return ttl;
    }

    private String leaseKey(String job) {
        return prefix + "lease:" + job;
    }

    private static String resource(String name) {
        try (InputStream in = JobLeases.class.getResourceAsStream("/io/statestore/daemon/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
