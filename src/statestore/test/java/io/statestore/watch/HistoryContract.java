package io.statestore.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.HistoryEntry;
import io.statestore.client.HistoryPolicy;
import io.statestore.client.InvalidInputException;
import io.statestore.client.NotFoundException;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.client.WriteResult;
import io.statestore.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.resps.StreamEntry;

/** History, reads at a revision and revert agree with the sequence of writes. */
public abstract class HistoryContract {
    /**
     * The age of the "old:*" history policy. The test checks that a young entry is kept as well
     * as that an old one goes, so the age is slack for the young checks: at 300 ms a stall of
     * that much between a write and its check (GC, load 10+) failed them. Two seconds cost
     * the age-out tests that much wait each.
     */
    private static final Duration OLD_AGE = Duration.ofSeconds(2);

    protected abstract TestRedis redis();

    private StateStore store;

    @BeforeEach
    void clean() {
        redis().flushAll();
        store = redis().newStore(b ->
                b.historyPolicy(HistoryPolicy.of("h:*", 5)).historyPolicy(HistoryPolicy.of("old:*", 5, OLD_AGE)));
    }

    /** Writes, recording the document text after each one by its revision. */
    private final List<String> after = new ArrayList<>();

    private void record(WriteResult r, String key) {
        while (after.size() <= r.revision()) {
            after.add(null);
        }
        after.set(
                (int) r.revision(),
                store.get(key).map(d -> StrictJson.write(d.value())).orElse(null));
    }

    @Test
    void historyAtRevisionAndRevertFollowTheWritesIncludingBigNumbersAndEmptyArrays() {
        String k = "h:doc";
        record(store.put(k, StrictJson.parse("{\"n\":9223372036854775807,\"u\":18446744073709551615,\"a\":[]}")), k);
        record(store.merge(k, StrictJson.parse("{\"o\":{},\"d\":0.30000000000000004}")), k);
        record(store.increment(k, "$.n", -9223372036854775807L), k);
        record(store.append(k, "$.a", StrictJson.parse("[]"), 0), k);
        record(store.set(k, "$.a", StrictJson.parse("[]")), k);
        record(store.expire(k, Duration.ofHours(1)), k);
        record(store.persist(k), k);
        record(store.put(k, StrictJson.parse("[]")), k);

        List<HistoryEntry> h = store.history().list(k);
        assertEquals(
                List.of(4L, 5L, 6L, 7L, 8L),
                h.stream().map(HistoryEntry::revision).toList(),
                "the last 5 are kept");
        assertEquals(
                List.of("append", "set", "expire", "persist", "put"),
                h.stream().map(HistoryEntry::op).toList());
        for (HistoryEntry e : h) {
            assertEquals(
                    after.get((int) e.revision()),
                    StrictJson.write(e.document().orElseThrow()),
                    "content at " + e.revision());
            assertEquals(
                    after.get((int) e.revision()),
                    StrictJson.write(
                            store.history().get(k, e.revision()).document().orElseThrow()));
        }
        if (!redis().moduleMode()) {
            assertEquals(
                    "{\"n\":9223372036854775807,\"u\":18446744073709551615,\"a\":[],\"o\":{},\"d\":0.30000000000000004}",
                    after.get(2));
        }
        NotFoundException gone =
                assertThrows(NotFoundException.class, () -> store.history().get(k, 3));
        assertTrue(gone.getMessage().contains("revisions 4..8"), gone.getMessage());

        WriteResult reverted = store.history().revert(k, 5);
        assertEquals(9, reverted.revision());
        assertEquals(after.get(5), StrictJson.write(store.get(k).orElseThrow().value()));
        StreamEntry last = redis().commands()
                .xrevrange(redis().layout().feed(k), "+", "-", 1)
                .get(0);
        assertEquals(reverted.changeId(), last.getID().toString());
        assertEquals("revert", last.getFields().get("op"));
        assertEquals("9", last.getFields().get("rev"));
        assertEquals("8", last.getFields().get("prev"));
        assertEquals(after.get(5), last.getFields().get("change"));
        HistoryEntry newest = store.history().list(k).get(4);
        assertEquals("revert", newest.op());
        assertEquals(9, newest.revision());
    }

    @Test
    void deletionsAreKeptAsEntriesWithoutContentAndCannotBeRevertedTo() {
        String k = "h:del";
        store.put(k, StrictJson.parse("{\"a\":[]}"));
        WriteResult del = store.delete(k);
        assertTrue(store.history().get(k, del.revision()).isDeletion());
        assertTrue(store.history().get(k, del.revision()).document().isEmpty());
        assertThrows(InvalidInputException.class, () -> store.history().revert(k, del.revision()));
        WriteResult back = store.history().revert(k, 1);
        assertEquals(3, back.revision());
        assertEquals("{\"a\":[]}", StrictJson.write(store.get(k).orElseThrow().value()));
    }

    @Test
    void keysWithoutHistoryAnswerOnlyForTheirCurrentRevision() {
        String k = "plain:1";
        store.put(k, Map.of("v", 1));
        store.put(k, Map.of("v", 2));
        assertTrue(store.history().list(k).isEmpty());
        assertEquals(
                "{\"v\":2}",
                StrictJson.write(store.history().get(k, 2).document().orElseThrow()));
        assertThrows(NotFoundException.class, () -> store.history().get(k, 1));
    }

    @Test
    void entriesOlderThanTheMaximumAgeAreNotReturned() throws InterruptedException {
        String k = "old:1";
        store.put(k, Map.of("v", 1));
        long t0 = System.currentTimeMillis();
        assertEquals(1, store.history().list(k).size());
        while (System.currentTimeMillis() < t0 + OLD_AGE.toMillis() + 50) {
            Thread.sleep(10); // the entry must grow older than the policy's age: time itself is the subject here
        }
        assertTrue(store.history().list(k).isEmpty());
        store.put(k, Map.of("v", 2));
        assertEquals(1, store.history().list(k).size());
    }

    @Test
    void historyIsTrimmedOnWriteToThePolicysLength() {
        for (int i = 0; i < 40; i++) {
            store.put("h:trim", Map.of("i", i));
        }
        assertEquals(5, redis().commands().xlen("ss:h:{h:trim}"));
    }
}
