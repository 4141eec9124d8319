package io.statestore.client;

import io.statestore.testing.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole document contract in module mode with the store connected as the writer role's ACL user (issue 15):
 * every operation's functions must be allowed every command and key they touch, or a call
 * refused half way would leave a partial write.
 */
class WriterRoleModuleDocumentStoreTest extends DocumentStoreContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.module().asRole(Role.WRITER);

    @Override
    protected RedisServerExtension redis() {
        return redis;
    }
}
