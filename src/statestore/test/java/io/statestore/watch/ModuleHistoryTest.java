package io.statestore.watch;

import io.statestore.testing.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class ModuleHistoryTest extends HistoryContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.module();

    @Override
    protected RedisServerExtension redis() {
        return redis;
    }
}
