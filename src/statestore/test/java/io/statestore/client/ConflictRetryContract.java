package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.statestore.testing.TestRedis;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * A conflict is not "try the same request again": the revision a conditional write named never
 * comes back, so only a re-read can lead to a write that succeeds. Runs on a standalone server
 * ({@link ConflictRetryTest}) and on the cluster.
 */
public abstract class ConflictRetryContract {
    protected abstract TestRedis redis();

    @Test
    void aFailedConditionalWriteSaysRepeatingItWillNotHelp() {
        try (StateStore store = redis().newStore()) {
            store.put("cr:doc", StrictJson.parse("{\"a\":1}"));
            store.put("cr:doc", StrictJson.parse("{\"a\":2}"));
            WriteOptions stale = WriteOptions.ifRevision(1);

            ConflictException first = assertThrows(
                    ConflictException.class, () -> store.put("cr:doc", StrictJson.parse("{\"a\":3}"), stale));
            assertFalse(first.code().retryable(), "a stale ifRevision was called retryable");

            // what retryable() promised would work does not: the same write fails the same way
            ConflictException again = assertThrows(
                    ConflictException.class, () -> store.put("cr:doc", StrictJson.parse("{\"a\":3}"), stale));
            assertEquals(OptionalLong.of(2), again.currentRevision());

            ConflictException exists = assertThrows(
                    ConflictException.class,
                    () -> store.put("cr:doc", StrictJson.parse("{}"), WriteOptions.ifRevision(0)));
            assertFalse(exists.code().retryable(), "create of an existing document was called retryable");
        }
    }
}
