package io.statestore.client.internal;

import io.statestore.client.spi.FunctionLibrary;
import io.statestore.client.spi.LibraryInstaller;
import io.statestore.client.spi.RedisGateway;
import java.util.List;

/**
 * The function libraries a {@link RedisGateway} calls into, and the one mechanism that keeps them
 * on its server: installed before the first function call, and installed again when the server
 * answers that a function is missing ({@code FUNCTION FLUSH}, a restart without persistence, a
 * new replica promoted), after which the call is tried once more. Every function call of the
 * client goes through the gateway, so documents, history, transactions, watchers and the event
 * bus all recover the same way, without a new client.
 */
public final class Libraries {
    private final List<FunctionLibrary> libraries;
    private final Object lock = new Object();
    /** Installs completed; 0 = none yet. A caller names the one it saw, so a lost library is reinstalled once, not once per caller. */
    private volatile long generation;

    public Libraries(List<FunctionLibrary> libraries) {
        this.libraries = libraries;
    }

    /** Installs the libraries unless done already; returns the install generation the caller works with. */
    public long ensureInstalled(RedisGateway redis) {
        long g = generation;
        if (g > 0) {
            return g;
        }
        synchronized (lock) {
            if (generation == 0) {
                installAll(redis);
                generation = 1;
            }
            return generation;
        }
    }

    /**
     * A call made under {@code seen} found a function missing: installs the libraries again,
     * unless another caller has done so since (callers that failed together wait for that one).
     */
    public void reinstall(RedisGateway redis, long seen) {
        synchronized (lock) {
            if (generation == seen) {
                installAll(redis);
                generation = seen + 1;
            }
        }
    }

    /**
     * On a cluster, on every primary: Redis does not copy functions between primaries (a replica
     * gets its primary's by replication), so a primary added later, or one whose library was
     * flushed, is found by the "function missing" retry or by {@link #checkPrimaries}.
     */
    private void installAll(RedisGateway redis) {
        if (!redis.cluster()) {
            installOn(redis);
            return;
        }
        java.util.Set<String> now = new java.util.HashSet<>();
        for (RedisGateway node : redis.primaryGateways()) {
            try (node) {
                installOn(node);
                now.add(node.endpoint());
            }
        }
        primaries = now;
    }

    private void installOn(RedisGateway redis) {
        LibraryInstaller installer = new LibraryInstaller(redis);
        for (FunctionLibrary l : libraries) {
            installer.install(l, false);
        }
    }

    /** The primaries of a cluster the libraries were last installed on (endpoints). */
    private volatile java.util.Set<String> primaries = java.util.Set.of();

    /**
     * On a cluster: installs the libraries on every primary not seen at the last install (a node
     * added, a replica promoted), before calls are redirected to it. Run now and then by the
     * gateway; cheap when nothing changed (one CLUSTER NODES).
     */
    public void checkPrimaries(RedisGateway redis) {
        if (!redis.cluster() || generation == 0) {
            return;
        }
        for (RedisGateway node : redis.primaryGateways()) {
            try (node) {
                if (!primaries.contains(node.endpoint())) {
                    synchronized (lock) {
                        installOn(node);
                        java.util.Set<String> more = new java.util.HashSet<>(primaries);
                        more.add(node.endpoint());
                        primaries = more;
                    }
                }
            }
        }
    }
}
