package io.statestore.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ConflictException;
import io.statestore.client.JsonPath;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StorageMode;
import io.statestore.client.StrictJson;
import io.statestore.client.WriteOptions;
import io.statestore.client.WriteResult;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisGateway;
import io.statestore.testing.RedisServerExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Flat combining against a real server (docs/combining.md): a chain applies its links in order,
 * each with its own revision, feed entry and result; it stops at the first link that cannot
 * apply and the client sends the rest again; a re-sent chain is answered, not applied twice; a
 * malformed chain is refused before anything is written.
 */
abstract class ChainCombiningContract {
    static final String KEY = "hot:doc";

    abstract RedisServerExtension redis();

    private RedisGateway gateway;
    private WriteCalls calls;
    private StorageMode mode;

    @BeforeEach
    void connect() {
        redis().flushAll();
        StateStore store = redis().newStore();
        mode = store.mode();
        StateStoreOptions options = StateStoreOptions.builder()
                .uri(redis().uri())
                .writer("chain-test")
                .build();
        gateway = new RedisGateway(options);
        calls = new WriteCalls(options, gateway, new KeyLayout(options.keyPrefix()), mode);
        store.put(KEY, StrictJson.parse("{\"n\":0,\"tags\":[]}"));
    }

    @AfterEach
    void close() {
        gateway.close();
    }

    // ---- through the client's combiner

