package io.statestore.client.internal;

import io.statestore.testing.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class ModuleChainCombiningTest extends ChainCombiningContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.module();

    @Override
    RedisServerExtension redis() {
        return redis;
    }
}
