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

    @Test
    void everyEventIsSentOnceAndEachThreadsEventsInOrder() throws Exception {
        List<SpooledEvent> sent = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        PublishBatcher b = new PublishBatcher(batch -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            sent.addAll(batch);
            inFlight.decrementAndGet();
        });
        int threads = 8;
        int each = 2000;
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
        assertEquals(threads * each, sent.stream().map(SpooledEvent::id).distinct().count());
        int[] next = new int[threads];
        for (SpooledEvent e : sent) {
            int t = Integer.parseInt(e.id().substring(0, e.id().indexOf('-')));
            assertEquals(next[t]++, e.time(), "thread " + t + " in order");
        }
        assertEquals(PublishBatcher.MAX_LEADERS, maxInFlight.get());
    }

    @Test
    void aFailedCallFailsExactlyTheEventsOfItsBatch() throws Exception {
        java.util.Set<String> failing = ConcurrentHashMap.newKeySet();
        RuntimeException boom = new IllegalStateException("boom");
        PublishBatcher b = new PublishBatcher(batch -> {
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
        PublishBatcher b = new PublishBatcher(batch -> {
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
        follower.start();
        while (follower.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        release.countDown();
        leader.join();
        follower.join();
        assertEquals(List.of("0-0", "1-0"), sent);
        assertEquals(Boolean.TRUE, interruptKept.get());
    }

    @Test
    void anErrorInTheSenderReleasesTheWaitersAndReachesTheLeader() {
        PublishBatcher b = new PublishBatcher(batch -> {
            throw new StackOverflowError("deep");
        });
        assertThrows(StackOverflowError.class, () -> b.publish(event(0, 0)));
        // the lead was given back: the next publish is sent (and fails the same way) instead of waiting forever
        assertThrows(StackOverflowError.class, () -> b.publish(event(0, 1)));
    }
}
