package io.statestore.watch;

import io.statestore.testing.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class PortableServerHistoryPolicyTest extends ServerHistoryPolicyContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Override
    protected RedisServerExtension redis() {
        return redis;
    }
}
