package io.statestore.client;

import io.statestore.testing.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class HotDocumentStressTest extends HotDocumentStressContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Override
    RedisServerExtension redis() {
        return redis;
    }
}
