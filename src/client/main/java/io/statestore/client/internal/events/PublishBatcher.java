package io.statestore.client.internal.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * How publishes go out: each on its own call while at most {@code maxDirect} are in flight
 * (the common case: a few publishing threads), and group-committed beyond that. In the group
 * commit, concurrent publishers queue their events; a leader (at most {@link #MAX_LEADERS} at a
 * time) sends everything queued in one {@code ev_publish_batch} call while the others wait for
 * the outcome of the batch holding their event. Either way a caller returns only after its own
 * event was committed, or throws what the call threw.
 *
 * <p>Why direct first: with 4 publishing threads, direct calls made 1.7x the events/s of the
 * group commit and cost less CPU per event (docs/benchmarks-events.md, round 3). A hand-off
 * costs a park and an unpark (futex calls and a context switch) on each side, more than a
 * call's own overhead on client and server; and one batch in flight leaves the server idle while
 * the next leader wakes up. The group commit is kept for many more publishers than connections,
 * where it bounds the connections publishing takes and saves the server a third of its CPU
 * per event.
 *
 * <p>Wake-ups are the cost here, not the locking: each waiter parks on its own and is unparked
 * once, when its event is committed or when it is made the next leader (rather than every waiter
 * waking on each batch, twice, as with {@code notifyAll}).
 */
final class PublishBatcher {
    static final int MAX_EVENTS = 100;
    static final long MAX_BYTES = 1 << 20;

    private static final class Pending {
        final SpooledEvent event;
        final Thread waiter = Thread.currentThread();
        volatile boolean done;
        volatile boolean lead;
        RuntimeException error; // written before done, read after it

        Pending(SpooledEvent event) {
            this.event = event;
        }
    }

    private final Consumer<List<SpooledEvent>> sender;
    private final int maxDirect;
    private final AtomicInteger direct = new AtomicInteger();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /**
     * Batches in flight at once. 2 measured no better than 1 (before and after the leaner Lua
     * of LIB_VERSION 3; docs/benchmarks-events.md), and 1 keeps the commit order = queue order.
     */
    static final int MAX_LEADERS = 1;

    private int leaders;

    /**
     * @param sender    sends a batch in one call, in order, or throws
     * @param maxDirect publishes sent on their own call at once (0: always group-commit)
     */
    PublishBatcher(Consumer<List<SpooledEvent>> sender, int maxDirect) {
        this.sender = sender;
        this.maxDirect = maxDirect;
    }

    void publish(SpooledEvent ev) {
        if (direct.incrementAndGet() <= maxDirect) {
            try {
                sender.accept(List.of(ev));
                return;
            } finally {
                direct.decrementAndGet();
            }
        }
        direct.decrementAndGet(); // every direct slot taken: join the group commit
        Pending me = new Pending(ev);
        synchronized (this) {
            queue.add(me);
            if (leaders < MAX_LEADERS) {
                leaders++;
                me.lead = true;
            }
        }
        boolean interrupted = false;
        while (true) {
            if (me.lead) {
                me.lead = false;
                lead(me);
            }
            if (me.done) {
                break;
            }
            LockSupport.park(this);
            // The event is queued whatever happens: wait for its outcome, keep the interrupt for the caller.
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (me.error != null) {
            throw me.error;
        }
    }

    /**
     * Sends one batch (everything queued, up to the limits), then hands the lead to the oldest
     * waiter, if any. The leader does not send a second batch itself: that was measured to shrink
     * the batches (2.0 instead of 2.5 events per call with 4 publishers) for no gain, since events
     * keep queueing while the next leader wakes up.
     */
    private void lead(Pending me) {
        List<Pending> batch;
        synchronized (this) {
            batch = take();
            if (batch.isEmpty()) {
                leaders--; // everything queued is in flight with another leader
                return;
            }
        }
        RuntimeException error = null;
        Error fatal = null;
        try {
            sender.accept(batch.stream().map(p -> p.event).toList());
        } catch (RuntimeException e) {
            error = e;
        } catch (Error e) {
            // The waiters must not wait forever; the leader rethrows it once they are released.
            fatal = e;
            error = new IllegalStateException("event publish failed: " + e, e);
        }
        Pending next;
        synchronized (this) {
            for (Pending p : batch) {
                p.error = error;
                p.done = true;
            }
            next = queue.peek();
            if (next == null) {
                leaders--;
            } else {
                next.lead = true;
            }
        }
        for (Pending p : batch) {
            if (p != me) {
                LockSupport.unpark(p.waiter);
            }
        }
        if (next != null) {
            LockSupport.unpark(next.waiter);
        }
        if (fatal != null) {
            throw fatal;
        }
    }

    /** The oldest queued events, up to the limits (always at least one when any is queued). */
    private List<Pending> take() {
        List<Pending> batch = new ArrayList<>();
        long bytes = 0;
        while (!queue.isEmpty() && batch.size() < MAX_EVENTS) {
            Pending p = queue.peek();
            long size = p.event.data().length() + 200L;
            if (!batch.isEmpty() && bytes + size > MAX_BYTES) {
                break;
            }
            batch.add(queue.poll());
            bytes += size;
        }
        return batch;
    }
}
