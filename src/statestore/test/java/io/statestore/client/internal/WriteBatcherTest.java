package io.statestore.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.ConflictException;
import io.statestore.client.UnavailableException;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.testing.Concurrently;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The group commit's bookkeeping, with a sender that stands in for the ss_write_many call (the
 * call itself is covered against a real server by WriteFunctionFormsTest and the contracts).
 */
class WriteBatcherTest {

    /** Records batches; answers each write with its own key, or fails the writes named "conflict-*". */
    private static final class RecordingSender implements WriteBatcher.Sender {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        @Override
        public void send(List<WriteBatcher.Write> batch) {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(1); // long enough for other threads to queue behind this call
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<String> keys = new ArrayList<>();
            for (WriteBatcher.Write w : batch) {
                keys.add(w.key);
                if (w.key.startsWith("conflict-")) {
                    w.fail(new ConflictException(w.key, OptionalLong.of(7), "conflict: " + w.key));
                } else {
                    w.succeed("reply-" + w.key);
                }
            }
            batches.add(keys);
            inFlight.decrementAndGet();
        }
    }

    @Test
    void everyWriteGetsItsOwnOutcomeExactlyOnceAndConcurrentWritesShareCalls() throws Exception {
        RecordingSender sender = new RecordingSender();
        WriteBatcher batcher = new WriteBatcher(sender);
        int threads = 16;
        int perThread = 300;
        Set<String> conflicts = ConcurrentHashMap.newKeySet();
        Concurrently.run(threads, id -> {
            for (int i = 0; i < perThread; i++) {
                String key = (i % 10 == 0 ? "conflict-" : "k-") + id + "-" + i;
                if (key.startsWith("conflict-")) {
                    ConflictException e = assertThrows(ConflictException.class, () -> batcher.write(key, call("x")));
                    assertTrue(e.getMessage().contains(key), e.getMessage());
                    conflicts.add(key);
                } else {
                    assertEquals("reply-" + key, batcher.write(key, call("x")));
                }
            }
        });
        List<String> sent = new ArrayList<>();
        sender.batches.forEach(sent::addAll);
        assertEquals(threads * perThread, sent.size(), "every write sent once");
        assertEquals(threads * perThread, Set.copyOf(sent).size(), "no write sent twice");
        assertEquals(threads * perThread / 10, conflicts.size());
        assertTrue(
                sender.batches.size() < threads * perThread,
                "concurrent writes shared calls: " + sender.batches.size() + " calls for " + sent.size() + " writes");
        assertTrue(
                sender.maxInFlight.get() <= WriteBatcher.MAX_IN_FLIGHT, "calls in flight: " + sender.maxInFlight.get());
    }

    @Test
    void aLoneWriterSendsItsWriteAtOnceAsABatchOfOne() {
        RecordingSender sender = new RecordingSender();
        WriteBatcher batcher = new WriteBatcher(sender);
        for (int i = 0; i < 5; i++) {
            assertEquals("reply-a" + i, batcher.write("a" + i, call()));
        }
        assertEquals(
                List.of(List.of("a0"), List.of("a1"), List.of("a2"), List.of("a3"), List.of("a4")), sender.batches);
    }

    @Test
    void aFailedCallFailsEveryWriteItCarriedAndTheNextCallsStillGoOut() throws Exception {
        UnavailableException down = new UnavailableException("Redis did not answer", true, null);
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        WriteBatcher batcher = new WriteBatcher(batch -> {
            if (calls.incrementAndGet() == 1) {
                inCall.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw down;
            }
            batch.forEach(w -> w.succeed("ok-" + w.key));
        });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<Object> first = pool.submit(() -> batcher.write("first", call()));
            inCall.await();
            Future<Object> second = pool.submit(() -> batcher.write("second", call()));
            assertEquals("ok-second", second.get(), "a second call goes out while the first hangs");
            release.countDown();
            Exception e = assertThrows(Exception.class, first::get);
            assertSame(down, e.getCause());
            assertEquals("ok-third", batcher.write("third", call()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInterruptedCallerStillLearnsItsOutcomeAndKeepsItsInterrupt() throws Exception {
        int turns = WriteBatcher.MAX_IN_FLIGHT;
        java.util.concurrent.Semaphore inCall = new java.util.concurrent.Semaphore(0);
        CountDownLatch release = new CountDownLatch(1);
        WriteBatcher batcher = new WriteBatcher(batch -> {
            inCall.release();
            if (!batch.get(0).key.equals("queued")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            batch.forEach(w -> w.succeed("ok-" + w.key));
        });
        ExecutorService pool = Executors.newFixedThreadPool(turns);
        try {
            // Calls in flight hold every turn, so the next write queues and its caller parks.
            List<Future<Object>> holders = new ArrayList<>();
            // One at a time: a holder that came while the one before was still taking its batch
            // would go along in that batch, and fewer turns than planned would be held.
            for (int i = 0; i < turns; i++) {
                String key = "holder" + i;
                holders.add(pool.submit(() -> batcher.write(key, call())));
                assertTrue(
                        inCall.tryAcquire(60, java.util.concurrent.TimeUnit.SECONDS), key + " never reached its call");
            }
            AtomicInteger outcome = new AtomicInteger(-1);
            Thread queued = new Thread(() -> {
                Object r = batcher.write("queued", call());
                outcome.set(Thread.currentThread().isInterrupted() && "ok-queued".equals(r) ? 1 : 0);
            });
            queued.start();
            // parked behind the holders: interrupted before, it would not test an interrupted park
            // (and a slow start made it pass without one)
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (queued.getState() != Thread.State.WAITING && queued.getState() != Thread.State.TIMED_WAITING) {
                assertTrue(System.nanoTime() < deadline, "the queued write never parked: " + queued.getState());
                Thread.sleep(1);
            }
            queued.interrupt();
            release.countDown();
            queued.join(10_000);
            for (int i = 0; i < turns; i++) {
                assertEquals("ok-holder" + i, holders.get(i).get());
            }
            assertEquals(1, outcome.get(), "the queued write got its reply and its caller kept the interrupt");
        } finally {
            pool.shutdownNow();
        }
    }

    /** A call's arguments are all the batcher looks at (their size). */
    private static FunctionCalls.Call call(String... args) {
        return new FunctionCalls.Call("ss_write", List.of(), List.of(args));
    }

    @Test
    void everyTurnIsHandedBackWhenWritesAreTakenAlongByOtherSenders() throws Exception {
        // A turn handed to a queued write that another sender then took along and finished must
        // still be handed on; lost, it would be gone for good, and after MAX_IN_FLIGHT such
        // losses every later write would wait forever.
        WriteBatcher batcher = new WriteBatcher(batch -> batch.forEach(w -> w.succeed("ok")));
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String key = "k" + t;
                done.add(pool.submit(() -> {
                    int n = 0;
                    for (int i = 0; i < 5_000; i++) {
                        if ("ok".equals(batcher.write(key, call()))) {
                            n++;
                        }
                    }
                    return n;
                }));
            }
            for (Future<Integer> f : done) {
                assertEquals(5_000, f.get(120, java.util.concurrent.TimeUnit.SECONDS), "every write answered");
            }
            assertEquals(0, batcher.turnsInFlight(), "every turn handed back");
        } finally {
            pool.shutdownNow();
        }
    }
}
