package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.statestore.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ConflictRetryContract} on a standalone server, and which error codes are retryable. */
class ConflictRetryTest extends ConflictRetryContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Override
    protected RedisServerExtension redis() {
        return redis;
    }

    @Test
    void onlyUnavailableIsRetryableAsItIs() {
        for (ErrorCode c : ErrorCode.values()) {
            assertEquals(c == ErrorCode.UNAVAILABLE, c.retryable(), c.name());
        }
    }
}
