package io.statestore.cluster;

import io.statestore.testing.ContractExclusions;
import io.statestore.testing.RedisClusterExtension;
import io.statestore.testing.TestRedis;
import io.statestore.watch.WatchSemanticsContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link WatchSemanticsContract} on the shared test cluster: not run yet, {@code watch()} is
 * refused on a cluster until the cluster watcher (issue 19) is merged. Then remove the class-wide
 * exclusion and exclude, with their reasons, only the tests whose subject is one feed (e.g. a test
 * that trims the feed of one key to make a resume position stale must trim every feed the watch
 * follows, or be rewritten against the cluster's resume token).
 */
class ClusterWatchSemanticsTest extends WatchSemanticsContract {
    @RegisterExtension
    static ContractExclusions excluded = ContractExclusions.all(
            "watch() is refused on a cluster until the cluster watcher is built (docs/cluster.md)");

    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    @Override
    protected TestRedis redis() {
        return cluster;
    }
}
