package io.statestore.cluster;

import io.statestore.client.LosslessRoundTripContract;
import io.statestore.testing.RedisClusterExtension;
import io.statestore.testing.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link LosslessRoundTripContract} on the shared test cluster (3 primaries, each with a replica). */
class ClusterLosslessTest extends LosslessRoundTripContract {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    @Override
    protected TestRedis redis() {
        return cluster;
    }
}