    @Test
    void aFailedCasInTheMiddleFailsAloneAndTheLinksBehindItAreSentAgainAndApplied() throws Exception {
        List<Integer> chains = Collections.synchronizedList(new ArrayList<>());
        Object gate = new Object();
        boolean[] open = {false};
        WriteCombiner combiner = new WriteCombiner(
                (key, batch, lane, slot) -> {
                    chains.add(batch.size());
                    if (chains.size() == 1) {
                        awaitOpen(gate, open); // the first call is in flight while the others queue behind it
                    }
                    return ChainRun.send(calls, key, batch, lane, slot);
                },
                1);
        CompletableFuture<WriteResult> first = submit(combiner, () -> merge("{\"a\":1}"));
        while (chains.isEmpty()) {
            Thread.onSpinWait();
        }
        CompletableFuture<WriteResult> second = submit(combiner, () -> merge("{\"b\":2}"));
        awaitQueued(combiner, 1);
        // a conditional delete: a compare-and-set put behind other links is decided by the client (below)
        CompletableFuture<WriteResult> cas = submit(combiner, () -> CombinedWrite.delete(WriteOptions.ifRevision(99)));
        awaitQueued(combiner, 2);
        CompletableFuture<WriteResult> third = submit(combiner, () -> merge("{\"c\":3}"));
        awaitQueued(combiner, 3);
        CompletableFuture<WriteResult> fourth = submit(combiner, () -> increment("$.n", 5));
        awaitQueued(combiner, 4);
        synchronized (gate) {
            open[0] = true;
            gate.notifyAll();
        }
        assertEquals(2, first.get().revision());
        assertEquals(3, second.get().revision());
        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, cas::get);
        assertInstanceOf(ConflictException.class, failed.getCause());
        assertEquals(4, third.get().revision());
        WriteResult incr = fourth.get();
        assertEquals(5, incr.revision());
        assertEquals(5, incr.value().orElseThrow().asLong(), "the increment's own result");
        // chain 1: the first merge alone; chain 2: merge b, the CAS (fails alone), merge c (stopped
        // behind it) and the increment (stopped, or in portable mode not computable on the CAS's
        // document and so left for the next chain); chain 3: merge c and the increment again
        assertEquals(List.of(1, 4, 2), chains);
        assertEquals(StrictJson.parse("{\"n\":5,\"tags\":[],\"a\":1,\"b\":2,\"c\":3}"), document());
        assertFeed(List.of("put", "merge", "merge", "merge", "incr"));
    }

    @Test
    void compareAndSetsOfOneRevisionQueuedTogetherAreDecidedInOneChain() throws Exception {
        List<Integer> chains = Collections.synchronizedList(new ArrayList<>());
        Object gate = new Object();
        boolean[] open = {false};
        WriteCombiner combiner = new WriteCombiner(
                (key, batch, lane, slot) -> {
                    chains.add(batch.size());
                    if (chains.size() == 1) {
                        awaitOpen(gate, open);
                    }
                    return ChainRun.send(calls, key, batch, lane, slot);
                },
                1);
        CompletableFuture<WriteResult> first = submit(combiner, () -> merge("{\"a\":1}"));
        while (chains.isEmpty()) {
            Thread.onSpinWait();
        }
        // a hot key's read-modify-write: every thread read revision 2 and sets it
        List<CompletableFuture<WriteResult>> cas = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String doc = "{\"cas\":" + i + "}";
            cas.add(submit(combiner, () -> CombinedWrite.put("put", doc, WriteOptions.ifRevision(2), 2L)));
            awaitQueued(combiner, i + 1);
        }
        synchronized (gate) {
            open[0] = true;
            gate.notifyAll();
        }
        assertEquals(2, first.get().revision());
        assertEquals(3, cas.get(0).get().revision(), "the first compare-and-set applies");
        for (CompletableFuture<WriteResult> refused : cas.subList(1, cas.size())) {
            ExecutionException e =
                    org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, refused::get);
            ConflictException c = assertInstanceOf(ConflictException.class, e.getCause());
            assertEquals(3, c.currentRevision().orElseThrow());
            org.junit.jupiter.api.Assertions.assertTrue(
                    java.util.Arrays.stream(c.getStackTrace())
                            .noneMatch(f -> f.getMethodName().equals("decideDeferred")),
                    "the refusal is made in its caller's thread, with the caller's stack trace, not the combiner's");
        }
        assertEquals(List.of(1, 5), chains, "the refused ones decided with the chain, not one round trip each");
        assertEquals(StrictJson.parse("{\"cas\":0}"), document());
        assertFeed(List.of("put", "merge", "put"));
    }

    @Test
    void sixteenThreadsOnOneDocumentEachGetTheirOwnRevisionAndFeedEntry() throws Exception {
        StateStore store = redis().newStore();
        int threads = 16;
        int each = 50;
        List<Long> revisions = Collections.synchronizedList(new ArrayList<>());
        io.statestore.testing.Concurrently.run(threads, id -> {
            for (int i = 0; i < each; i++) {
                WriteResult r = i % 2 == 0
                        ? store.merge(KEY, StrictJson.parse("{\"t" + id + "\":" + i + "}"))
                        : store.increment(KEY, "$.n", 1);
                revisions.add(r.revision());
            }
        });
        Collections.sort(revisions);
        for (int i = 0; i < revisions.size(); i++) {
            assertEquals(i + 2, revisions.get(i), "every write its own revision, none twice, none skipped");
        }
        assertEquals(threads * each / 2, document().get("n").asLong());
        List<StreamEntry> feed = feed();
        assertEquals(1 + threads * each, feed.size());
        for (int i = 0; i < feed.size(); i++) {
            assertEquals(Integer.toString(i + 1), feed.get(i).getFields().get("rev"), "feed entries in revision order");
        }
    }

    @Test
    void withCombiningOffEveryWriteStillTakesItsFormerPath() throws Exception {
        StateStore store = redis().newStore(b -> b.combineWrites(false));
        int threads = 8;
        int each = 25;
        io.statestore.testing.Concurrently.run(threads, id -> {
            for (int i = 0; i < each; i++) {
                store.increment(KEY, "$.n", 1);
            }
        });
        assertEquals(threads * each, document().get("n").asLong());
        assertEquals(
                2 + threads * each,
                store.merge(KEY, StrictJson.parse("{\"m\":1}")).revision());
        assertTrue(store.create(KEY, StrictJson.parse("{}")).isEmpty(), "create of an existing document");
        assertEquals(3 + threads * each, store.delete(KEY).revision());
        assertEquals(
                4 + threads * each,
                store.put(KEY, StrictJson.parse("{\"n\":0}")).revision());
        assertEquals(4 + threads * each, feed().size(), "one feed entry per change");
    }

    // ---- the function itself

    @Test
    void aReplayedChainGetsTheSameRepliesAndNothingIsAppliedTwice() {
        FunctionCalls protocol = calls.protocol();
        FunctionCalls.Writer w = calls.writer(List.of(KEY), WriteOptions.DEFAULT);
        List<FunctionCalls.ChainLink> links = List.of(
                protocol.chainWrite(KEY, "merge", "{\"n\":1,\"tags\":[]}", "{\"n\":1}", 1L, null, w),
                protocol.chainWrite(KEY, "put", "{\"x\":1}", null, 77L, null, w),
                protocol.chainWrite(KEY, "put", "{\"y\":1}", null, null, null, w));
        FunctionCalls.Call call = protocol.chain(KEY, "prod:chain-1", links);
        List<Object> replies = gateway.fcallEach(call, KEY);
        assertEquals(2, FunctionCalls.written(replies.get(0)).revision());
        assertTrue(
                ((FunctionCalls.ErrorReply) replies.get(1)).message().startsWith("SS_CONFLICT"),
                replies.get(1).toString());
        assertTrue(FunctionCalls.chainStopped(replies.get(2)), replies.get(2).toString());
        // another writer commits in between; the re-sent chain is still recognised
        gateway.fcall(protocol.write(KEY, "put", "{\"other\":1}", null, null, "w-other", null, w), KEY);
        List<Object> again = gateway.fcallEach(call, KEY);
        assertEquals(describe(replies), describe(again));
        assertEquals(3, revision());
        assertFeed(List.of("put", "merge", "put"));
        String reused = org.junit.jupiter.api.Assertions.assertThrows(
                        io.statestore.client.InvalidInputException.class,
                        () -> gateway.fcallEach(protocol.chain(KEY, "prod:chain-1", links.subList(0, 1)), KEY))
                .getMessage();
        assertTrue(reused.contains("chain write ID \"prod:chain-1\" was used for another chain"), reused);
        assertEquals(3, revision());
    }

    /**
     * The producers a document remembers are listed in the order they first wrote it, and beyond 64
     * the oldest record is dropped (until library 16 the list was never written: an absent record
     * read as Lua's false, not nil, so every producer counted as known and the records piled up).
     */
    @Test
    void producersBeyondSixtyFourAreForgottenOldestFirst() {
        FunctionCalls protocol = calls.protocol();
        FunctionCalls.Writer w = calls.writer(List.of(KEY), WriteOptions.DEFAULT);
        for (int i = 0; i < 65; i++) {
            List<FunctionCalls.ChainLink> links =
                    List.of(protocol.chainWrite(KEY, "put", "{\"n\":" + i + "}", null, null, null, w));
            gateway.fcallEach(protocol.chain(KEY, "p" + i + ":c1", links), KEY);
        }
        assertSixtyFourListedOldestForgotten("p", "c1");
        assertEquals(66, revision());
    }

    /**
     * A lone write sent as plain {@code ss_write} with its chain's write ID lists a producer new to
     * the document as {@code ss_chain} does (until this was found in review, library 17's first
     * form read an absent record as Lua's false, counted every producer as known and never listed
     * it: the records of one-write producers piled up in the metadata).
     */
    @Test
    void loneWritesOfSixtyFiveProducersListThemAndForgetTheOldest() {
        FunctionCalls protocol = calls.protocol();
        FunctionCalls.Writer w = calls.writer(List.of(KEY), WriteOptions.DEFAULT);
        for (int i = 0; i < 65; i++) {
            gateway.fcall(
                    protocol.writeOf(
                            KEY,
                            protocol.chainWrite(KEY, "put", "{\"n\":" + i + "}", null, null, null, w),
                            "q" + i + ":1"),
                    KEY);
        }
        assertSixtyFourListedOldestForgotten("q", "1");
        assertEquals(66, revision());
    }

    /**
     * After producers PREFIX0..PREFIX64 wrote once each: the last 64 are listed in the order they
     * first wrote, PREFIX0's record is gone and PREFIX64's names its chain {@code unique}.
     */
    private void assertSixtyFourListedOldestForgotten(String prefix, String unique) {
        try (Jedis j = redis().jedis()) {
            String meta = "ss:m:{" + KEY + "}";
            List<String> listed = List.of(j.hget(meta, "cq").split(" "));
            assertEquals(64, listed.size(), listed.toString());
            assertEquals(prefix + "1", listed.get(0));
            assertEquals(prefix + "64", listed.get(63));
            assertEquals(null, j.hget(meta, "c:" + prefix + "0"));
            assertTrue(j.hget(meta, "c:" + prefix + "64").startsWith(unique + " "), j.hget(meta, "c:" + prefix + "64"));
        }
    }

    /**
     * A lone in-place link (module mode's usual write) has its producer's record read and written
     * together with the document's metadata; a re-send after another writer's change is still
     * answered with the first reply and applies nothing.
     */
    @Test
    void aLoneInPlaceLinkIsRememberedAndItsResendAnswered() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                mode == StorageMode.MODULE, "in-place links exist in module mode only (a JSON module on the server)");
        FunctionCalls protocol = calls.protocol();
        FunctionCalls.Writer w = calls.writer(List.of(KEY), WriteOptions.DEFAULT);
        List<String> incr = List.of("incr", "$.n", "5");
        for (int chain = 1; chain <= 2; chain++) { // the first makes the producer known, the second takes the fold
            FunctionCalls.Call call = protocol.chain(
                    KEY, "lone:c" + chain, List.of(protocol.chainSteps(KEY, "incr", "[5]", null, w, incr)));
            List<Object> replies = gateway.fcallEach(call, KEY);
            gateway.fcall(protocol.write(KEY, "put", "{\"n\":100}", null, null, "w-other-" + chain, null, w), KEY);
            long before = revision();
            List<Object> again = gateway.fcallEach(call, KEY);
            assertEquals(describe(replies), describe(again));
            assertEquals(before, revision());
        }
        try (Jedis j = redis().jedis()) {
            assertEquals("lone", j.hget("ss:m:{" + KEY + "}", "cq"));
            assertTrue(j.hget("ss:m:{" + KEY + "}", "c:lone").startsWith("c2 "));
        }
        assertEquals(5, revision()); // put (setup), incr, put, incr, put
    }

    @Test
    void aLoneLinkSentAsSsWriteIsRecordedAsItsProducersChainAndAnsweredWhenResent() {
        FunctionCalls protocol = calls.protocol();
        FunctionCalls.Writer w = calls.writer(List.of(KEY), WriteOptions.DEFAULT);
        FunctionCalls.Call lone = protocol.writeOf(
                KEY, protocol.chainWrite(KEY, "merge", "{\"n\":1,\"tags\":[]}", "{\"n\":1}", 1L, null, w), "prod-0:7");
        Object first = gateway.fcall(lone, KEY);
        assertEquals(2, FunctionCalls.written(first).revision());
        // another writer commits in between; the re-sent call is still recognised, not applied again
        gateway.fcall(protocol.write(KEY, "put", "{\"other\":1}", null, null, "w-other", null, w), KEY);
        Object again = gateway.fcall(lone, KEY);
        assertEquals(describe(List.of(first)), describe(List.of(again)));
        assertEquals(3, revision());
        assertFeed(List.of("put", "merge", "put"));
        String reused = org.junit.jupiter.api.Assertions.assertThrows(
                        io.statestore.client.InvalidInputException.class,
                        () -> gateway.fcall(
                                protocol.writeOf(
                                        KEY,
                                        protocol.chainWrite(KEY, "put", "{\"x\":2}", null, null, null, w),
                                        "prod-0:7"),
                                KEY))
                .getMessage();
        assertTrue(reused.contains("chain write ID \"prod-0:7\" was used for another chain"), reused);
        // the producer's next chain is applied as usual, and a refused lone write records nothing
        List<Object> next = gateway.fcallEach(
                protocol.chain(
                        KEY, "prod-0:8", List.of(protocol.chainWrite(KEY, "put", "{\"y\":1}", null, 3L, null, w))),
                KEY);
        assertEquals(4, FunctionCalls.written(next.get(0)).revision());
        FunctionCalls.Call stale =
                protocol.writeOf(KEY, protocol.chainWrite(KEY, "put", "{\"z\":1}", null, 3L, null, w), "prod-0:9");
        org.junit.jupiter.api.Assertions.assertThrows(ConflictException.class, () -> gateway.fcall(stale, KEY));
        org.junit.jupiter.api.Assertions.assertThrows(ConflictException.class, () -> gateway.fcall(stale, KEY));
        assertEquals(4, revision());
        assertEquals(StrictJson.parse("{\"y\":1}"), document());
    }

    /**
     * A lone in-place link goes as plain {@code ss_jwrite} carrying its chain's write ID (library
     * 17), which records it as its producer's last chain: a re-send after another process's write
     * is answered with the first reply (the increment's value too) and applies nothing, whether the
     * producer was new to the document (record written on its own) or known (record written with
     * the metadata). The same write ID for another write is refused; the producer's next chain,
     * sent as a chain, applies and is answered when re-sent; a refused lone write records nothing.
     */
    @Test
    void aLoneInPlaceLinkSentAsSsJwriteIsRecordedAsItsProducersChainAndAnsweredWhenResent() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                mode == StorageMode.MODULE, "in-place links exist in module mode only");
        FunctionCalls protocol = calls.protocol();
        FunctionCalls.Writer w = calls.writer(List.of(KEY), WriteOptions.DEFAULT);
        List<String> incr = List.of("incr", "$.n", "5");
        for (int chain = 1; chain <= 2; chain++) {
            FunctionCalls.Call lone = protocol.jsonStepsOf(
                    KEY, protocol.chainSteps(KEY, "incr", "[5]", null, w, incr), "prod-0:" + chain);
            assertEquals("ss_jwrite", lone.function());
            Object first = gateway.fcall(lone, KEY);
            assertEquals(5, WriteCalls.incrementValue(KEY, first).asLong());
            gateway.fcall(
                    protocol.write(KEY, "put", "{\"n\":0,\"tags\":[]}", null, null, "w-other-" + chain, null, w), KEY);
            long before = revision();
            Object again = gateway.fcall(lone, KEY);
            assertEquals(texts(first), texts(again));
            assertEquals(before, revision());
            assertEquals(0, document().get("n").asLong(), "the re-sent increment was not applied again");
        }
        assertFeed(List.of("put", "incr", "put", "incr", "put"));
        try (Jedis j = redis().jedis()) {
            assertEquals("prod-0", j.hget("ss:m:{" + KEY + "}", "cq"));
            assertTrue(j.hget("ss:m:{" + KEY + "}", "c:prod-0").startsWith("2 "));
        }
        String reused = org.junit.jupiter.api.Assertions.assertThrows(
                        io.statestore.client.InvalidInputException.class,
                        () -> gateway.fcall(
                                protocol.jsonStepsOf(
                                        KEY,
                                        protocol.chainSteps(KEY, "incr", "[6]", null, w, List.of("incr", "$.n", "6")),
                                        "prod-0:2"),
                                KEY))
                .getMessage();
        assertTrue(reused.contains("chain write ID \"prod-0:2\" was used for another chain"), reused);
        assertEquals(5, revision());

        FunctionCalls.Call next = protocol.chain(
                KEY,
                "prod-0:3",
                List.of(
                        protocol.chainSteps(KEY, "incr", "[5]", null, w, incr),
                        protocol.chainSteps(KEY, "incr", "[5]", null, w, incr)));
        List<Object> replies = gateway.fcallEach(next, KEY);
        assertEquals(
                List.of("6", "7"),
                List.of(texts(replies.get(0)).get(0), texts(replies.get(1)).get(0)));
        gateway.fcall(protocol.write(KEY, "put", "{\"n\":0,\"tags\":[]}", null, null, "w-other-3", null, w), KEY);
        assertEquals(describe(replies), describe(gateway.fcallEach(next, KEY)));
        assertEquals(8, revision());

        FunctionCalls.Call stale =
                protocol.jsonStepsOf(KEY, protocol.chainSteps(KEY, "incr", "[5]", 3L, w, incr), "prod-0:4");
        org.junit.jupiter.api.Assertions.assertThrows(ConflictException.class, () -> gateway.fcall(stale, KEY));
        org.junit.jupiter.api.Assertions.assertThrows(ConflictException.class, () -> gateway.fcall(stale, KEY));
        assertEquals(8, revision());
        try (Jedis j = redis().jedis()) {
            assertTrue(j.hget("ss:m:{" + KEY + "}", "c:prod-0").startsWith("3 "), "a refusal records nothing");
        }
        assertFeed(List.of("put", "incr", "put", "incr", "put", "incr", "incr", "put"));
    }

    /**
     * Through the client's combiner, a merge and an increment with nothing queued behind them go
     * as {@code ss_jwrite} with the chain's write ID {@code PRODUCER-SLOT:N} (read back from the
     * server's slow log, which records every command at threshold 0), and each gets its own result.
     * (Valkey logs at most 32 arguments of a command; the write ID is the twelfth.)
     */
    @Test
    void aLoneInPlaceWriteThroughTheCombinerGoesAsSsJwriteWithItsChainsWriteId() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                mode == StorageMode.MODULE, "in-place links exist in module mode only");
        WriteCombiner combiner =
                new WriteCombiner((key, batch, lane, slot) -> ChainRun.send(calls, key, batch, lane, slot), 4);
        List<List<String>> sent = new ArrayList<>();
        try (Jedis j = redis().jedis()) {
            String threshold = j.configGet("slowlog-log-slower-than").get("slowlog-log-slower-than");
            j.configSet("slowlog-log-slower-than", "0");
            try {
                j.slowlogReset();
                assertEquals(2, combiner.write(KEY, merge("{\"a\":1}")).revision());
                WriteResult incr = combiner.write(KEY, increment("$.n", 5));
                assertEquals(3, incr.revision());
                assertEquals(5, incr.value().orElseThrow().asLong());
                for (redis.clients.jedis.resps.Slowlog entry : j.slowlogGet(128)) { // the commands inside the calls too
                    if (entry.getArgs().size() > 1 && entry.getArgs().get(0).equalsIgnoreCase("FCALL")) {
                        sent.add(entry.getArgs());
                    }
                }
            } finally {
                j.configSet("slowlog-log-slower-than", threshold);
            }
        }
        assertEquals(2, sent.size(), sent.toString());
        for (List<String> call : sent) {
            assertEquals("ss_jwrite", call.get(1), call.toString());
            assertTrue(call.get(11).matches("[0-9a-f]+-[0-9]+:[0-9]+"), "the chain's write ID: " + call.get(11));
        }
        assertFeed(List.of("put", "merge", "incr"));
    }

    private static List<String> texts(Object reply) {
        List<String> out = new ArrayList<>();
        for (Object o : FunctionCalls.list(reply)) {
            out.add(FunctionCalls.text(o));
        }
        return out;
    }

    @Test
    void malformedChainsAreRefusedInOurWordsAndNothingIsWritten() {
        String k = KEY + " ss:m:{" + KEY + "} ss:h:{" + KEY + "} ss:feed ss:index";
        String[] w = {"W", "merge", "{\"z\":1}", "", "", "", "w", "", "string", "", "", "", ""};
        List<List<String>> bad = List.of(
                List.of("p:c1", "0"),
                List.of("p:c1", "257"),
                List.of("p:c1", "x"),
                List.of("bad id", "1", "D", "del", "", "w", "", "", ""),
                join(List.of("p:c1", "1"), List.of(w).subList(0, 12)),
                join(List.of("p:c1", "2"), List.of(w)),
                join(List.of("p:c1", "1"), List.of(w), List.of("extra")),
                List.of("p:c1", "1", "X", "a"),
                List.of("p:c1", "1", "D", "bogus", "", "w", "", "", ""),
                List.of("p:c1", "1", "D", "del", "x1", "w", "", "", ""),
                List.of("p:c1", "1", "D", "del", "", "w", "-1", "", ""),
                List.of("p:c1", "1", "W", "merge", "{}", "", "", "my-wid", "w", "", "string", "", "", "", ""),
                List.of("p:c1", "1", "W", "merge", "{}", "", "", "", "w", "10", "string", "", "", "", ""),
                List.of("p:c1", "1", "W", "merge", "{}", "", "", "", "w", "", "xml", "", "", "", ""),
                List.of("p:c1", "1", "J", "10", "patch", "", "", "", "w", "", "json", "", "", ""),
                List.of("p:c1", "1", "J", "11", "patch", "", "", "", "w", "", "json", "", "", "", "explode"),
                List.of("p:c1", "1", "J", "12", "patch", "", "", "", "w", "", "json", "", "", "", "incr"),
                List.of("p:c1", "1", "J", "99", "patch", "", "", "", "w", "", "json", "", "", "", "del", "$.a"));
        try (Jedis j = redis().jedis()) {
            byte[] doc = j.dump(KEY);
            byte[] meta = j.dump("ss:m:{" + KEY + "}");
            long feed = j.xlen("ss:feed");
            for (List<String> args : bad) {
                String reply;
                try {
                    reply = String.valueOf(j.fcall("ss_chain", List.of(k.split(" ")), args));
                } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                    reply = e.getMessage();
                }
                assertTrue(
                        reply.startsWith("SS_INVALID ") && (reply.contains("chain") || reply.contains("feedmax")),
                        args + " -> " + reply);
                assertArrayEquals(doc, j.dump(KEY), "document unchanged after " + args);
                assertArrayEquals(meta, j.dump("ss:m:{" + KEY + "}"), "metadata unchanged after " + args);
                assertEquals(feed, j.xlen("ss:feed"), "no feed entry after " + args);
            }
            String keys = String.valueOf(assertRefused(
                    j,
                    List.of(KEY, "ss:m:{other}", "ss:h:{" + KEY + "}", "ss:feed", "ss:index"),
                    List.of("p:c1", "1", "D", "del", "", "w", "", "", "")));
            assertTrue(keys.startsWith("SS_KEYS "), keys);
            assertArrayEquals(doc, j.dump(KEY));
        }
    }

    // ---- helpers

    private static String assertRefused(Jedis j, List<String> keys, List<String> args) {
        try {
            return String.valueOf(j.fcall("ss_chain", keys, args));
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            return e.getMessage();
        }
    }

    @SafeVarargs
    private static List<String> join(List<String>... parts) {
        List<String> out = new ArrayList<>();
        for (List<String> p : parts) {
            out.addAll(p);
        }
        return out;
    }

    private CombinedWrite merge(String patch) {
        JsonNode p = StrictJson.parse(patch);
        List<String> steps = mode == StorageMode.MODULE ? ModuleSteps.merge(p) : null;
        return CombinedWrite.update(
                "merge", patch, WriteOptions.DEFAULT, steps, doc -> new JsonNode[] {MergePatch.apply(doc, p), null});
    }

    private CombinedWrite increment(String path, long by) {
        JsonPath jp = JsonPath.parse(path);
        JsonNode d = PathEditor.numberNode(by);
        List<String> steps = mode == StorageMode.MODULE ? ModuleSteps.increment(jp, d) : null;
        return CombinedWrite.update(
                "incr",
                "[{\"op\":\"incr\",\"path\":\"" + path + "\",\"by\":" + by + "}]",
                WriteOptions.DEFAULT,
                steps,
                doc -> PathEditor.increment(KEY, doc, jp, by));
    }

    /** Runs the write on a thread of its own: a CombinedWrite belongs to the thread that made it. */
    private static CompletableFuture<WriteResult> submit(WriteCombiner combiner, Supplier<CombinedWrite> write) {
        CompletableFuture<WriteResult> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(combiner.write(KEY, write.get()));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return f;
    }

    private static void awaitQueued(WriteCombiner combiner, int writes) {
        while (combiner.pending(KEY) < writes) {
            Thread.onSpinWait();
        }
    }

    private static void awaitOpen(Object gate, boolean[] open) {
        synchronized (gate) {
            while (!open[0]) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static List<String> describe(List<Object> replies) {
        List<String> out = new ArrayList<>();
        for (Object r : replies) {
            out.add(
                    r instanceof FunctionCalls.ErrorReply e
                            ? e.message()
                            : FunctionCalls.written(r).revision() + " "
                                    + FunctionCalls.written(r).eventId());
        }
        return out;
    }

    private JsonNode document() {
        try (Jedis j = redis().jedis()) {
            String text = j.type(KEY).equals("string")
                    ? j.get(KEY)
                    : new String(
                            (byte[]) j.sendCommand(() -> "JSON.GET".getBytes(), KEY),
                            java.nio.charset.StandardCharsets.UTF_8);
            return StrictJson.parse(text);
        }
    }

    private long revision() {
        try (Jedis j = redis().jedis()) {
            return Long.parseLong(j.hget("ss:m:{" + KEY + "}", "rev"));
        }
    }

    private List<StreamEntry> feed() {
        try (Jedis j = redis().jedis()) {
            return j.xrange("ss:feed", (StreamEntryID) null, (StreamEntryID) null);
        }
    }

    private void assertFeed(List<String> ops) {
        List<StreamEntry> feed = feed();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < feed.size(); i++) {
            Map<String, String> f = feed.get(i).getFields();
            got.add(f.get("op"));
            assertEquals(Integer.toString(i + 1), f.get("rev"), "revisions contiguous, in feed order");
            assertEquals(Integer.toString(i), f.get("prev"));
        }
        assertEquals(ops, got);
    }
}
