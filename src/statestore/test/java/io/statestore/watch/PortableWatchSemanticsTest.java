package io.statestore.watch;

import io.statestore.testing.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class PortableWatchSemanticsTest extends WatchSemanticsContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Override
    protected RedisServerExtension redis() {
        return redis;
    }
}
