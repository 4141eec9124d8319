package io.statestore.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Read combining, the read twin of {@link WriteCombiner} (docs/combining.md): gets of one
 * document that this process's threads begin while a read of it is in flight share the next
 * read, sent when the one in flight returns.
 *
 * <p>A get never joins a read already sent: that read may have been answered before a write
 * this caller saw acknowledged. It joins only the read being gathered, which is sent after every
 * one of its sharers began. So each document has at most one read in flight and at most one
 * gathering; a get that finds the document idle sends at once, as without combining.
 */
final class ReadCombiner {
    /** One read, answered to everyone who shares it. */
    private static final class SharedRead {
        final CompletableFuture<StoredDocument> answer = new CompletableFuture<>();
        /** Completed when the read in flight before this one has returned; then this one may go. */
        final CompletableFuture<Void> turn = new CompletableFuture<>();
        /** Callers gathered so far; guarded by the lane's monitor. */
        int sharers = 1;
    }

    /** One document's reads. Guarded by its own monitor. */
    private static final class Lane {
        /** A read is in flight. */
        boolean busy;
        /** The read being gathered behind the one in flight; its first sharer sends it. */
        SharedRead gathering;
        /** Removed from the map once idle; a caller that still holds it takes a fresh lane. */
        boolean retired;
    }

    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Function<String, StoredDocument> direct;

    /** @param direct reads one document with a call of its own ({@code ss_get}) */
    ReadCombiner(Function<String, StoredDocument> direct) {
        this.direct = direct;
    }

    StoredDocument read(String key) {
        while (true) {
            Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
            SharedRead read;
            boolean sender;
            synchronized (lane) {
                if (lane.retired) {
                    continue;
                }
                if (!lane.busy) {
                    lane.busy = true;
                    read = null; // nobody can share a read already sent
                    sender = true;
                } else if (lane.gathering != null) {
                    read = lane.gathering;
                    read.sharers++;
                    sender = false;
                } else {
                    read = new SharedRead();
                    lane.gathering = read;
                    sender = true;
                }
            }
            if (read == null) {
                return sendAlone(key, lane);
            }
            if (sender) {
                send(key, lane, read);
            }
            return await(read.answer);
        }
    }

    /** Lanes not yet retired (for tests: none are left once every read returned). */
    int lanes() {
        return lanes.size();
    }

    /** Callers waiting for the read gathered behind the one in flight for {@code key} (for tests). */
    int gathered(String key) {
        Lane lane = lanes.get(key);
        if (lane == null) {
            return 0;
        }
        synchronized (lane) {
            return lane.gathering == null ? 0 : lane.gathering.sharers;
        }
    }

    /** The read of a caller that found no read in flight: its own, so nothing to hand out. */
    private StoredDocument sendAlone(String key, Lane lane) {
        try {
            return direct.apply(key);
        } finally {
            handOver(key, lane);
        }
    }

    /** A gathered read: waits for the one in flight, then answers every sharer. */
    private void send(String key, Lane lane, SharedRead read) {
        await(read.turn);
        // This read answers others too: one caller's interrupt must not fail theirs.
        boolean interrupted = Thread.interrupted();
        StoredDocument doc = null;
        Throwable failure = null;
        try {
            doc = direct.apply(key);
        } catch (Throwable t) {
            failure = t;
        }
        // The next read goes before this one's sharers are woken: it is what the lane waits for.
        handOver(key, lane);
        if (failure == null) {
            read.answer.complete(doc);
        } else {
            read.answer.completeExceptionally(failure);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The read in flight has returned: lets the gathered read go, or retires the idle lane. */
    private void handOver(String key, Lane lane) {
        SharedRead next;
        synchronized (lane) {
            next = lane.gathering;
            lane.gathering = null;
            if (next == null) {
                lane.busy = false;
                lane.retired = true;
                lanes.remove(key, lane);
            }
        }
        if (next != null) {
            next.turn.complete(null);
        }
    }

    /** Waits without giving up on interrupt (as a Jedis call does), keeping the interrupt status. */
    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
