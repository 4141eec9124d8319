package io.statestore.client.internal;

import io.statestore.testing.RedisServerExtension;
import io.statestore.testing.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReadCombiningTest extends ReadCombiningContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Override
    TestRedis redis() {
        return redis;
    }
}
