package io.statestore.client;

import io.statestore.testing.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class ModuleHotDocumentStressTest extends HotDocumentStressContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.module();

    @Override
    RedisServerExtension redis() {
        return redis;
    }
}
