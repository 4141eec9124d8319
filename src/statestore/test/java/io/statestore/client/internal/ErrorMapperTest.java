package io.statestore.client.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.InvalidInputException;
import io.statestore.client.UnavailableException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replies that mean "the server cannot take this now, and did nothing" (RefusedWritesTest shows
 * READONLY, OOM and NOREPLICAS on a real server; the others are hard to provoke there).
 */
class ErrorMapperTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.",
                "LOADING Redis is loading the dataset in memory",
                "BUSY Redis is busy running a script.",
                "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
                "READONLY You can't write against a read only replica.",
                "OOM command not allowed when used memory > 'maxmemory'.",
                "NOREPLICAS Not enough good replicas to write."
            })
    void aServerThatCannotTakeTheCallNowIsUnavailableAndDidNothing(String reply) {
        UnavailableException e = assertInstanceOf(UnavailableException.class, ErrorMapper.fromReply(reply, "k"));
        assertFalse(e.outcomeUnknown());
        assertTrue(e.getMessage().contains(reply), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"ERR unknown command 'FOO'", "WRONGTYPE Operation against a key holding the wrong kind of value"
            })
    void otherRefusalsNeedTheRequestFixed(String reply) {
        assertInstanceOf(InvalidInputException.class, ErrorMapper.fromReply(reply, "k"));
    }
}
