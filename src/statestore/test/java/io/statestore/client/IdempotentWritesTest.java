package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** A write re-sent with its write ID (its reply was lost) is answered again, not committed twice. */
class IdempotentWritesTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable().withArgs("--appendonly", "yes");

    private static final List<String> KEYS = List.of("d", "ss:m:{d}", "ss:h:{d}", "ss:feed", "ss:index");

    @Test
    void aResentWriteIdReplaysTheFirstReplyAndCommitsNothing() {
        try (Jedis j = redis.flushedWithLibraries()) {
            Object first = j.fcall("ss_put", KEYS, List.of("doc", "{\"n\":1}", "wid", "w-1"));
            Object again = j.fcall("ss_put", KEYS, List.of("doc", "{\"n\":1}", "wid", "w-1"));
            assertEquals(first.toString(), again.toString());
            Object cas = j.fcall("ss_put", KEYS, List.of("doc", "{\"n\":2}", "ifrev", "1", "wid", "w-2"));
            Object casAgain = j.fcall("ss_put", KEYS, List.of("doc", "{\"n\":2}", "ifrev", "1", "wid", "w-2"));
            assertEquals(cas.toString(), casAgain.toString(), "a re-sent conditional write must not report a conflict");
            j.fcall("ss_del", KEYS, List.of("wid", "w-3"));
            j.fcall("ss_del", KEYS, List.of("wid", "w-3"));
            assertEquals(3, j.xlen("ss:feed"));
            assertEquals("3", j.hget("ss:m:{d}", "rev"));
        }
    }

    @Test
    void aWriteOnAConnectionLeftOverFromBeforeARestartIsSentAgainAndCommitsOnce() throws Exception {
        redis.flushAll();
        StateStore store = redis.newStore(b -> b.timeout(Duration.ofSeconds(2)));
        store.put("survivor", StrictJson.parse("{\"n\":1}"));
        store.merge("survivor", StrictJson.parse("{\"m\":1}")); // the client now keeps this version
        redis.stop();
        redis.start();
        // The kept version lets this merge go straight to ss_put, on a pooled connection the
        // restart has closed: the first send fails, the re-send commits it once.
        WriteResult w = store.merge("survivor", StrictJson.parse("{\"m\":2}"));
        assertEquals(3, w.revision());
        assertEquals(
                StrictJson.parse("{\"n\":1,\"m\":2}"),
                store.get("survivor").orElseThrow().value());
        try (Jedis j = redis.jedis()) {
            assertEquals(3, j.xlen("ss:feed"));
        }
    }
}
