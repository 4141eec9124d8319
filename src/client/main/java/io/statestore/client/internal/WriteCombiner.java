package io.statestore.client.internal;

import io.statestore.client.WriteResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Flat combining of the writes threads of this process make to one document (docs/combining.md):
 * while one call is in flight for a document, the writes that queue behind it go together as one
 * {@code ss_chain} call, sent by one of their callers (the combiner) while the others park.
 *
 * <p>Each document has a lane: its queue and its combiners at work (one, or a few where links
 * apply in place). A caller that finds a combiner's place free becomes a combiner and sends chains of what is queued until its own write is
 * settled, then hands the turn to the oldest queued caller, so nobody sends other threads'
 * writes for long. Links a chain did not apply (stopped behind a failed link, or rebased after
 * another process's write) go back to the front of the queue in their order.
 */
final class WriteCombiner {
    /** Links per chain: enough to drain 16 threads' writes many times over, and far below the function's bound. */
    static final int MAX_LINKS = 64;
    /** Bytes per chain, roughly: a larger chain holds the server longer than it saves. */
    static final long MAX_BYTES = 512 << 10;

    /** One document's queue. Guarded by its own monitor. */
    private static final class Lane {
        final ArrayDeque<CombinedWrite> queue = new ArrayDeque<>();
        /** Combiners at work; each holds one slot, its own name in chain write IDs. */
        int active;

        final java.util.BitSet slots = new java.util.BitSet();
        /** Removed from the map once idle; a caller that still holds it takes a fresh lane. */
        boolean retired;
        /** Module mode: the document is kept as a string, so updates are computed here (SS_STRINGDOC). */
        volatile boolean stringStored;
    }

    /** Sends one chain of a lane's writes and settles or returns each (see {@link ChainRun}). */
    @FunctionalInterface
    interface ChainSender {
        /**
         * @param slot the combiner's slot in the lane: at most one chain per slot is in flight
         * @return the writes to queue again at the front, in order
         */
        List<CombinedWrite> send(String key, List<CombinedWrite> batch, LaneState lane, int slot);
    }

    /** What a chain may learn about a document and what later chains must know. */
    interface LaneState {
        boolean stringStored();

        void markStringStored();
    }

    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final ChainSender sender;
    private final int chainsInFlight;

    /**
     * @param chainsInFlight chains one document may have in flight at once: 1 where links are
     *     computed from the document this client knows (portable mode: a second chain would only
     *     meet the first one's revision); more where links apply in place (module mode), so the
     *     server is not left idle while one chain's reply travels back
     */
    WriteCombiner(ChainSender sender, int chainsInFlight) {
        this.sender = sender;
        this.chainsInFlight = chainsInFlight;
    }

    /** Queues {@code w} behind the writes to {@code key} in flight and returns its outcome. */
    WriteResult write(String key, CombinedWrite w) {
        Lane lane = enqueue(key, w);
        boolean interrupted = false;
        while (!w.done) {
            if (w.combiner) {
                w.combiner = false;
                combine(key, lane, w);
            } else {
                LockSupport.park(this);
                // the write may already be on its way: its outcome is needed whatever happens
                interrupted |= Thread.interrupted();
            }
        }
        if (w.combiner) {
            // handed a turn after another combiner had taken this write along: pass the turn on
            w.combiner = false;
            handOver(key, lane);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return w.outcome();
    }

    /** Writes queued for {@code key} and not yet taken into a chain (for tests). */
    int pending(String key) {
        Lane lane = lanes.get(key);
        if (lane == null) {
            return 0;
        }
        synchronized (lane) {
            return lane.queue.size();
        }
    }

    private Lane enqueue(String key, CombinedWrite w) {
        while (true) {
            Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
            synchronized (lane) {
                if (lane.retired) {
                    continue;
                }
                lane.queue.add(w);
                if (lane.active < chainsInFlight) {
                    lane.active++;
                    w.combiner = true;
                }
                return lane;
            }
        }
    }

    /** Sends chains until {@code me} is settled, then hands the turn on. */
    private void combine(String key, Lane lane, CombinedWrite me) {
        LaneState state = new LaneState() {
            @Override
            public boolean stringStored() {
                return lane.stringStored;
            }

            @Override
            public void markStringStored() {
                lane.stringStored = true;
            }
        };
        int slot;
        synchronized (lane) {
            slot = lane.slots.nextClearBit(0);
            lane.slots.set(slot);
        }
        try {
            while (!me.done) {
                List<CombinedWrite> batch = take(lane);
                if (batch.isEmpty()) {
                    break; // cannot happen while me is queued; a guard against spinning
                }
                List<CombinedWrite> again;
                try {
                    again = sender.send(key, batch, state, slot);
                } catch (RuntimeException e) {
                    again = List.of();
                    for (CombinedWrite w : batch) {
                        if (!w.settled()) {
                            w.fail(e);
                        }
                    }
                }
                settle(lane, batch, again, me);
            }
        } finally {
            synchronized (lane) {
                lane.slots.clear(slot);
            }
            handOver(key, lane);
        }
    }

    /** Marks the batch's settled writes done (waking their callers) and queues the rest again in order. */
    private void settle(Lane lane, List<CombinedWrite> batch, List<CombinedWrite> again, CombinedWrite me) {
        synchronized (lane) {
            for (int i = again.size() - 1; i >= 0; i--) {
                lane.queue.addFirst(again.get(i));
            }
        }
        for (CombinedWrite w : batch) {
            if (again.contains(w)) {
                continue;
            }
            if (!w.settled()) {
                w.fail(new IllegalStateException("a combined write was neither settled nor queued again"));
            }
            w.done = true;
            if (w != me) {
                LockSupport.unpark(w.caller);
            }
        }
    }

    private void handOver(String key, Lane lane) {
        CombinedWrite next;
        synchronized (lane) {
            next = null;
            for (CombinedWrite w : lane.queue) {
                if (!w.combiner) {
                    next = w; // the oldest queued caller not already handed a turn
                    break;
                }
            }
            if (next == null) {
                if (--lane.active == 0 && lane.queue.isEmpty()) {
                    lane.retired = true;
                    lanes.remove(key, lane);
                }
                return;
            }
            next.combiner = true;
        }
        LockSupport.unpark(next.caller);
    }

    private static List<CombinedWrite> take(Lane lane) {
        synchronized (lane) {
            List<CombinedWrite> batch = new ArrayList<>(Math.min(lane.queue.size(), MAX_LINKS));
            long bytes = 0;
            while (!lane.queue.isEmpty() && batch.size() < MAX_LINKS) {
                CombinedWrite w = lane.queue.peek();
                long size = w.text == null ? 256 : w.text.length();
                if (!batch.isEmpty() && bytes + size > MAX_BYTES) {
                    break;
                }
                batch.add(lane.queue.poll());
                bytes += size;
            }
            return batch;
        }
    }
}
