package io.statestore.client.internal;

import io.statestore.client.ConflictException;
import io.statestore.client.HistoryPolicy;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisGateway;
import io.statestore.client.spi.SlotTags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The history policy kept in Redis ({@code <prefix>histpolicy}, written by {@code ss_hpolicy_set})
 * and how it combines with the client-side policies of {@link StateStoreOptions}: a client-side
 * policy that applies to a key is sent as {@code histmax}/{@code histage} and overrides the
 * server policy for that write; otherwise the write functions follow the server policy.
 */
public final class HistoryPolicies {
    /** How long reads trust the fetched server policy; writes always follow the current one. */
    static final long CACHE_NANOS = Duration.ofSeconds(1).toNanos();

    private final StateStoreOptions options;
    private final RedisGateway redis;
    private final KeyLayout layout;
    private volatile Cached cached;

    private record Cached(List<HistoryPolicy> policies, long fetchedAt) {}

    HistoryPolicies(StateStoreOptions options, RedisGateway redis, KeyLayout layout) {
        this.options = options;
        this.redis = redis;
        this.layout = layout;
    }

    /**
     * A client-side rule for a write, sent as {@code histmax} (and {@code histage}): versions
     * kept, and the age limit in ms (0: none).
     */
    public record ClientRule(int versions, long maxAgeMillis) {}

    /**
     * The client-side rule that applies to a write of {@code keys}: the largest length among
     * them, and the largest age when all have one. Empty when none applies: the server policy decides.
     */
    public static Optional<ClientRule> clientRule(StateStoreOptions options, Collection<String> keys) {
        int versions = -1;
        boolean allAged = true;
        long age = 0;
        for (String k : keys) {
            Optional<HistoryPolicy> p = options.clientHistoryFor(k);
            if (p.isPresent()) {
                versions = Math.max(versions, p.get().maxVersions());
                long a = p.get().maxAge().toMillis();
                allAged &= a > 0;
                age = Math.max(age, a);
            }
        }
        if (versions < 0) {
            return Optional.empty();
        }
        return Optional.of(new ClientRule(versions, allAged ? age : 0));
    }

    /** The server policy's rules and the version they are ({@code ""} when never set). */
    record Versioned(String version, List<HistoryPolicy> rules) {}

    /** The server policy, first match wins; empty when none is set. */
    List<HistoryPolicy> server() {
        return serverVersioned().rules();
    }

    Versioned serverVersioned() {
        String key = policyKey();
        List<Object> reply = FunctionCalls.list(redis.fcallReadOnly(FunctionCalls.historyPolicy(key), key));
        List<HistoryPolicy> out = new ArrayList<>();
        for (int i = 1; i < reply.size(); i++) {
            List<Object> r = FunctionCalls.list(reply.get(i));
            out.add(new HistoryPolicy(
                    FunctionCalls.text(r.get(0)),
                    Integer.parseInt(FunctionCalls.text(r.get(1))),
                    Duration.ofMillis(Long.parseLong(FunctionCalls.text(r.get(2))))));
        }
        cached = new Cached(List.copyOf(out), System.nanoTime());
        return new Versioned(FunctionCalls.text(reply.get(0)), List.copyOf(out));
    }

    /** Replaces the server policy atomically; the next write of every writer follows it. */
    void setServer(List<HistoryPolicy> policies) {
        String key = policyKey();
        redis.fcall(FunctionCalls.setHistoryPolicy(key, null, policies), key);
        copyToEverySlot(policies);
        cached = new Cached(List.copyOf(policies), System.nanoTime());
    }

    /**
     * Replaces the server policy only if it is still at {@code version}; false (nothing written)
     * when someone changed it since it was read.
     */
    boolean setServerIf(String version, List<HistoryPolicy> policies) {
        String key = policyKey();
        try {
            redis.fcall(FunctionCalls.setHistoryPolicy(key, version, policies), key);
        } catch (ConflictException e) {
            return false;
        }
        copyToEverySlot(policies);
        cached = new Cached(List.copyOf(policies), System.nanoTime());
        return true;
    }

    /**
     * The policy hash that is read and compared ({@code ifversion}): the one hash, or on a
     * cluster that of slot 0, the policy of record; the write functions of every other slot read
     * their own copy ({@link #copyToEverySlot}).
     */
    private String policyKey() {
        return layout.perSlot() ? layout.historyPolicyOfSlot(0) : layout.historyPolicy();
    }

    /**
     * On a cluster, writes follow the policy of their own slot ({@code P histpolicy{T}}), so once
     * slot 0's is set, the same rules go to the other 16,383 slots, pipelined per primary
     * (docs/cluster.md, "Store settings and the history policy on a cluster").
     */
    private void copyToEverySlot(List<HistoryPolicy> policies) {
        if (!layout.perSlot()) {
            return;
        }
        List<FunctionCalls.Call> calls = new ArrayList<>(SlotTags.SLOTS - 1);
        for (int slot = 1; slot < SlotTags.SLOTS; slot++) {
            calls.add(FunctionCalls.setHistoryPolicy(layout.historyPolicyOfSlot(slot), null, policies));
        }
        redis.fcallAll(calls);
    }

    /** The policy that applies to {@code key}: a client-side one, else the server's (no history: 0 versions). */
    HistoryPolicy effective(String key) {
        Optional<HistoryPolicy> client = options.clientHistoryFor(key);
        if (client.isPresent()) {
            return client.get();
        }
        Cached c = cached;
        List<HistoryPolicy> server =
                c != null && System.nanoTime() - c.fetchedAt() < CACHE_NANOS ? c.policies() : server();
        for (HistoryPolicy p : server) {
            if (p.matches(key)) {
                return p;
            }
        }
        return new HistoryPolicy("*", 0, Duration.ZERO);
    }
}
