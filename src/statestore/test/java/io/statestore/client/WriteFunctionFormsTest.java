package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.Concurrently;
import io.statestore.testing.RedisServerExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * {@code ss_write} (positional, with a fast path for plain updates) and {@code ss_put} (named
 * options, the general path) must leave exactly the same state behind: document, metadata, feed
 * entries, history and errors. Each step runs on document "a" through ss_put and on document "b"
 * through ss_write, and the two states are compared with the key names and times taken out.
 */
class WriteFunctionFormsTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private static final String[] ARG_NAMES = {
        "op", "doc", "change", "ifrev", "wid", "writer", "feedmax", "mode", "ttl", "histmax", "histage", "src"
    };

    private Jedis j;

    @BeforeEach
    void fresh() {
        j = redis.flushedWithLibraries();
    }

    /** Runs one write both ways; returns both replies (or error texts) with the key names replaced. */
    private List<String> both(Map<String, String> opts) {
        List<String> named = new ArrayList<>();
        opts.forEach((k, v) -> {
            named.add(k);
            named.add(v);
        });
        List<String> positional = new ArrayList<>();
        for (String name : ARG_NAMES) {
            positional.add(opts.getOrDefault(name, name.equals("mode") ? "string" : ""));
        }
        String a = call("ss_put", "a", named);
        String b = call("ss_write", "b", positional);
        return List.of(a.replace("\"a\"", "DOC"), b.replace("\"b\"", "DOC"));
    }

    private String call(String function, String doc, List<String> args) {
        try {
            Object r = j.fcall(function, DocumentState.callKeys(doc), args);
            return r instanceof List<?> l ? "ok rev " + l.get(0) : String.valueOf(r);
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            return e.getMessage();
        }
    }

    private void assertSameOutcome(Map<String, String> opts) {
        List<String> r = both(opts);
        assertEquals(r.get(0), r.get(1), "replies of ss_put and ss_write for " + opts);
        assertEquals(DocumentState.of(j, "a"), DocumentState.of(j, "b"), "state after " + opts);
    }

    private static Map<String, String> opts(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void plainCreatesUpdatesAndConflictsMatch() {
        assertSameOutcome(opts("doc", "{\"n\":1}", "ifrev", "0", "writer", "w1", "op", "create"));
        assertSameOutcome(opts("doc", "{\"n\":2}", "writer", "w1", "feedmax", "100"));
        assertSameOutcome(opts(
                "doc",
                "{\"n\":3,\"big\":12345678901234567890,\"e\":[]}",
                "ifrev",
                "2",
                "op",
                "merge",
                "change",
                "{\"n\":3}",
                "src",
                "test-suite"));
        assertSameOutcome(opts("doc", "{\"n\":4}", "ifrev", "2")); // conflict: current revision 3
        assertSameOutcome(opts("doc", "{\"n\":4}", "ifrev", "0")); // conflict: expected absent
        assertSameOutcome(opts("doc", "{\"n\":4}", "ifrev", "03")); // same number, other spelling
        assertSameOutcome(opts("doc", "{\"héllo\":\"wörld \\u2028\"}", "writer", ""));
    }

    @Test
    void aStaleCompareAndSetIsRefusedAlikeOnEveryPath() {
        // ss_write refuses a stale revision of a live document at once (library 17); ss_put's
        // general path decides after its context and signature: the words and the state match.
        assertSameOutcome(opts("doc", "{\"n\":1}", "wid", "w-1"));
        assertSameOutcome(opts("doc", "{\"n\":2}", "ifrev", "1", "wid", "w-2"));
        assertSameOutcome(opts("doc", "{\"n\":3}", "ifrev", "1", "wid", "w-3")); // stale, with a write ID
        assertSameOutcome(opts("doc", "{\"n\":3}", "ifrev", "1")); // stale, without one
        assertSameOutcome(opts("doc", "{\"n\":3}", "ifrev", "123456789012345")); // 15 digits
        assertSameOutcome(opts("doc", "{\"n\":3}", "ifrev", "1234567890123456789")); // beyond 2^53
        assertSameOutcome(opts("doc", "{\"n\":3}", "ifrev", "-3")); // not a revision
        assertSameOutcome(opts("doc", "{\"n\":3}", "ifrev", "1x"));
        // A re-send whose revision is stale by now (its own write moved it) is still a re-send.
        assertSameOutcome(opts("doc", "{\"n\":2}", "ifrev", "1", "wid", "w-2"));
        // The same write ID with another document is misuse, not a conflict.
        assertSameOutcome(opts("doc", "{\"n\":9}", "ifrev", "1", "wid", "w-2"));
        // A stale revision of a deleted document: the tombstone's words.
        j.fcall("ss_del", DocumentState.callKeys("a"), List.of());
        j.fcall("ss_del", DocumentState.callKeys("b"), List.of());
        assertSameOutcome(opts("doc", "{\"n\":3}", "ifrev", "2"));
        assertEquals("3", j.hget("ss:m:{b}", "rev"));
    }

    @Test
    void writesTheFastPathHandsOnMatch() {
        assertSameOutcome(opts("doc", "{\"n\":1}"));
        assertSameOutcome(opts("doc", "{\"n\":2}", "ttl", "60000"));
        assertSameOutcome(opts("doc", "{\"n\":3}")); // keeps the ttl
        assertSameOutcome(opts("doc", "{\"n\":4}", "histmax", "3"));
        assertSameOutcome(opts("doc", "{\"n\":5}", "histmax", "3", "histage", "60000"));
        assertSameOutcome(opts("doc", "{\"n\":6}", "ttl", "0"));
        assertSameOutcome(opts("doc", "{\"n\":7}", "mode", "json")); // portable server: stays a string
        assertSameOutcome(opts("op", "del")); // an op name is only a label for a whole write
    }

    @Test
    void serverHistoryPolicyAppliesOnBothPaths() {
        j.fcall("ss_hpolicy_set", List.of("ss:histpolicy"), List.of("*", "2", "0"));
        for (int i = 1; i <= 4; i++) {
            assertSameOutcome(opts("doc", "{\"n\":" + i + "}"));
        }
        // A rule that keeps nothing drops what the older rule kept, on the next write.
        j.fcall("ss_hpolicy_set", List.of("ss:histpolicy"), List.of("*", "0", "0"));
        assertSameOutcome(opts("doc", "{\"n\":5}"));
        assertEquals(0, j.xlen("ss:h:{b}"));
    }

    @Test
    void anExpiredDocumentGetsItsTombstoneFirstOnBothPaths() throws InterruptedException {
        // A TTL that outlasts both writes and their inspection however loaded the machine (20 ms,
        // then 500 ms, were a race), then both made to expire now.
        assertSameOutcome(opts("doc", "{\"n\":1}", "ttl", "600000"));
        j.pexpire("a", 1);
        j.pexpire("b", 1);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (j.exists("a") || j.exists("b")) { // an access expires a key that is due
            assertTrue(System.nanoTime() < deadline, "the documents did not expire");
            Thread.sleep(1);
        }
        assertSameOutcome(opts("doc", "{\"n\":2}"));
        List<StreamEntry> feed = j.xrange("ss:feed", (StreamEntryID) null, null);
        assertTrue(
                feed.stream()
                        .anyMatch(e -> "b".equals(e.getFields().get("key"))
                                && "expired".equals(e.getFields().get("op"))),
                "the expiry of b is in the feed");
    }

    @Test
    void aResendIsAnsweredWithoutWritingAgain() {
        assertSameOutcome(opts("doc", "{\"n\":1}", "wid", "w-1"));
        assertSameOutcome(opts("doc", "{\"n\":2}", "wid", "w-2"));
        assertSameOutcome(opts("doc", "{\"n\":2}", "wid", "w-2"));
        assertEquals("2", j.hget("ss:m:{b}", "rev"));
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsWritten() {
        assertSameOutcome(opts("doc", "{\"n\":1}"));
        assertSameOutcome(opts("doc", "{\"n\":2}", "feedmax", "lots"));
        assertSameOutcome(opts("doc", ""));
        assertSameOutcome(opts("doc", "{\"n\":2}", "ifrev", "x"));
        assertSameOutcome(opts("doc", "{\"n\":2}", "mode", "xml"));
        assertEquals(1, j.xlen("ss:feed") / 2);
        assertEquals("{\"n\":1}", j.get("b"));
        String wrongCount = call("ss_write", "b", List.of("put", "{}"));
        assertTrue(wrongCount.startsWith("SS_INVALID ss_write expects 12 arguments"), wrongCount);
    }

    private static List<String> positional(String doc, String ifrev) {
        List<String> a = new ArrayList<>(List.of("put", doc, "", ifrev, "", "w", "", "string", "", "", "", ""));
        return a;
    }

    @Test
    void aBatchCommitsEachWriteOnItsOwnAndAnswersEachInItsPlace() {
        j.fcall("ss_write", DocumentState.callKeys("x"), positional("{\"n\":1}", "0"));
        List<String> ks = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (String d : List.of("x", "y", "x")) {
            ks.addAll(DocumentState.callKeys(d));
        }
        args.addAll(positional("{\"n\":2}", "1")); // x: revision 1 -> 2
        args.addAll(positional("{\"n\":1}", "5")); // y: does not exist -> conflict
        args.addAll(positional("{\"n\":3}", "2")); // x again: sees the first write of the batch
        List<?> r = (List<?>) j.fcall("ss_write_many", ks, args);
        assertEquals(3, r.size());
        assertEquals(2L, ((List<?>) r.get(0)).get(0));
        assertTrue(r.get(1) instanceof redis.clients.jedis.exceptions.JedisDataException, String.valueOf(r.get(1)));
        assertTrue(
                ((Exception) r.get(1)).getMessage().startsWith("SS_CONFLICT \"y\" expected revision 5"),
                ((Exception) r.get(1)).getMessage());
        assertEquals(3L, ((List<?>) r.get(2)).get(0));
        assertEquals("{\"n\":3}", j.get("x"));
        assertEquals(null, j.get("y"));
        assertEquals(3, j.xlen("ss:feed"), "one feed entry per committed write, none for the conflict");
    }

    @Test
    void aBatchWithArgumentsThatDoNotAddUpIsRefusedWhole() {
        List<String> ks = new ArrayList<>(DocumentState.callKeys("x"));
        ks.addAll(DocumentState.callKeys("y"));
        List<String> args = positional("{}", "");
        String err = call("ss_write_many", "x", List.of()); // keys of one write, no arguments
        assertTrue(err.startsWith("SS_INVALID ss_write_many expects 12 arguments"), err);
        Exception e = assertThrows(
                redis.clients.jedis.exceptions.JedisDataException.class, () -> j.fcall("ss_write_many", ks, args));
        assertTrue(e.getMessage().contains("got 12 for 2 writes"), e.getMessage());
        assertEquals(0, j.xlen("ss:feed"));
    }

    @Test
    void withGroupCommitConcurrentWritesStillLoseNothing() throws Exception {
        StateStore store = redis.newStore(b -> b.groupCommit(true));
        for (int d = 0; d < 4; d++) {
            store.put("plain:" + d, StrictJson.parse("{\"counter\":0}"));
        }
        Concurrently.run(8, id -> {
            for (int i = 0; i < 200; i++) {
                store.increment("plain:" + ((id + i) % 4), "$.counter", 1);
            }
        });
        long total = 0;
        for (int d = 0; d < 4; d++) {
            total +=
                    store.get("plain:" + d).orElseThrow().value().get("counter").asLong();
        }
        assertEquals(8 * 200, total);
        assertEquals(4 + 8 * 200, j.xlen("ss:feed"));
    }
}
