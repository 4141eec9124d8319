package io.statestore.client.internal;

import io.statestore.testing.RedisClusterExtension;
import io.statestore.testing.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Read combining on the shared Redis Cluster: reads routed to the document's primary (docs/combining.md). */
class ClusterReadCombiningTest extends ReadCombiningContract {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    @Override
    TestRedis redis() {
        return cluster;
    }
}
