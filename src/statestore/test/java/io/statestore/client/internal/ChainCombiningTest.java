package io.statestore.client.internal;

import io.statestore.testing.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class ChainCombiningTest extends ChainCombiningContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Override
    RedisServerExtension redis() {
        return redis;
    }
}
