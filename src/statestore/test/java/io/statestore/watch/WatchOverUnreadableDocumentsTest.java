package io.statestore.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ChangeEvent;
import io.statestore.client.Document;
import io.statestore.client.StateStore;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * A document a reader cannot parse (here made so by a raw SET around statestore) is reported to
 * the listener for its key, and the watch goes on delivering every other document's changes.
 * Also: a watch without a snapshot starts at the end of a non-empty feed on Redis 7.0.
 */
class WatchOverUnreadableDocumentsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private StateStore store;

    @BeforeEach
    void clean() {
        redis.flushAll();
        store = redis.newStore();
    }

    private static void rawSet(String key, String text) {
        try (Jedis j = redis.jedis()) {
            j.set(key, text);
        }
    }

    @Test
    void aPrefixWatchReportsTheUnreadableDocumentAndKeepsDeliveringTheOthers() throws Exception {
        store.put("u:1", Map.of("n", 1));
        store.put("u:2", Map.of("n", 2));
        store.put("u:3", Map.of("n", 3));
        rawSet("u:2", "not json");
        Recorder rec = new Recorder();
        try (Watcher w = store.watch().watch(WatchOptions.builder().prefix("u:").build(), rec)) {
            rec.await(() -> rec.snapshots.size() == 1, WAIT, "the snapshot");
            List<Document<JsonNode>> snapshot = rec.snapshots.get(0);
            assertEquals(
                    List.of("u:1", "u:3"), snapshot.stream().map(Document::key).toList());
            assertEquals(
                    List.of("unreadable:u:2", "snapshot"), rec.order, "reported before the snapshot it is left out of");
            String report = rec.unreadable.get(0);
            assertTrue(report.startsWith("u:2@" + rec.snapshotPositions.get(0) + ": "), report);
            assertTrue(report.contains("invalid JSON in document \"u:2\""), report);

            store.merge("u:1", Map.of("n", 10));
            store.put("u:3", Map.of("n", 30));
            rec.await(() -> rec.events.size() == 2, WAIT, "the changes of the readable documents");
            assertEquals(
                    List.of("u:1", "u:3"),
                    rec.events().stream().map(ChangeEvent::key).toList());
            assertEquals(0, rec.errors, "no reconnect: the snapshot did not fail");
            assertTrue(w.isOpen());

            // written whole again, the document is readable and its changes are delivered like any other
            store.put("u:2", Map.of("n", 20));
            rec.await(() -> rec.events.size() == 3, WAIT, "the change that repaired u:2");
            assertEquals("u:2", rec.events().get(2).key());
        }
    }

    @Test
    void aChangeWhoseDocumentCannotBeReadComesWithoutItAfterAReport() throws Exception {
        String first = store.put("d:1", Map.of("n", 1)).changeId();
        String second = store.put("d:2", Map.of("n", 2)).changeId();
        rawSet("d:1", "{\"n\":");
        Recorder rec = new Recorder();
        // a replay from the start: the watcher fetches each document after the feed entry was written
        try (Watcher w = store.watch()
                .watch(
                        WatchOptions.builder()
                                .prefix("d:")
                                .fromId("0")
                                .withDocuments(true)
                                .build(),
                        rec)) {
            rec.await(() -> rec.events.size() == 2, WAIT, "both changes");
            assertEquals(List.of("unreadable:d:1", "event", "event"), rec.order);
            assertTrue(
                    rec.unreadable.get(0).startsWith("d:1@" + first + ": invalid JSON in document \"d:1\""),
                    rec.unreadable.toString());
            ChangeEvent one = rec.events().get(0);
            assertEquals(first, one.id());
            assertFalse(one.document().isPresent(), "no document for the change whose document is unreadable");
            ChangeEvent two = rec.events().get(1);
            assertEquals(second, two.id());
            assertEquals("{\"n\":2}", two.document().orElseThrow().toString());
        }
    }

    @Test
    void withoutASnapshotTheWatchStartsAtTheEndOfANonEmptyFeedAndDeliversLaterChanges() throws Exception {
        // Redis 7.0 answers XRANGE ... COUNT 0 with nil: finding the end of the feed that way
        // killed the reader thread, with no event and no error ever reaching the listener.
        store.put("old:1", Map.of("n", 1));
        store.put("s:1", Map.of("n", 1));
        Recorder rec = new Recorder();
        try (Watcher w = store.watch()
                .watch(WatchOptions.builder().prefix("s:").snapshot(false).build(), rec)) {
            // The watch has no callback that says it has found its start, so write until a
            // change arrives; one written before the start is (rightly) not delivered.
            for (int i = 0; i < 50 && rec.events().isEmpty(); i++) {
                store.put("s:1", Map.of("n", 100 + i));
                try {
                    rec.await(() -> !rec.events.isEmpty(), Duration.ofMillis(200), "a change");
                } catch (AssertionError notYet) {
                    assertTrue(w.isOpen(), "the watcher is still running: " + notYet.getMessage());
                }
            }
            assertFalse(rec.events().isEmpty(), "a change after the start was delivered");
            assertTrue(rec.snapshots.isEmpty(), "no snapshot");
            assertTrue(rec.events().get(0).revision() > 1, "the change before the start was not replayed");
            assertEquals(0, rec.errors);
            assertTrue(w.isOpen());
        }
    }
}
