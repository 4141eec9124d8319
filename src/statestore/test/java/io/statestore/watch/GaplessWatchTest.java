package io.statestore.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.ChangeEvent;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreException;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * 50,000 committed changes while the watcher's connection is killed at random points and the
 * server is SIGKILLed and restarted (AOF with fsync on every write, so committed = durable): the
 * watcher delivers exactly the feed's sequence.
 */
class GaplessWatchTest {
    private static final int CHANGES = 50_000;
    private static final int WRITERS = 4;
    private static final int KEYS_PER_WRITER = 100;

    @RegisterExtension
    static RedisServerExtension redis =
            RedisServerExtension.portable().withArgs("--appendonly", "yes", "--appendfsync", "always");

    @Test
    void watcherSequenceEqualsFeedAcrossConnectionKillsAndServerRestarts() throws Exception {
        StateStore store = redis.newStore(b -> b.timeout(Duration.ofSeconds(2)));
        StateStore watchStore = redis.newStore(b -> b.timeout(Duration.ofSeconds(2)));
        Recorder rec = new Recorder();
        Watcher watcher =
                watchStore.watch().watch(WatchOptions.builder().prefix("g:").build(), rec);
        rec.await(() -> rec.snapshots.size() == 1, Duration.ofSeconds(10), "the initial snapshot");

        AtomicInteger committed = new AtomicInteger();
        Semaphore progress = new Semaphore(0);
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread t = new Thread(
                    () -> {
                        try {
                            write(store, writer, committed, progress);
                        } catch (Throwable e) {
                            writerFailure.set(e);
                            progress.release(CHANGES);
                        }
                    },
                    "writer-" + w);
            writers.add(t);
            t.start();
        }

        Random random = new Random(42);
        int done = 0;
        int kills = 0;
        int restarts = 0;
        while (done < CHANGES - 3000 && writerFailure.get() == null) {
            int step = 1000 + random.nextInt(4000);
            progress.acquire(step);
            done += step;
            if (kills % 4 == 3 && restarts < 2) {
                redis.kill();
                redis.start();
                restarts++;
            } else {
                killWatchConnection();
            }
            kills++;
        }
        for (Thread t : writers) {
            t.join();
        }
        if (writerFailure.get() != null) {
            throw new AssertionError("writer failed", writerFailure.get());
        }
        assertTrue(restarts >= 1, "the server was restarted at least once");

        List<String> feed = feedIds();
        assertTrue(feed.size() >= CHANGES, "the feed holds every committed change: " + feed.size());
        String last = feed.get(feed.size() - 1);
        rec.await(() -> last.equals(rec.lastId()), Duration.ofSeconds(60), "the watcher to reach " + last);
        watcher.close();

        List<ChangeEvent> seen = rec.events();
        List<String> seenIds = new ArrayList<>(seen.size());
        Map<String, Long> revisions = new HashMap<>();
        for (ChangeEvent e : seen) {
            seenIds.add(e.id());
            Long before = revisions.put(e.key(), e.revision());
            long expectedPrev = before == null ? 0 : before;
            assertEquals(expectedPrev, e.previousRevision(), "no gap for " + e.key() + " at " + e.id());
            assertEquals(expectedPrev + 1, e.revision(), "revision of " + e.key() + " rises by one at " + e.id());
        }
        assertEquals(feed.size(), seenIds.size(), "as many changes seen as committed");
        assertEquals(feed, seenIds, "the watcher's sequence is the feed's");
        assertTrue(rec.errors >= 1, "the watcher noticed the disconnects");
        System.out.printf(
                "gapless: %d changes, %d connection kills, %d restarts, %d errors reported%n",
                seen.size(), kills - restarts, restarts, rec.errors);
    }

    private static void write(StateStore store, int writer, AtomicInteger committed, Semaphore progress) {
        int n = CHANGES / WRITERS;
        for (int i = 0; i < n; i++) {
            String key = "g:" + writer + ":" + (i % KEYS_PER_WRITER);
            while (true) {
                try {
                    if (i % 300 == 249) {
                        store.delete(key);
                    } else if (i % 7 == 3 && store.get(key).isPresent()) {
                        store.increment(key, "$.n", 1);
                    } else {
                        store.put(key, Map.of("n", i, "big", Long.MAX_VALUE - i, "empty", List.of()));
                    }
                    break;
                } catch (StateStoreException e) {
                    if (e instanceof io.statestore.client.NotFoundException) {
                        break; // a delete of a document whose put was lost with the connection
                    }
                    // unavailable during a restart: try again (an unknown outcome may commit twice;
                    // the test compares with the feed, which records whatever was committed)
                    pause();
                }
            }
            committed.incrementAndGet();
            progress.release();
        }
    }

    /** Backoff between attempts while the server restarts (a retry delay, not a wait for a result). */
    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void killWatchConnection() {
        try (Jedis j = redis.jedis()) {
            for (String line : j.clientList().split("\n")) {
                if (line.contains("name=statestore-watch ")) {
                    String id = line.substring(3, line.indexOf(' '));
                    j.clientKill(ClientKillParams.clientKillParams().id(id));
                }
            }
        }
    }

    private static List<String> feedIds() {
        List<String> ids = new ArrayList<>();
        try (Jedis j = redis.jedis()) {
            StreamEntryID from = new StreamEntryID(0, 0);
            while (true) {
                List<StreamEntry> page = j.xrange("ss:feed", "(" + from, "+", 5000);
                if (page.isEmpty()) {
                    return ids;
                }
                for (StreamEntry e : page) {
                    ids.add(e.getID().toString());
                }
                from = page.get(page.size() - 1).getID();
            }
        }
    }
}
