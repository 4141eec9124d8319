package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.statestore.testing.TestRedis;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * A write re-sent with its write ID (its reply was lost) is answered again, not committed twice.
 * Runs on a standalone server ({@link IdempotentWritesTest}) and on the cluster.
 */
public abstract class IdempotentWritesContract {
    protected abstract TestRedis redis();

    @Test
    void aResentWriteIdReplaysTheFirstReplyAndCommitsNothing() {
        redis().flushAll();
        redis().newStore(); // installs the function libraries
        UnifiedJedis j = redis().commands();
        List<String> keys = redis().layout().documentCallKeys("d");
        Object first = j.fcall("ss_put", keys, List.of("doc", "{\"n\":1}", "wid", "w-1"));
        Object again = j.fcall("ss_put", keys, List.of("doc", "{\"n\":1}", "wid", "w-1"));
        assertEquals(first.toString(), again.toString());
        Object cas = j.fcall("ss_put", keys, List.of("doc", "{\"n\":2}", "ifrev", "1", "wid", "w-2"));
        Object casAgain = j.fcall("ss_put", keys, List.of("doc", "{\"n\":2}", "ifrev", "1", "wid", "w-2"));
        assertEquals(cas.toString(), casAgain.toString(), "a re-sent conditional write must not report a conflict");
        j.fcall("ss_del", keys, List.of("wid", "w-3"));
        j.fcall("ss_del", keys, List.of("wid", "w-3"));
        assertEquals(3, j.xlen(redis().layout().feed("d")));
        assertEquals("3", j.hget("ss:m:{d}", "rev"));
    }
}
