package io.statestore.client.internal;

import java.util.List;
import io.statestore.client.spi.FunctionLibrary;
import io.statestore.client.spi.LibraryInstaller;
import io.statestore.client.spi.RedisGateway;

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

    private void installAll(RedisGateway redis) {
        LibraryInstaller installer = new LibraryInstaller(redis);
        for (FunctionLibrary l : libraries) {
            installer.install(l, false);
        }
    }
}
