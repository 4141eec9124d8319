package io.statestore.cluster;

import io.statestore.client.IdempotentWritesContract;
import io.statestore.testing.RedisClusterExtension;
import io.statestore.testing.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link IdempotentWritesContract} on the shared test cluster (3 primaries, each with a replica). */
class ClusterIdempotentWritesTest extends IdempotentWritesContract {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    @Override
    protected TestRedis redis() {
        return cluster;
    }
}
