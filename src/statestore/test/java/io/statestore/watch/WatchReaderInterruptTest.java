package io.statestore.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ChangeEvent;
import io.statestore.client.Document;
import io.statestore.client.SlowListenerPolicy;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.client.WatchListener;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A watch's reader thread that ends while the listener still holds a full buffer waits for room
 * to hand over its last signal; an interrupt ends that wait and stays set on the thread.
 */
class WatchReaderInterruptTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private static final String READER = "statestore-watch-reader";

    @Test
    void anInterruptEndsTheReadersLastWaitAndIsKept() throws Exception {
        CountDownLatch inSnapshot = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WatchListener stuck = new WatchListener() {
            @Override
            public void onSnapshot(List<Document<JsonNode>> documents, String position) {
                inSnapshot.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onEvent(ChangeEvent event) {}
        };
        // One slot and no resync snapshot: the second change finds the buffer full, the watch
        // queues its resync and stops, and the reader waits for room for its end signal.
        WatchOptions options = WatchOptions.builder()
                .prefix("ri:")
                .bufferSize(1)
                .slowListenerPolicy(SlowListenerPolicy.RESYNC)
                .resyncSnapshot(false)
                .build();
        try (StateStore store = redis.newStore()) {
            Set<Thread> before = readers();
            Watcher watcher = store.watch().watch(options, stuck);
            Set<Thread> started = readers();
            started.removeAll(before);
            assertEquals(1, started.size(), "the new watch's reader thread");
            Thread reader = started.iterator().next();
            try {
                assertTrue(inSnapshot.await(10, TimeUnit.SECONDS), "the listener got the snapshot");
                store.put("ri:1", StrictJson.parse("{}"));
                store.put("ri:2", StrictJson.parse("{}"));
                awaitWaitingToEnd(reader);

                reader.interrupt();
                reader.join(10_000);

                assertFalse(reader.isAlive(), "the interrupt did not end the reader");
                assertTrue(reader.isInterrupted(), "the reader swallowed its interrupt");
            } finally {
                release.countDown();
                watcher.close();
            }
            assertTrue(watcher.awaitClosed(Duration.ofSeconds(10)));
        }
    }

    private static Set<Thread> readers() {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(READER)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Until the reader's stack shows it in the loop that waits for room for the end signal. */
    private static void awaitWaitingToEnd(Thread reader) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Arrays.stream(reader.getStackTrace())
                .noneMatch(f -> f.getClassName().endsWith(".FeedWatcher")
                        && f.getMethodName().equals("end"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the reader never waited to end: " + Arrays.toString(reader.getStackTrace()));
            }
            Thread.sleep(10);
        }
    }
}
