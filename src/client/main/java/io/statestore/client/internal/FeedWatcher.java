package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ChangeEvent;
import io.statestore.client.Document;
import io.statestore.client.InvalidInputException;
import io.statestore.client.ResyncReason;
import io.statestore.client.SlowListenerPolicy;
import io.statestore.client.StateStoreException;
import io.statestore.client.WatchListener;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
import io.statestore.client.spi.RedisGateway;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch: a reader thread that takes the snapshot and reads the feed on its own connection
 * ({@code ss_read} for gap-checked batches; once caught up, XREAD BLOCK pipelined with the same
 * gap check, see {@link FeedReads#awaitNext}), and a listener thread fed through a bounded queue.
 *
 * <p>When nothing is queued or being delivered by the listener thread, the reader calls the
 * listener itself for a short batch: a notification then costs one thread wake-up instead of
 * two, which is what its tail latency on a busy machine is made of. Callbacks never overlap:
 * the reader only delivers while {@link #pending} is zero, and only the reader adds to it.
 * The reader's position only advances past entries it has delivered or queued, so a reconnect
 * resumes exactly after the last of them.
 */
final class FeedWatcher implements Watcher {
    private static final Logger LOG = LoggerFactory.getLogger(FeedWatcher.class);
    static final String CONNECTION_NAME = "statestore-watch";
    static final int BATCH = 500;
    private static final int MAX_BLOCK_MILLIS = 1000;
    private static final long BACKOFF_BASE_MS = 20;
    private static final long BACKOFF_CAP_MS = 2000;
    /**
     * Longest batch the reader delivers itself. A longer one means the watch is behind: it goes
     * through the buffer, so the reader keeps reading and the slow-listener policy applies.
     */
    static final int INLINE_MAX = 16;

    private sealed interface Signal permits Snap, Event, Unreadable, Resync, Failure, End {}

    private record Snap(List<Document<JsonNode>> documents, String position) implements Signal {}

    private record Event(ChangeEvent event) implements Signal {}

    /** A document that cannot be read, as of a snapshot position or a change ID. */
    private record Unreadable(String key, String position, StateStoreException error) implements Signal {}

    private record Resync(ResyncReason reason) implements Signal {}

    private record Failure(StateStoreException error) implements Signal {}

    private record End() implements Signal {}

    private final WatchOptions options;
    private final WatchListener listener;
    private final FeedReads reads;
    private final DocumentLookup documents;
    private final RedisGateway.BlockingConnection conn;
    private final String feed;
    private final BlockingQueue<Signal> queue;
    private final Thread reader;
    private final Thread dispatcher;
    /** Counted down by each of the two threads when it ends: then no callback runs any more. */
    private final CountDownLatch done = new CountDownLatch(2);
    /**
     * Open until the reader has fixed its start position (or failed to, Redis being away): a
     * change committed after watch() returns must reach the listener, so the position may not be
     * taken later on the reader's own time (a loaded machine let a test's writes pass it).
     */
    private final CountDownLatch positioned = new CountDownLatch(1);
    /**
     * Signals queued and neither delivered nor dropped yet. The listener thread decrements it
     * after each callback, so the reader seeing zero also sees that callback's effects.
     */
    private final AtomicInteger pending = new AtomicInteger();
    /** The reader is in a callback: close() must not interrupt it (the listener's code runs there). */
    private volatile boolean readerDelivering;

    private final int blockMillis;

    private volatile boolean closed;
    private volatile boolean closedByUser;
    private volatile String delivered;
    private String readPosition;
    private Map<String, Long> skip = Map.of();
    private String skipUntil;

    FeedWatcher(
            WatchOptions options,
            WatchListener listener,
            FeedReads reads,
            DocumentLookup documents,
            RedisGateway redis,
            String feed,
            Duration timeout) {
        this.options = options;
        this.listener = listener;
        this.reads = reads;
        this.documents = documents;
        this.blockMillis = blockMillis(timeout);
        this.conn = redis.openBlockingConnection(CONNECTION_NAME);
        this.feed = feed;
        this.queue = new ArrayBlockingQueue<>(options.bufferSize());
        this.delivered = options.fromId().orElse("");
        this.reader = new Thread(this::readLoop, "statestore-watch-reader");
        this.dispatcher = new Thread(this::dispatchLoop, "statestore-watch-listener");
        reader.setDaemon(true);
        dispatcher.setDaemon(true);
    }

    /** XREAD BLOCK must end well within the socket timeout, or every idle wait would look like a failure. */
    private static int blockMillis(Duration socketTimeout) {
        return (int) Math.max(10, Math.min(MAX_BLOCK_MILLIS, socketTimeout.toMillis() / 2));
    }

    void start() {
        dispatcher.start();
        reader.start();
        try {
            positioned.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller's; the watch goes on starting by itself
        }
    }

    // ---- reader thread

    private void readLoop() {
        int failures = 0;
        boolean started = false;
        boolean live = false;
        try {
            while (!closed) {
                try {
                    if (!started) {
                        begin();
                        started = true;
                    }
                    FeedReads.Batch b = live
                            ? reads.awaitNext(conn, feed, readPosition, blockMillis, BATCH)
                            : reads.read(conn::fcallReadOnly, feed, readPosition, BATCH);
                    if (!b.ok()) {
                        if (live) {
                            live = false; // re-read with ss_read, which reports the resync
                            continue;
                        }
                        resync("trimmed".equals(b.status()) ? ResyncReason.TRIMMED : ResyncReason.FEED_BEHIND);
                        continue;
                    }
                    failures = 0;
                    live = b.events().size() < BATCH;
                    boolean direct = b.events().size() <= INLINE_MAX && pending.get() == 0;
                    for (ChangeEvent e : b.events()) {
                        if (!handOver(e, direct)) {
                            live = false;
                            break;
                        }
                    }
                } catch (StateStoreException e) {
                    live = false;
                    if (closed) {
                        break;
                    }
                    conn.reset();
                    positioned.countDown(); // Redis is away: the caller gets its watcher, which reconnects by itself
                    failures++;
                    if (failures == 1) {
                        LOG.debug("watch lost its connection; reconnecting: {}", e.getMessage());
                        put(new Failure(e));
                    }
                    pause(failures);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException bug) {
            // A reply this watcher cannot read. Retrying would read it again; ending silently
            // (as an uncaught exception did) leaves the caller with no events and no error.
            LOG.error("watch stopped: {}", bug.toString(), bug);
            pending.incrementAndGet();
            if (!queue.offer(new Failure(
                    new InvalidInputException("the watch stopped on a reply it could not read: " + bug, bug)))) {
                pending.decrementAndGet(); // a full buffer: the log line above has to do
            }
        } finally {
            positioned.countDown();
            conn.close();
            closed = true;
            end();
            done.countDown();
        }
    }

    /** Ends the listener thread: at once when closed by the user, after the queued signals otherwise. */
    private void end() {
        if (closedByUser) {
            queue.clear();
        }
        boolean interrupted = false;
        while (!queue.offer(new End())) {
            if (!dispatcher.isAlive()) {
                break;
            }
            try {
                Thread.sleep(1); // the listener thread is draining a full buffer; End must come last
            } catch (InterruptedException e) {
                // no more waiting: drop what the listener has not taken, so End fits at once
                queue.clear();
                interrupted = true;
            }
        }
        if (interrupted) {
            // restored after the loop, where no sleep would throw on it again
            Thread.currentThread().interrupt();
        }
    }

    /** The start position: the given ID, or a snapshot's, or the current end of the feed. */
    private void begin() throws InterruptedException {
        if (options.fromId().isPresent()) {
            readPosition = options.fromId().get();
            positioned.countDown();
        } else if (options.snapshot()) {
            takeSnapshot();
        } else {
            // COUNT 1, not 0: only the end position is wanted, but Redis 7.0 answers XRANGE ...
            // COUNT 0 with nil, which an ss_read of count 0 passes on in place of the entries.
            readPosition = reads.read(conn::fcallReadOnly, feed, "0-0", 1).lastId();
            positioned.countDown();
        }
    }

    private void takeSnapshot() throws InterruptedException {
        FeedReads.Snapshot s = reads.snapshot(conn::fcallReadOnly, options);
        readPosition = s.position();
        skip = s.revisionsToSkip();
        skipUntil = s.lastPagePosition();
        // before the snapshot is queued: a listener that waits on its caller must not hold up watch()
        positioned.countDown();
        for (FeedReads.Unreadable u : s.unreadable()) {
            put(new Unreadable(u.key(), s.position(), u.error()));
        }
        put(new Snap(s.documents(), s.position()));
    }

    /**
     * Delivers one feed entry if the watch follows its key: on this thread ({@code direct}) or
     * through the queue. False when it was not delivered: the watcher was closed, or a resync
     * replaced the queue.
     */
    private boolean handOver(ChangeEvent e, boolean direct) throws InterruptedException {
        String id = e.id();
        if (options.matches(e.key()) && !alreadyInSnapshot(e)) {
            ChangeEvent out = e;
            if (options.withDocuments()) {
                DocumentLookup.Attached a = documents.attach(e);
                out = a.event();
                if (a.unreadable() != null && !hand(new Unreadable(e.key(), id, a.unreadable()), direct)) {
                    return false;
                }
            }
            if (!hand(new Event(out), direct)) {
                return false;
            }
        }
        readPosition = id;
        return true;
    }

    private boolean hand(Signal s, boolean direct) throws InterruptedException {
        return direct ? deliverHere(s) : put(s);
    }

    /**
     * Calls the listener on the reader thread. The flag is set before {@code closed} is read and
     * close() sets {@code closed} before reading the flag, so either the callback is skipped or
     * close() leaves this thread uninterrupted.
     */
    private boolean deliverHere(Signal s) {
        readerDelivering = true;
        try {
            if (closed) {
                return false;
            }
            deliver(s);
            return true;
        } finally {
            readerDelivering = false;
        }
    }

    private boolean alreadyInSnapshot(ChangeEvent e) {
        if (skip.isEmpty()) {
            return false;
        }
        if (FeedReads.compareIds(e.id(), skipUntil) > 0) {
            skip = Map.of();
            return false;
        }
        Long rev = skip.get(e.key());
        return rev != null && e.revision() <= rev;
    }

    /**
     * Hands a signal to the listener thread: waits for room (BLOCK), or on a full buffer drops
     * what is queued and resyncs (RESYNC). False when the signal was dropped for a resync.
     */
    private boolean put(Signal s) throws InterruptedException {
        pending.incrementAndGet();
        if (options.slowListenerPolicy() == SlowListenerPolicy.BLOCK || !(s instanceof Event)) {
            while (!queue.offer(s, 200, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    throw new InterruptedException("watch closed");
                }
            }
            return true;
        }
        if (queue.offer(s)) {
            return true;
        }
        pending.decrementAndGet();
        dropQueued();
        resync(ResyncReason.SLOW_LISTENER);
        return false;
    }

    private void dropQueued() {
        int dropped = 0;
        while (queue.poll() != null) {
            dropped++;
        }
        pending.addAndGet(-dropped);
    }

    private void resync(ResyncReason reason) throws InterruptedException {
        LOG.debug("watch resync: {} at {}", reason, readPosition);
        put(new Resync(reason));
        if (options.resyncSnapshot()) {
            takeSnapshot();
        } else {
            closed = true;
        }
    }

    private void pause(int failures) throws InterruptedException {
        long ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS << Math.min(failures, 10));
        Thread.sleep(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }

    // ---- listener thread

    private void dispatchLoop() {
        try {
            while (true) {
                Signal s = queue.take();
                if (s instanceof End || closedByUser) { // after close() no callback starts
                    break;
                }
                deliver(s);
                pending.decrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed = true;
            done.countDown();
        }
    }

    private void deliver(Signal s) {
        if (s instanceof Event ev) {
            deliverEvent(ev.event());
            return;
        }
        try {
            if (s instanceof Snap snap) {
                listener.onSnapshot(snap.documents(), snap.position());
                delivered = snap.position();
            } else if (s instanceof Unreadable u) {
                listener.onUnreadable(u.key(), u.position(), u.error());
            } else if (s instanceof Resync r) {
                listener.onResync(r.reason());
            } else if (s instanceof Failure f) {
                listener.onError(f.error());
            }
        } catch (RuntimeException e) {
            LOG.warn("watch listener failed; continuing with the next change", e);
        }
    }

    /** Listener thread or reader thread: never both at once (see the class comment). */
    private void deliverEvent(ChangeEvent e) {
        try {
            listener.onEvent(e);
            delivered = e.id();
        } catch (RuntimeException ex) {
            LOG.warn("watch listener failed; continuing with the next change", ex);
        }
    }

    // ---- handle

    @Override
    public String position() {
        return delivered;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closedByUser = true;
        closed = true;
        Thread self = Thread.currentThread();
        if (self != reader && !readerDelivering) {
            reader.interrupt(); // ends a backoff pause or a wait for buffer room at once
        }
        conn.reset();
        if (self != dispatcher && self != reader) { // from a callback: the threads end when it returns
            try {
                if (!done.await(5, TimeUnit.SECONDS)) {
                    dispatcher.interrupt();
                    reader.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
