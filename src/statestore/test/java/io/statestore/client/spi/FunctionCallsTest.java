package io.statestore.client.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.HistoryPolicy;
import io.statestore.client.internal.HistoryPolicies;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Pins the argument lists {@link FunctionCalls} builds against the function library itself: each
 * call is sent as it is built, with plain FCALL, to a real server, and what the function did
 * (reply, document, metadata, feed entry) shows that it read every argument as meant. A change of
 * a function's signature that this class does not follow fails here first.
 */
class FunctionCallsTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private final KeyLayout layout = new KeyLayout("ss:");
    private final FunctionCalls calls = new FunctionCalls(layout);
    private final FunctionCalls.Writer writer = new FunctionCalls.Writer("pinner", "string", null, "the-source");
    private Jedis j;

    @BeforeEach
    void fresh() {
        j = redis.flushedWithLibraries();
    }

    private Object send(FunctionCalls.Call c) {
        return j.fcall(c.function(), c.keys(), c.args());
    }

    private FunctionCalls.DocumentReply get(String key) {
        return FunctionCalls.document(send(calls.get(key)));
    }

    /** The last feed entry's fields. */
    private Map<String, String> lastEvent() {
        List<StreamEntry> last = j.xrevrange(layout.feed("k"), (StreamEntryID) null, null, 1);
        return new HashMap<>(last.get(0).getFields());
    }

    @Test
    void writeSendsTwelvePositionalArgumentsInTheDocumentedOrder() {
        FunctionCalls.Call c = calls.write("k", "create", "{\"a\":1}", "{\"a\":1}", 0L, "w1", 60_000L, writer);
        assertEquals(12, c.args().size());
        assertEquals(layout.documentCallKeys("k"), c.keys());
        FunctionCalls.Written w = FunctionCalls.written(send(c));
        assertEquals(1, w.revision());
        FunctionCalls.DocumentReply d = get("k");
        assertEquals("{\"a\":1}", d.content());
        assertEquals("pinner", d.writer());
        assertTrue(d.pttlMs() > 0 && d.pttlMs() <= 60_000, "ttl " + d.pttlMs());
        Map<String, String> event = lastEvent();
        assertEquals("create", event.get("op"));
        assertEquals("the-source", event.get("src"));
        assertEquals(
                w.eventId(),
                j.xrevrange(layout.feed("k"), (StreamEntryID) null, null, 1)
                        .get(0)
                        .getID()
                        .toString());
        // IFREV 0 was sent: the same create again is a conflict, not a second revision
        JedisDataException e = assertThrows(
                JedisDataException.class, () -> send(calls.write("k", "create", "{}", null, 0L, "w2", null, writer)));
        assertTrue(e.getMessage().startsWith("SS_CONFLICT"), e.getMessage());
    }

    @Test
    void aLoneJLinkGoesAsSsJwriteWithTheChainsWriteIdAndNothingElseChanged() {
        List<String> steps = List.of("incr", "$.n", "1");
        FunctionCalls.ChainLink link = calls.chainSteps("k", "incr", "1", 4L, writer, steps);
        FunctionCalls.Call lone = calls.jsonStepsOf("k", link, "prod-0:9");
        assertEquals(calls.jsonSteps("k", "incr", "1", 4L, "prod-0:9", writer, steps), lone);
        IllegalArgumentException notJ = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> calls.jsonStepsOf("k", calls.chainDelete(null, writer), "prod-0:9"));
        assertEquals("only a J link has the form of ss_jwrite, got D", notJ.getMessage());
    }

    @Test
    void writeManyAnswersEachWriteInItsPlace() {
        List<Object> r = FunctionCalls.list(send(FunctionCalls.writeMany(List.of(
                calls.write("k", "put", "1", null, null, "a", null, writer),
                calls.write("k", "put", "2", null, 5L, "b", null, writer),
                calls.write("k2", "put", "3", null, null, "c", null, writer)))));
        assertEquals(1, FunctionCalls.written(r.get(0)).revision());
        assertTrue(r.get(1) instanceof JedisDataException e && e.getMessage().startsWith("SS_CONFLICT"), "" + r.get(1));
        assertEquals(1, FunctionCalls.written(r.get(2)).revision());
    }

    @Test
    void aClientHistoryRuleIsSentAsHistmaxAndHistage() {
        FunctionCalls.Writer keeping =
                new FunctionCalls.Writer("pinner", "string", new HistoryPolicies.ClientRule(2, 3_600_000), null);
        for (int i = 1; i <= 3; i++) {
            send(calls.write("k", "put", Integer.toString(i), null, null, "w" + i, null, keeping));
        }
        List<Object> kept = FunctionCalls.list(send(calls.history("k", 0, 0)));
        assertEquals(2, kept.size(), "histmax 2 kept two versions");
    }

    @Test
    void deleteAndTtlUseNamedOptionsAndAreReplayedByWriteId() {
        send(calls.write("k", "put", "{}", null, null, "w1", null, writer));
        FunctionCalls.Call ttl = calls.ttl("k", "expire", 120_000, 1L, "w2", writer);
        FunctionCalls.Written t = FunctionCalls.written(send(ttl));
        assertEquals(2, t.revision());
        assertTrue(get("k").pttlMs() > 60_000);
        assertEquals("expire", lastEvent().get("op"));
        assertEquals(t, FunctionCalls.written(send(ttl)), "the same call again is a re-send of it");

        FunctionCalls.Call del = calls.delete("k", 2L, "w3", writer);
        FunctionCalls.Written d = FunctionCalls.written(send(del));
        assertEquals(3, d.revision());
        assertNull(get("k").content());
        assertEquals(d, FunctionCalls.written(send(del)), "the same call again is a re-send of it");
        assertEquals("del", lastEvent().get("op"));
    }

    @Test
    void theImportersPutRecordsItsOperationAndSource() {
        FunctionCalls.Writer importer = new FunctionCalls.Writer("importer", "string", null, "legacy/status.json");
        FunctionCalls.Written w = FunctionCalls.written(send(calls.put("k", "import", "[1]", 0L, 30_000L, importer)));
        assertEquals(1, w.revision());
        assertEquals("[1]", get("k").content());
        assertTrue(get("k").pttlMs() > 0);
        Map<String, String> event = lastEvent();
        assertEquals("import", event.get("op"));
        assertEquals("legacy/status.json", event.get("src"));
        assertEquals("importer", event.get("writer"));
    }

    @Test
    void aTransactionPutsAndDeletesDocumentsOfOneGroup() {
        send(calls.write("{g}:b", "put", "\"old\"", null, null, "w", null, writer));
        List<Object> r = FunctionCalls.list(send(calls.transaction(
                List.of(
                        new FunctionCalls.TxWrite("{g}:a", 0, 60_000L, "{\"n\":1}"),
                        new FunctionCalls.TxWrite("{g}:b", 1, null, null)),
                writer)));
        assertEquals(1, FunctionCalls.written(r.get(0)).revision());
        assertEquals(2, FunctionCalls.written(r.get(1)).revision());
        assertEquals("{\"n\":1}", get("{g}:a").content());
        assertTrue(get("{g}:a").pttlMs() > 0);
        assertNull(get("{g}:b").content());
    }

    @Test
    void readsFindWhatWasWritten() {
        send(calls.write("p:1", "put", "1", null, null, "a", null, writer));
        send(calls.write("p:2", "put", "2", null, null, "b", null, writer));
        List<Object> many = FunctionCalls.list(send(calls.mget(List.of("p:1", "p:2", "p:3"))));
        assertEquals("2", FunctionCalls.document(many.get(1)).content());
        assertNull(FunctionCalls.document(many.get(2)).content());

        List<Object> page = FunctionCalls.list(send(calls.list("p:", "")));
        assertEquals("", FunctionCalls.text(page.get(0)), "one page holds both");
        assertEquals(
                List.of("p:1", "p:2"),
                page.subList(1, page.size()).stream().map(FunctionCalls::text).toList());

        List<Object> one = FunctionCalls.list(send(calls.snapshotOf("p:1")));
        List<Object> under = FunctionCalls.list(send(calls.snapshotUnder("p:", "", 10)));
        assertEquals(FunctionCalls.text(one.get(0)), FunctionCalls.text(under.get(0)), "the same feed position");
        assertEquals(3, one.size());
        assertEquals(4, under.size());

        List<Object> read = FunctionCalls.list(send(FunctionCalls.read(layout.feed("p:1"), "0-0", 10)));
        assertEquals("ok", FunctionCalls.text(read.get(0)));
        assertEquals(2, FunctionCalls.list(read.get(2)).size());
    }

    @Test
    void historyPolicyRulesRoundTripWithTheirVersion() {
        List<HistoryPolicy> rules = List.of(new HistoryPolicy("p:*", 3, Duration.ofMinutes(5)));
        String version = FunctionCalls.text(send(calls.setHistoryPolicy(null, rules)));
        List<Object> got = FunctionCalls.list(send(calls.historyPolicy()));
        assertEquals(version, FunctionCalls.text(got.get(0)));
        assertEquals(
                List.of("p:*", "3", "300000"),
                FunctionCalls.list(got.get(1)).stream().map(FunctionCalls::text).toList());
        JedisDataException stale =
                assertThrows(JedisDataException.class, () -> send(calls.setHistoryPolicy("not-" + version, List.of())));
        assertTrue(stale.getMessage().startsWith("SS_CONFLICT"), stale.getMessage());
    }

    @Test
    void daemonCallsAreAccepted() {
        send(calls.configure(1234, true));
        List<Object> settings = FunctionCalls.list(j.fcall("ss_config_get", List.of(layout.settings()), List.of()));
        Map<String, String> byName = new HashMap<>();
        for (int i = 0; i + 1 < settings.size(); i += 2) {
            byName.put(FunctionCalls.text(settings.get(i)), FunctionCalls.text(settings.get(i + 1)));
        }
        assertEquals("1234", byName.get("feedmax"));
        assertEquals("on", byName.get("jsoncheck"));

        send(calls.write("k", "put", "{}", null, null, "w", null, writer));
        assertEquals(0L, send(calls.upgrade("k")), "nothing to move for a document without a hash tag");
        assertEquals(0L, send(calls.reap("k", "daemon")), "a live document is not reaped");
    }

    @Test
    void reapCommitsTheTombstoneOfADocumentRedisExpired() {
        send(calls.write("k", "put", "{}", null, null, "w", 1L, writer));
        while (j.exists("k")) { // Redis removes an expired key when it is next touched
            Thread.onSpinWait();
        }
        assertEquals(1L, send(calls.reap("k", "daemon")));
        assertEquals("expired", lastEvent().get("op"));
        assertEquals(0L, send(calls.reap("k", "daemon")), "the same expiry is committed once");
    }

    @Test
    void jsonStepsSendTenPositionalArgumentsThenTheSteps() {
        send(calls.write("k", "put", "{}", null, null, "w", null, writer));
        FunctionCalls.Call c = calls.jsonSteps("k", "patch", null, 1L, "w2", writer, List.of("incr", "$.n", "1"));
        assertEquals(13, c.args().size(), "ten positional arguments, then the steps");
        // a document kept as a string answers SS_STRINGDOC only once every argument was accepted
        JedisDataException e = assertThrows(JedisDataException.class, () -> send(c));
        assertTrue(e.getMessage().startsWith("SS_STRINGDOC"), e.getMessage());
    }
}
