package io.statestore.client;

import io.statestore.testing.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class PortableDocumentStoreTest extends DocumentStoreContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Override
    protected RedisServerExtension redis() {
        return redis;
    }
}
