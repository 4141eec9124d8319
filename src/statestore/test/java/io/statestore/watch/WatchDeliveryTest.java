package io.statestore.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.ChangeEvent;
import io.statestore.client.StateStore;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Which thread runs a callback: the reader itself when the listener is idle and nothing is
 * buffered, the listener thread when the watch is behind. Either way callbacks never overlap,
 * follow the feed, survive a throwing listener, and close() from inside one returns.
 */
class WatchDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String READER = "statestore-watch-reader";

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private StateStore store;

    @BeforeEach
    void clean() {
        redis.flushAll();
        store = redis.newStore(b -> {});
    }

    /** Records each callback's thread and whether another callback of the watcher was running. */
    private static final class ThreadRecorder extends Recorder {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final List<Thread> threads = new ArrayList<>();
        final AtomicReference<Thread> listenerThread = new AtomicReference<>();

        @Override
        public void onEvent(ChangeEvent event) {
            if (running.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            try {
                Thread t = Thread.currentThread();
                if (!t.getName().equals(READER)) {
                    listenerThread.set(t);
                }
                synchronized (this) {
                    threads.add(t);
                }
                super.onEvent(event);
                if (event.revision() % 10 == 0) {
                    throw new IllegalStateException("listener failure the watch must survive");
                }
            } finally {
                running.decrementAndGet();
            }
        }

        synchronized List<Thread> threads() {
            return new ArrayList<>(threads);
        }
    }

    @Test
    void aBacklogGoesThroughTheListenerThreadLiveChangesAreCalledByTheReaderInFeedOrderNeverOverlapping()
            throws Exception {
        String first = null;
        for (int i = 0; i < 200; i++) {
            String id = store.put("d:" + (i % 7), Map.of("i", i)).changeId();
            first = first == null ? id : first;
        }
        ThreadRecorder rec = new ThreadRecorder();
        // From the first change: the 199 after it arrive as one batch, longer than the reader
        // delivers itself, so they are queued for the listener thread.
        try (Watcher w = store.watch()
                .watch(WatchOptions.builder().prefix("d:").fromId(first).build(), rec)) {
            rec.await(() -> rec.events.size() == 199, WAIT, "the backlog");
            Thread listener = rec.listenerThread.get();
            assertTrue(
                    listener != null && rec.threads().stream().allMatch(t -> t == listener),
                    "the backlog was delivered by the listener thread: " + rec.threads());
            for (int i = 0; i < 50; i++) {
                awaitIdle(listener);
                store.put("d:" + (i % 7), Map.of("live", i));
                int expected = 200 + i;
                rec.await(() -> rec.events.size() == expected, WAIT, "live change " + i);
            }
            List<Thread> live = rec.threads().subList(199, 249);
            assertTrue(
                    live.stream().allMatch(t -> t.getName().equals(READER)),
                    "live changes to an idle listener are called by the reader: " + live);
            assertNotEquals(listener, live.get(0));
            assertEquals(0, rec.overlaps.get(), "callbacks never overlap");
            List<String> feed = feedIds();
            assertEquals(
                    feed.subList(1, feed.size()),
                    rec.events().stream().map(ChangeEvent::id).toList(),
                    "every change after the start, in feed order, although every 10th callback threw");
            assertEquals(feed.get(feed.size() - 1), w.position());
        }
    }

    @Test
    void closeFromACallbackOnTheReaderReturnsAndNoFurtherCallbackStarts() throws Exception {
        AtomicReference<Watcher> self = new AtomicReference<>();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Recorder rec = new Recorder() {
            @Override
            public void onEvent(ChangeEvent event) {
                super.onEvent(event);
                ranOn.set(Thread.currentThread());
                self.get().close();
            }
        };
        Watcher w = store.watch().watch(WatchOptions.builder().prefix("c:").build(), rec);
        self.set(w);
        rec.await(() -> rec.snapshots.size() == 1, WAIT, "snapshot");
        awaitIdle(listenerThreadOf(w));
        store.put("c:1", Map.of("n", 1));
        assertTrue(w.awaitClosed(WAIT), "the watcher stopped after close() from its callback");
        store.put("c:1", Map.of("n", 2));
        assertEquals(READER, ranOn.get().getName());
        assertEquals(1, rec.events().size());
        assertFalse(w.isOpen());
    }

    @Test
    void closeFromACallbackOnTheListenerThreadReturnsAndNoFurtherCallbackStarts() throws Exception {
        String first = null;
        for (int i = 0; i < 100; i++) {
            String id = store.put("e:1", Map.of("i", i)).changeId();
            first = first == null ? id : first;
        }
        AtomicReference<Watcher> self = new AtomicReference<>();
        CountDownLatch handed = new CountDownLatch(1);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Recorder rec = new Recorder() {
            @Override
            public void onEvent(ChangeEvent event) {
                super.onEvent(event);
                ranOn.set(Thread.currentThread());
                try {
                    handed.await(); // the first callback may start before watch() returned the handle
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                self.get().close();
            }
        };
        Watcher w = store.watch()
                .watch(WatchOptions.builder().prefix("e:").fromId(first).build(), rec);
        self.set(w);
        handed.countDown();
        assertTrue(w.awaitClosed(WAIT), "the watcher stopped after close() from its callback");
        assertNotEquals(READER, ranOn.get().getName());
        assertEquals(1, rec.events().size(), "the 98 changes queued behind the first were not delivered");
    }

    /** The watcher's listener thread: the one that delivered its snapshot. */
    private static Thread listenerThreadOf(Watcher w) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("statestore-watch-listener") && t.isAlive())
                .reduce((a, b) -> {
                    throw new AssertionError("more than one watch listener thread: " + a + ", " + b);
                })
                .orElseThrow();
    }

    /**
     * Waits until the listener thread is parked on its empty queue: it has returned from every
     * callback, so a change read now finds nothing pending.
     */
    private static void awaitIdle(Thread listener) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (listener.getState() != Thread.State.WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the listener thread never went idle: " + listener.getState());
            }
            Thread.sleep(1);
        }
    }

    private static List<String> feedIds() {
        List<String> ids = new ArrayList<>();
        try (Jedis j = redis.jedis()) {
            for (StreamEntry e : j.xrange("ss:feed", (StreamEntryID) null, (StreamEntryID) null)) {
                ids.add(e.getID().toString());
            }
        }
        return ids;
    }
}
