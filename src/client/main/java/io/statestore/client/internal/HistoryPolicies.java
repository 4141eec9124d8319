package io.statestore.client.internal;

import io.statestore.client.ConflictException;
import io.statestore.client.HistoryPolicy;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisGateway;
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
    private final FunctionCalls protocol;
    private volatile Cached cached;

    private record Cached(List<HistoryPolicy> policies, long fetchedAt) {}

    HistoryPolicies(StateStoreOptions options, RedisGateway redis, KeyLayout layout) {
        this.options = options;
        this.redis = redis;
        this.layout = layout;
        this.protocol = new FunctionCalls(layout);
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
        if (layout.perSlot()) {
            return new Versioned("", List.of()); // none can be set on a cluster yet (setServer)
        }
        List<Object> reply = FunctionCalls.list(redis.fcallReadOnly(protocol.historyPolicy(), layout.historyPolicy()));
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
        refuseOnCluster();
        redis.fcall(protocol.setHistoryPolicy(null, policies), layout.historyPolicy());
        cached = new Cached(List.copyOf(policies), System.nanoTime());
    }

    /**
     * Replaces the server policy only if it is still at {@code version}; false (nothing written)
     * when someone changed it since it was read.
     */
    boolean setServerIf(String version, List<HistoryPolicy> policies) {
        refuseOnCluster();
        try {
            redis.fcall(protocol.setHistoryPolicy(version, policies), layout.historyPolicy());
        } catch (ConflictException e) {
            return false;
        }
        cached = new Cached(List.copyOf(policies), System.nanoTime());
        return true;
    }

    /**
     * On a cluster the write functions read the policy of the document's slot
     * ({@code P histpolicy{T}}), and writing it to every slot is not built.
     */
    private void refuseOnCluster() {
        if (layout.perSlot()) {
            throw redis.notOnCluster(
                    "a server-side history policy",
                    "writes on a cluster follow the policy of their hash slot,"
                            + " and setting it on every slot is not built; give the rules as client-side history in StateStoreOptions");
        }
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
