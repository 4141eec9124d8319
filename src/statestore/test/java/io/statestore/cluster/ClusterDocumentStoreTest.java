package io.statestore.cluster;

import io.statestore.client.DocumentStoreContract;
import io.statestore.testing.RedisClusterExtension;
import io.statestore.testing.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DocumentStoreContract} on the shared test cluster (3 primaries, each with a replica). */
class ClusterDocumentStoreTest extends DocumentStoreContract {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    @Override
    protected TestRedis redis() {
        return cluster;
    }
}
