package io.statestore.client.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The group-commit contract of {@link PublishBatcher}, with the sender recording what it is
 * given (Redis itself is exercised by EventBusTest through the real function).
 */
class PublishBatcherTest {
    private static SpooledEvent event(int thread, int i) {
        return new SpooledEvent(thread + "-" + i, "t", "s", i, "{}");
    }

    /** No direct sends: every publish goes through the group commit. */
    private static PublishBatcher groupCommitOnly(java.util.function.Consumer<List<SpooledEvent>> sender) {
        return new PublishBatcher(sender, 0);
    }

    @Test
    void everyEventIsSentOnceAndEachThreadsEventsInOrder() throws Exception {
        assertEquals(PublishBatcher.MAX_LEADERS, publishFromEightThreads(0, 2000));
    }

    /**
     * Eight threads publish {@code each} events each through a recording sender; checks that
     * every event was sent once and each thread's in order. Returns the most calls in flight at once.
     */
    private static int publishFromEightThreads(int maxDirect, int each) throws InterruptedException {
        List<SpooledEvent> sent = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        PublishBatcher b = new PublishBatcher(
                batch -> {
                    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    sent.addAll(batch);
                    Thread.yield();
                    inFlight.decrementAndGet();
                },
                maxDirect);
        int threads = 8;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            ts.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    b.publish(event(me, i));
                }
            }));
        }
        ts.forEach(Thread::start);
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(threads * each, sent.size());
        assertEquals(
                threads * each, sent.stream().map(SpooledEvent::id).distinct().count());
        int[] next = new int[threads];
        for (SpooledEvent e : sent) {
            int t = Integer.parseInt(e.id().substring(0, e.id().indexOf('-')));
            assertEquals(next[t]++, e.time(), "thread " + t + " in order");
        }
        return maxInFlight.get();
    }

    @Test
    void aFailedCallFailsExactlyTheEventsOfItsBatch() throws Exception {
        java.util.Set<String> failing = ConcurrentHashMap.newKeySet();
        RuntimeException boom = new IllegalStateException("boom");
        PublishBatcher b = groupCommitOnly(batch -> {
            if (batch.stream().anyMatch(e -> e.id().endsWith("-13"))) {
                batch.forEach(e -> failing.add(e.id()));
                throw boom;
            }
        });
        int threads = 4;
        ConcurrentHashMap<String, RuntimeException> thrown = new ConcurrentHashMap<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            ts.add(new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    try {
                        b.publish(event(me, i));
                    } catch (RuntimeException e) {
                        thrown.put(me + "-" + i, e);
                    }
                }
            }));
        }
        ts.forEach(Thread::start);
        for (Thread t : ts) {
            t.join();
        }
        assertTrue(thrown.keySet().containsAll(List.of("0-13", "1-13", "2-13", "3-13")));
        assertEquals(failing, thrown.keySet());
        thrown.values().forEach(e -> assertSame(boom, e));
    }

    @Test
    void anInterruptedPublisherStillGetsItsEventCommittedAndKeepsTheInterrupt() throws Exception {
        CountDownLatch sending = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        PublishBatcher b = groupCommitOnly(batch -> {
            batch.forEach(e -> sent.add(e.id()));
            if (batch.get(0).id().equals("0-0")) {
                sending.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        Thread leader = new Thread(() -> b.publish(event(0, 0)));
        leader.start();
        sending.await();
        AtomicReference<Boolean> interruptKept = new AtomicReference<>();
        Thread follower = new Thread(() -> {
            Thread.currentThread().interrupt();
            b.publish(event(1, 0));
            interruptKept.set(Thread.currentThread().isInterrupted());
        });
        try {
            follower.start();
            awaitWaiting(follower);
        } finally {
            release.countDown();
        }
        leader.join();
        follower.join();
        assertEquals(List.of("0-0", "1-0"), sent);
        assertEquals(Boolean.TRUE, interruptKept.get());
    }

    @Test
    void anErrorInTheSenderReleasesTheWaitersAndReachesTheLeader() {
        PublishBatcher b = groupCommitOnly(batch -> {
            throw new StackOverflowError("deep");
        });
        assertThrows(StackOverflowError.class, () -> b.publish(event(0, 0)));
        // the lead was given back: the next publish is sent (and fails the same way) instead of waiting forever
        assertThrows(StackOverflowError.class, () -> b.publish(event(0, 1)));
    }

    @Test
    void aLonePublisherSendsEachEventOnItsOwnCallAtOnce() {
        List<List<SpooledEvent>> calls = new ArrayList<>();
        PublishBatcher b = new PublishBatcher(calls::add, 1);
        for (int i = 0; i < 50; i++) {
            b.publish(event(0, i));
        }
        assertEquals(50, calls.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(List.of(event(0, i)), calls.get(i));
        }
    }

    /**
     * One direct slot, taken by A's call (held open): B leads a group commit of its own event
     * (held open too), C and D queue behind it and then go out together in one call.
     */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void publishesBeyondTheDirectSlotsAreGroupCommitted() throws Exception {
        List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch aSending = new CountDownLatch(1);
        CountDownLatch bSending = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PublishBatcher b = new PublishBatcher(
                batch -> {
                    calls.add(batch.stream().map(SpooledEvent::id).toList());
                    String first = batch.get(0).id();
                    if (first.equals("0-0") || first.equals("1-0")) {
                        (first.equals("0-0") ? aSending : bSending).countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                },
                1);
        Thread a = new Thread(() -> b.publish(event(0, 0)));
        Thread lead = new Thread(() -> b.publish(event(1, 0)));
        Thread c = new Thread(() -> b.publish(event(2, 0)));
        Thread d = new Thread(() -> b.publish(event(3, 0)));
        try {
            a.start();
            assertTrue(aSending.await(10, java.util.concurrent.TimeUnit.SECONDS), "A sent directly");
            lead.start();
            assertTrue(
                    bSending.await(10, java.util.concurrent.TimeUnit.SECONDS),
                    "B led a group commit while A's call was open");
            c.start();
            d.start();
            awaitWaiting(c, d);
        } finally {
            release.countDown(); // also when an assertion failed: no thread is left waiting
        }
        for (Thread t : List.of(a, lead, c, d)) {
            t.join();
        }
        assertEquals(3, calls.size(), calls.toString());
        assertEquals(List.of("0-0"), calls.get(0));
        assertEquals(List.of("1-0"), calls.get(1));
        assertEquals(java.util.Set.of("2-0", "3-0"), new java.util.HashSet<>(calls.get(2)));
    }

    /** Until every thread waits (parked for its batch); fails if one ends or 10 s pass first. */
    private static void awaitWaiting(Thread... threads) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) {
                assertTrue(
                        t.getState() != Thread.State.TERMINATED,
                        t.getName() + " returned instead of waiting for a batch");
                assertTrue(System.nanoTime() < deadline, t.getName() + " is not waiting after 10 s");
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void withDirectSlotsEveryEventIsStillSentOnceAndInOrderPerThread() throws Exception {
        int most = publishFromEightThreads(2, 1000);
        assertTrue(most <= 2 + PublishBatcher.MAX_LEADERS, "in flight at once: " + most);
    }
}
