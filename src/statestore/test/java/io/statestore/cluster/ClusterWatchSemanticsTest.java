package io.statestore.cluster;

import io.statestore.testing.ContractExclusions;
import io.statestore.testing.RedisClusterExtension;
import io.statestore.testing.TestRedis;
import io.statestore.watch.WatchSemanticsContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link WatchSemanticsContract} on the shared test cluster, every test run: positions come from
 * {@code TestRedis.watchPosition} ({@code c1:} tokens here), the trimmed-position tests name
 * documents of one tag (one slot feed), and events are compared per document.
 */
class ClusterWatchSemanticsTest extends WatchSemanticsContract {
    @RegisterExtension
    static ContractExclusions excluded = ContractExclusions.none()
            .exclude(
                    "aSlowListenerWithTheResyncPolicyGetsASlowListenerResyncInsteadOfUnboundedBuffering",
                    "waits in CLIENT LIST for the connection named statestore-watch blocking in XREAD; the"
                            + " cluster watcher reads with per-slot calls and waits on unnamed SSUBSCRIBE"
                            + " wake-ups, so there is no such connection to wait for");

    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    @Override
    protected TestRedis redis() {
        return cluster;
    }
}
