package io.statestore.client;

import io.statestore.testing.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class ModuleLosslessTest extends LosslessRoundTripContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.module();

    @Override
    protected RedisServerExtension redis() {
        return redis;
    }
}
