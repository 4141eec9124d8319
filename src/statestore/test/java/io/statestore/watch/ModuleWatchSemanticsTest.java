package io.statestore.watch;

import io.statestore.testing.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class ModuleWatchSemanticsTest extends WatchSemanticsContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.module();

    @Override
    protected RedisServerExtension redis() {
        return redis;
    }
}
