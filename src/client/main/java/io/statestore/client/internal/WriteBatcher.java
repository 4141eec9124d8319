package io.statestore.client.internal;

import io.statestore.client.UnavailableException;
import io.statestore.client.spi.FunctionCalls;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for single-document writes, when {@code StateStoreOptions.groupCommit(true)}:
 * threads of one process that write at the same time share one {@code ss_write_many} call
 * instead of sending one call each (docs/decisions.md).
 *
 * <p>A thread that finds fewer than {@link #MAX_IN_FLIGHT} calls in flight sends at once,
 * taking along whatever other threads have queued; a lone writer therefore sends its own write
 * straight away, as a batch of one. The others park until a sending thread has their outcome.
 * A sender that is done hands its turn to the oldest queued thread, so no caller ends up
 * sending other threads' writes for long. Each write stays atomic and independent: one write's
 * conflict is its own caller's exception only.
 */
final class WriteBatcher {
    /**
     * Calls in flight at once. With 16 writing threads on 2 cores, 2 left the server idle between
     * calls; 4 and 8 measured alike (docs/decisions.md has why group commit is off by default).
     */
    static final int MAX_IN_FLIGHT = 4;

    static final int MAX_WRITES = 64;
    static final long MAX_BYTES = 256 << 10;
    /**
     * Larger documents are sent on their own: their own copying and hashing outweighs the fixed
     * cost of a call, and batched they made other threads wait for them. Measured with 16 threads
     * putting 100 KB documents: 580-660 puts/s batched, 890-1,350 one call each.
     */
    static final int MAX_DOCUMENT_CHARS = 16 << 10;

    /** One queued write and, once done, its outcome. */
    static final class Write {
        final String key;
        final FunctionCalls.Call call;
        final long bytes;
        private final Thread caller = Thread.currentThread();
        private Object reply;
        private RuntimeException error;
        private volatile boolean done;
        private volatile boolean sender;

        Write(String key, FunctionCalls.Call call) {
            this.key = key;
            this.call = call;
            long b = 0;
            for (String a : call.args()) {
                b += a.length();
            }
            this.bytes = b;
        }

        void succeed(Object reply) {
            this.reply = reply;
        }

        void fail(RuntimeException error) {
            this.error = error;
        }
    }

    /** Sends a batch and records each write's reply or error; may throw for the whole batch. */
    @FunctionalInterface
    interface Sender {
        void send(List<Write> batch);
    }

    private final Sender sender;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Write> queue = new ArrayDeque<>();
    private int inFlight;

    WriteBatcher(Sender sender) {
        this.sender = sender;
    }

    /** Writes and returns the reply of this write, or throws its error. */
    Object write(String key, FunctionCalls.Call call) {
        Write me = new Write(key, call);
        lock.lock();
        try {
            queue.add(me);
            if (inFlight < MAX_IN_FLIGHT) {
                inFlight++;
                me.sender = true;
            }
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (!me.done) {
            if (me.sender) {
                me.sender = false;
                takeTurn(me);
            } else {
                LockSupport.park(this);
                // The write may already be on its way: its outcome is needed whatever happens.
                interrupted |= Thread.interrupted();
            }
        }
        if (me.sender) {
            // The turn came while this write was queued, but another sender took it along and
            // finished it before this thread woke: the turn is still this thread's to hand on,
            // or it is lost for good (after MAX_IN_FLIGHT losses every write would wait forever).
            me.sender = false;
            handOver();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (me.error != null) {
            throw me.error;
        }
        return me.reply;
    }

    /**
     * Sends what is queued until {@code me} is done or the queue is empty (another sender may
     * have taken {@code me} along; its caller then parks until that sender is done), then hands
     * the turn on.
     */
    private void takeTurn(Write me) {
        try {
            List<Write> batch;
            while (!me.done && !(batch = take()).isEmpty()) {
                sendBatch(batch, me);
            }
        } finally {
            handOver();
        }
    }

    private void sendBatch(List<Write> batch, Write me) {
        try {
            sender.send(batch);
        } catch (RuntimeException e) {
            for (Write w : batch) {
                if (w.reply == null && w.error == null) {
                    w.fail(e);
                }
            }
        } finally {
            for (Write w : batch) {
                if (w.reply == null && w.error == null) {
                    w.fail(new UnavailableException("no reply was recorded for a batched write", true, null));
                }
                w.done = true;
                if (w != me) {
                    LockSupport.unpark(w.caller);
                }
            }
        }
    }

    /** Turns taken and not yet handed back (for tests: 0 when no write is under way). */
    int turnsInFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Ends this thread's turn; the oldest queued write's caller without one takes it. */
    private void handOver() {
        Write next;
        lock.lock();
        try {
            // A queued write may hold a turn already (it took one on arrival and its caller has
            // not begun): a second one given to it would merge into its one flag and be lost.
            next = null;
            for (Write w : queue) {
                if (!w.sender) {
                    next = w;
                    break;
                }
            }
            if (next == null) {
                inFlight--;
                return;
            }
            next.sender = true;
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(next.caller);
    }

    private List<Write> take() {
        lock.lock();
        try {
            List<Write> batch = new ArrayList<>(Math.min(queue.size(), MAX_WRITES));
            long bytes = 0;
            while (!queue.isEmpty() && batch.size() < MAX_WRITES) {
                Write w = queue.peek();
                if (!batch.isEmpty() && bytes + w.bytes > MAX_BYTES) {
                    break;
                }
                batch.add(queue.poll());
                bytes += w.bytes;
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }
}
