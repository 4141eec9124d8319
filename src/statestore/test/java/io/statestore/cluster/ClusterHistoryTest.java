package io.statestore.cluster;

import io.statestore.testing.RedisClusterExtension;
import io.statestore.testing.TestRedis;
import io.statestore.watch.HistoryContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link HistoryContract} on the shared test cluster (3 primaries, each with a replica). */
class ClusterHistoryTest extends HistoryContract {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    @Override
    protected TestRedis redis() {
        return cluster;
    }
}
