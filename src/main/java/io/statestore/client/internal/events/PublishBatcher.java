package io.statestore.client.internal.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Group commit for publishes: concurrent publishers queue their events; a leader (at most
 * {@link #MAX_LEADERS} at a time) sends everything queued in one {@code ev_publish_batch} call
 * while the others wait for the outcome of the batch holding their event. A lone publisher sends its event at once (a batch of one). Each caller returns only
 * after its own event was committed, or throws what the call threw.
 */
final class PublishBatcher {
    static final int MAX_EVENTS = 100;
    static final long MAX_BYTES = 1 << 20;

    private static final class Pending {
        final SpooledEvent event;
        boolean done;
        RuntimeException error;

        Pending(SpooledEvent event) {
            this.event = event;
        }
    }

    private final Consumer<List<SpooledEvent>> sender;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Batches in flight at once (1: the next batch fills up while one is in flight; 2 measured no better). */
    static final int MAX_LEADERS = 1;
    private int leaders;

    PublishBatcher(Consumer<List<SpooledEvent>> sender) {
        this.sender = sender;
    }

    void publish(SpooledEvent ev) {
        Pending me = new Pending(ev);
        boolean interrupted = false;
        boolean leader = false;
        synchronized (this) {
            queue.add(me);
            while (leaders >= MAX_LEADERS && !me.done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the event is already queued: wait for its outcome anyway
                }
            }
            if (!me.done) {
                leaders++;
                leader = true;
            }
        }
        try {
            while (!me.done) {
                List<Pending> batch = take();
                RuntimeException error = null;
                try {
                    sender.accept(batch.stream().map(p -> p.event).toList());
                } catch (RuntimeException e) {
                    error = e;
                }
                synchronized (this) {
                    for (Pending p : batch) {
                        p.error = error;
                        p.done = true;
                    }
                    notifyAll();
                }
            }
        } finally {
            if (leader) {
                synchronized (this) {
                    leaders--;
                    notifyAll();
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (me.error != null) {
            throw me.error;
        }
    }

    private synchronized List<Pending> take() {
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
