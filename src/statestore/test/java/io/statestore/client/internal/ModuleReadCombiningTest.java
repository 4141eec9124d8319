package io.statestore.client.internal;

import io.statestore.testing.RedisServerExtension;
import io.statestore.testing.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same in module mode: the gets it combines are the same ss_get, over documents kept as JSON. */
class ModuleReadCombiningTest extends ReadCombiningContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.module();

    @Override
    TestRedis redis() {
        return redis;
    }
}
