package io.statestore.cluster;

import io.statestore.client.ConflictRetryContract;
import io.statestore.testing.RedisClusterExtension;
import io.statestore.testing.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ConflictRetryContract} on the shared test cluster (3 primaries, each with a replica). */
class ClusterConflictRetryTest extends ConflictRetryContract {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    @Override
    protected TestRedis redis() {
        return cluster;
    }
}
