package io.statestore.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.spi.FunctionLibrary;
import io.statestore.testing.RedisServerExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * The Lua libraries (common.lua's cmp_id) and the Java client (FeedReads.compareIds) order stream
 * IDs the same way, including where a comparison of text or of doubles would not: more digits,
 * the sequence number, numbers beyond 2^53, leading zeros, an ID without its sequence.
 */
class StreamIdOrderTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    /** Pairs and the order Redis gives them (-1: the first is older). */
    private static final List<Object[]> PAIRS = List.of(
            new Object[] {"9-1", "10-0", -1},
            new Object[] {"1-10", "1-9", 1},
            new Object[] {"5-5", "5-5", 0},
            new Object[] {"0-0", "0-1", -1},
            new Object[] {"5", "5-0", 0},
            new Object[] {"5", "4-9", 1},
            new Object[] {"007-1", "7-1", 0},
            new Object[] {"1700000000000-99", "1700000000001-0", -1},
            // beyond 2^53 a double rounds both to the same value
            new Object[] {"9007199254740993-0", "9007199254740992-0", 1},
            new Object[] {"1-9007199254740993", "1-9007199254740992", 1},
            new Object[] {"18446744073709551615-0", "18446744073709551614-18446744073709551615", 1},
            new Object[] {"18446744073709551615-18446744073709551615", "18446744073709551615-18446744073709551615", 0});

    @BeforeAll
    static void loadTheComparison() {
        FunctionLibrary lib = FunctionLibrary.fromResource("/io/statestore/stream_id_test_library.lua", "sid_version");
        assertTrue(lib.code().contains("local function cmp_id(a, b)"), "built from common.lua");
        try (Jedis j = redis.jedis()) {
            j.functionLoadReplace(lib.code());
        }
    }

    private static long lua(String a, String b) {
        try (Jedis j = redis.jedis()) {
            return (Long) j.fcallReadonly("sid_cmp", List.of(), List.of(a, b));
        }
    }

    @Test
    void luaAndJavaOrderTrickyIdsAsRedisDoes() {
        for (Object[] p : PAIRS) {
            String a = (String) p[0];
            String b = (String) p[1];
            int expected = (Integer) p[2];
            assertEquals(expected, lua(a, b), "Lua " + a + " vs " + b);
            assertEquals(-expected, lua(b, a), "Lua " + b + " vs " + a);
            assertEquals(expected, Integer.signum(FeedReads.compareIds(a, b)), "Java " + a + " vs " + b);
            assertEquals(-expected, Integer.signum(FeedReads.compareIds(b, a)), "Java " + b + " vs " + a);
        }
    }

    @Test
    void theOrderIsTheOneRedisKeepsStreamsIn() {
        List<String> ids = List.of(
                "9-1", "10-0", "10-9", "10-10", "9007199254740992-0", "9007199254740993-0", "18446744073709551615-0");
        try (Jedis j = redis.jedis()) {
            j.del("sid:order");
            for (String id : ids) {
                // XADD refuses an ID not greater than the stream's last: Redis orders them so too
                // (sent raw: Jedis's StreamEntryID holds signed longs)
                assertEquals(id, SafeEncoder.encode((byte[])
                        j.sendCommand(Protocol.Command.XADD, "sid:order", id, "f", "v")));
            }
            for (int i = 1; i < ids.size(); i++) {
                assertEquals(-1, lua(ids.get(i - 1), ids.get(i)), ids.get(i - 1) + " before " + ids.get(i));
            }
        }
    }

    @Test
    void somethingThatIsNotAStreamIdIsRefusedWithBothNamed() {
        try (Jedis j = redis.jedis()) {
            JedisDataException e = assertThrows(
                    JedisDataException.class, () -> j.fcallReadonly("sid_cmp", List.of(), List.of("x", "1-0")));
            assertEquals("SS_INVALID invalid stream ID \"x\" or \"1-0\"", e.getMessage());
        }
    }
}
