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
import io.statestore.client.spi.ClusterFeeds;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.RedisGateway;
import io.statestore.client.spi.SlotTags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch on Redis Cluster (docs/cluster.md, "Watch on a cluster"): follows every slot feed
 * ({@code P feed{T}}) of every primary. XREAD cannot span slots, so the reader thread waits for
 * wake-ups instead: every write SPUBLISHes its slot's wake channel, and one subscription per
 * primary ({@link ClusterFeeds.Subscription}) marks the slot dirty; the reader then reads that
 * slot's feed after its position with the gap-checked {@code ss_read}, routed by the cluster
 * client. A sweeper thread, every second (and soon after a slot moved or a subscription ended), re-reads the
 * slot map, subscribes where slots are now served, and compares every feed's last entry with the
 * watcher's position, so a lost wake-up (failover, reconnect, a new primary) delays an event but
 * never loses it. The position is one entry ID per slot feed; per document the order is the
 * revision order (a document's changes are all in its slot's feed), across slots none is promised.
 *
 * <p>The listener is called on a thread of its own through a bounded queue, one call at a time,
 * with the same slow-listener policies as on a standalone server. When nothing is queued or being
 * delivered by the listener thread, the reader calls the listener itself for a short batch (as
 * {@link FeedWatcher} does): a change then costs two thread wake-ups (subscriber, reader) instead
 * of three, which is what the tail latency on a busy machine is made of. Callbacks never overlap:
 * the reader only delivers while {@link #pending} is zero, and only the reader adds to it; the
 * queue is one for all slots, so whatever was queued is delivered before the reader delivers a
 * later change itself, and each slot's order is kept.
 */
final class ClusterFeedWatcher implements Watcher {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterFeedWatcher.class);
    static final int BATCH = 500;
    /**
     * Longest batch the reader delivers itself. A longer one means the watch is behind: it goes
     * through the buffer, so the reader keeps reading and the slow-listener policy applies.
     */
    static final int INLINE_MAX = 16;
    /** How often the catch-up sweep runs (docs/cluster.md, "What a watcher costs"). */
    static final long SWEEP_MILLIS = 1000;
    /** Sooner sweeps (a slot moved, a subscription ended) are at least this far apart. */
    private static final long SOON_MILLIS = 100;

    private static final long BACKOFF_BASE_MS = 20;
    private static final long BACKOFF_CAP_MS = 2000;

    private sealed interface Signal permits Snap, Event, Unreadable, Resync, Failure, End {}

    private record Snap(List<Document<JsonNode>> documents, Map<Integer, String> positions) implements Signal {}

    private record Event(ChangeEvent event, int slot) implements Signal {}

    private record Unreadable(String key, String position, StateStoreException error) implements Signal {}

    private record Resync(ResyncReason reason) implements Signal {}

    private record Failure(StateStoreException error) implements Signal {}

    private record End() implements Signal {}

    /** Changes of one slot already in a multi-page snapshot, until the feed passes its last page. */
    private record SlotSkip(Map<String, Long> revisions, String until) {}

    private final WatchOptions options;
    private final WatchListener listener;
    private final FeedReads reads;
    private final DocumentLookup documents;
    private final RedisGateway redis;
    private final ClusterFeeds feeds;
    /** The slots this watch follows: one for a single key, every slot otherwise. */
    private final BitSet scope = new BitSet(SlotTags.SLOTS);

    private final BlockingQueue<Signal> queue;
    private final Thread reader;
    private final Thread dispatcher;
    private final CountDownLatch done = new CountDownLatch(3);
    /** Opened once the reader has its positions: sweeps compare with them. */
    private final CountDownLatch begun = new CountDownLatch(1);

    private final CountDownLatch positioned = new CountDownLatch(1);

    /** Slots to read; {@link #queued} keeps each in it at most once. */
    private final LinkedBlockingQueue<Integer> dirty = new LinkedBlockingQueue<>();

    private final AtomicIntegerArray queued = new AtomicIntegerArray(SlotTags.SLOTS);
    private final LinkedBlockingQueue<Boolean> sweepRequests = new LinkedBlockingQueue<>();
    private final Thread sweeper;

    private volatile boolean closed;
    private volatile boolean closedByUser;
    /** Signals queued and not yet delivered (or being delivered) by the listener thread. */
    private final AtomicInteger pending = new AtomicInteger();
    /** True while the reader thread is in a listener callback: close() must not interrupt it. */
    private volatile boolean readerDelivering;

    /** Per slot, the last entry read; written by the reader, compared with by the sweeper. */
    private final Map<Integer, String> positions = new ConcurrentHashMap<>();

    // reader thread only
    private Map<Integer, SlotSkip> skips = new HashMap<>();
    /** Sweeper thread only. */
    private final Map<String, ClusterFeeds.Subscription> subscriptions = new HashMap<>();

    private final Map<Integer, String> startFrom;

    /** Per slot, the last entry the listener returned from (or the snapshot's position). */
    private final Map<Integer, String> delivered = new ConcurrentHashMap<>();

    ClusterFeedWatcher(
            WatchOptions options,
            WatchListener listener,
            FeedReads reads,
            DocumentLookup documents,
            RedisGateway redis,
            ClusterFeeds feeds) {
        this.options = options;
        this.listener = listener;
        this.reads = reads;
        this.documents = documents;
        this.redis = redis;
        this.feeds = feeds;
        this.startFrom = startPositions(options, redis);
        if (options.scope() == WatchOptions.Scope.KEY) {
            scope.set(SlotTags.slot(options.target()));
        } else {
            scope.set(0, SlotTags.SLOTS);
        }
        if (startFrom != null) {
            delivered.putAll(startFrom);
        }
        this.queue = new ArrayBlockingQueue<>(options.bufferSize());
        this.reader = new Thread(this::readLoop, "statestore-watch-reader");
        this.dispatcher = new Thread(this::dispatchLoop, "statestore-watch-listener");
        this.sweeper = new Thread(this::sweepLoop, "statestore-watch-sweep");
        reader.setDaemon(true);
        dispatcher.setDaemon(true);
        sweeper.setDaemon(true);
    }

    /**
     * The positions given by {@code fromId}: a cluster position, or {@code 0} (every feed from
     * its oldest entry); null without one. A single entry ID names no slot, so it is refused.
     */
    private static Map<Integer, String> startPositions(WatchOptions options, RedisGateway redis) {
        if (options.fromId().isEmpty()) {
            return null;
        }
        String from = options.fromId().get();
        if (ClusterPosition.is(from)) {
            return ClusterPosition.parse(from);
        }
        if ("0-0".equals(from)) {
            return Map.of();
        }
        throw new InvalidInputException("watch from \"" + from + "\": on Redis Cluster (" + redis.endpoint()
                + ") a position covers every slot's feed (c1:..., from Watcher.position() or a 'ready' line"
                + " of 'statestore watch'); a single entry ID names no slot; use 0 for the oldest change"
                + " of every feed");
    }

    void start() {
        dispatcher.start();
        reader.start();
        sweeper.start();
        try {
            positioned.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- reader thread

    private void readLoop() {
        int failures = 0;
        boolean started = false;
        try {
            while (!closed) {
                try {
                    if (!started) {
                        begin();
                        started = true;
                        begun.countDown();
                    }
                    Integer slot = dirty.poll(200, TimeUnit.MILLISECONDS);
                    while (slot != null && !closed) {
                        readSlot(slot);
                        slot = dirty.poll();
                    }
                    failures = 0;
                } catch (StateStoreException e) {
                    if (closed) {
                        break;
                    }
                    positioned.countDown(); // Redis is away: the caller gets its watcher, which retries by itself
                    requestSweep(); // re-reads every feed that moved meanwhile
                    failures++;
                    if (failures == 1) {
                        LOG.debug("cluster watch failed; retrying: {}", e.getMessage());
                        put(new Failure(e));
                    }
                    pause(failures);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException bug) {
            LOG.error("watch stopped: {}", bug.toString(), bug);
            if (queue.offer(new Failure(
                    new InvalidInputException("the watch stopped on a reply it could not read: " + bug, bug)))) {
                // delivered before End
            }
        } finally {
            positioned.countDown();
            closed = true;
            sweeper.interrupt();
            end();
            done.countDown();
        }
    }

    // ---- sweeper thread: subscriptions and the catch-up sweep, off the reader's path so that a
    // sweep (a SCAN walk and a read of every feed's last ID per primary) never delays a read

    private void sweepLoop() {
        long lastSweep = 0;
        try {
            while (!closed && !begun.await(200, TimeUnit.MILLISECONDS)) {
                // the reader has not positioned the watch yet
            }
            while (!closed) {
                long sinceLast = System.nanoTime() - lastSweep;
                if (sinceLast < TimeUnit.MILLISECONDS.toNanos(SOON_MILLIS)) {
                    Thread.sleep(SOON_MILLIS - TimeUnit.NANOSECONDS.toMillis(sinceLast));
                }
                lastSweep = System.nanoTime();
                try {
                    sweep();
                } catch (StateStoreException e) {
                    LOG.debug("cluster watch sweep failed; again soon: {}", e.getMessage());
                    requestSweep();
                }
                // until the next sweep is due, or one is asked for (a slot moved, a subscriber ended)
                sweepRequests.poll(SWEEP_MILLIS, TimeUnit.MILLISECONDS);
                sweepRequests.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException bug) {
            LOG.error("cluster watch sweeps stopped: {}", bug.toString(), bug);
        } finally {
            subscriptions.values().forEach(ClusterFeeds.Subscription::close);
            done.countDown();
        }
    }

    private void requestSweep() {
        sweepRequests.offer(Boolean.TRUE);
    }

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
                Thread.sleep(1);
            } catch (InterruptedException e) {
                queue.clear();
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void begin() throws InterruptedException {
        if (startFrom != null) {
            positions.putAll(startFrom);
            // each given slot is read once now, whether or not its feed moved since: the read's gap
            // check is what finds a feed that no longer reaches the position (trimmed, or gone
            // with a FLUSHALL, which no sweep would report: it only marks feeds that end later)
            startFrom.keySet().forEach(this::mark);
            positioned.countDown();
        } else if (options.snapshot()) {
            takeSnapshot();
        } else {
            positions.putAll(lastIdsEverywhere());
            positioned.countDown();
        }
    }

    /**
     * The last entry of every slot feed in scope, on every primary. Read again when the slot map
     * changed meanwhile (a slot moving while the primaries are scanned could be missed by both;
     * a missed feed would be read from its beginning).
     */
    private Map<Integer, String> lastIdsEverywhere() {
        Map<Integer, String> out = new HashMap<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            out.clear();
            List<ClusterFeeds.Primary> before = feeds.primaries();
            for (ClusterFeeds.Primary p : before) {
                feeds.lastIds(p.address()).forEach((slot, id) -> {
                    if (scope.get(slot)) {
                        out.put(slot, id);
                    }
                });
            }
            if (sameMap(before, feeds.primaries())) {
                break;
            }
        }
        return out;
    }

    private static boolean sameMap(List<ClusterFeeds.Primary> a, List<ClusterFeeds.Primary> b) {
        return new HashSet<>(a).equals(new HashSet<>(b));
    }

    /**
     * Reads every slot's documents with the feed position of that slot, one {@code ss_snapshot}
     * per slot feed (paged), so each slot's part is exact for its position.
     */
    private void takeSnapshot() throws InterruptedException {
        positions.clear();
        skips = new HashMap<>();
        List<Document<JsonNode>> docs = new ArrayList<>();
        List<FeedReads.Unreadable> unreadable = new ArrayList<>();
        if (options.scope() == WatchOptions.Scope.KEY) {
            FeedReads.Snapshot s = reads.snapshot(c -> redis.fcallReadOnly(c, options.target()), options);
            positions.put(SlotTags.slot(options.target()), s.position());
            docs.addAll(s.documents());
            unreadable.addAll(s.unreadable());
        } else {
            for (int slot : lastIdsEverywhere().keySet()) {
                snapshotSlot(slot, docs, unreadable);
            }
            docs.sort(Comparator.comparing(Document::key));
        }
        Map<Integer, String> at = new HashMap<>(positions);
        positioned.countDown();
        for (FeedReads.Unreadable u : unreadable) {
            put(new Unreadable(u.key(), ClusterPosition.format(at), u.error()));
        }
        put(new Snap(docs, at));
    }

    private void snapshotSlot(int slot, List<Document<JsonNode>> docs, List<FeedReads.Unreadable> unreadable) {
        String feed = feeds.feed(slot);
        String cursor = "";
        String first = null;
        String last;
        List<Document<JsonNode>> mine = new ArrayList<>();
        List<FeedReads.Unreadable> mineUnreadable = new ArrayList<>();
        do {
            List<Object> r = FunctionCalls.list(redis.fcallReadOnly(
                    FunctionCalls.snapshotOfSlot(
                            feed, feeds.index(slot), options.target(), cursor, FeedReads.SNAPSHOT_PAGE),
                    feed));
            last = FunctionCalls.text(r.get(0));
            if (first == null) {
                first = last;
            }
            cursor = FunctionCalls.text(r.get(1));
            FeedReads.addDocuments(r, mine, mineUnreadable);
        } while (!cursor.isEmpty());
        positions.put(slot, first);
        FeedReads.Snapshot s = new FeedReads.Snapshot(mine, mineUnreadable, first, last);
        Map<String, Long> skip = s.revisionsToSkip();
        if (!skip.isEmpty()) {
            skips.put(slot, new SlotSkip(skip, last));
        }
        docs.addAll(mine);
        unreadable.addAll(mineUnreadable);
    }

    /**
     * Subscribes to the wake channels where slots are served now (first, so a change after
     * this is woken up), then marks every slot whose feed ends after the watcher's position.
     */
    private void sweep() {
        List<ClusterFeeds.Primary> primaries = feeds.primaries();
        Set<String> current = new HashSet<>();
        for (ClusterFeeds.Primary p : primaries) {
            current.add(p.address());
            BitSet want = (BitSet) p.slots().clone();
            want.and(scope);
            if (want.isEmpty()) {
                continue;
            }
            try {
                ClusterFeeds.Subscription s = subscriptions.get(p.address());
                if (s != null && s.alive()) {
                    s.add(want);
                } else {
                    subscriptions.put(p.address(), feeds.subscribe(p.address(), want, wakes));
                }
            } catch (StateStoreException e) {
                LOG.debug("cluster watch cannot subscribe at {} yet: {}", p.address(), e.getMessage());
                requestSweep();
            }
        }
        subscriptions.entrySet().removeIf(e -> {
            if (current.contains(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
        for (ClusterFeeds.Primary p : primaries) {
            Map<Integer, String> last;
            try {
                last = feeds.lastIds(p.address());
            } catch (StateStoreException e) {
                LOG.debug("cluster watch cannot sweep {} yet: {}", p.address(), e.getMessage());
                requestSweep();
                continue;
            }
            last.forEach((slot, id) -> {
                if (scope.get(slot) && FeedReads.compareIds(id, positions.getOrDefault(slot, "0-0")) > 0) {
                    mark(slot);
                }
            });
        }
    }

    private final ClusterFeeds.WakeListener wakes = new ClusterFeeds.WakeListener() {
        @Override
        public void woken(int slot) {
            if (scope.get(slot)) {
                mark(slot);
            }
        }

        @Override
        public void moved(int slot) {
            if (slot >= 0 && scope.get(slot)) {
                mark(slot); // what its old owner had last is read at the new one
            }
            requestSweep();
        }

        @Override
        public void ended(String address, RuntimeException cause) {
            if (!closed) {
                LOG.debug("cluster watch lost its wake subscription at {}: {}", address, cause);
                requestSweep();
            }
        }
    };

    private void mark(int slot) {
        if (queued.compareAndSet(slot, 0, 1)) {
            dirty.add(slot);
        }
    }

    private void readSlot(int slot) throws InterruptedException {
        queued.set(slot, 0); // a wake-up from now on queues it again
        String feed = feeds.feed(slot);
        String pos = positions.getOrDefault(slot, "0-0");
        FeedReads.Batch b;
        try {
            b = readFeed(feed, pos);
        } catch (StateStoreException e) {
            mark(slot);
            throw e;
        }
        if (!b.ok()) {
            resync("trimmed".equals(b.status()) ? ResyncReason.TRIMMED : ResyncReason.FEED_BEHIND);
            return;
        }
        boolean direct = b.events().size() <= INLINE_MAX && pending.get() == 0;
        for (ChangeEvent e : b.events()) {
            if (!handOver(slot, e, direct)) {
                return;
            }
        }
        if (b.events().size() == BATCH) {
            mark(slot);
        }
    }

    private FeedReads.Batch readFeed(String feed, String after) {
        List<Object> r = FunctionCalls.list(redis.fcallReadOnly(FunctionCalls.read(feed, after, BATCH), feed));
        List<ChangeEvent> events = new ArrayList<>();
        if (r.get(2) != null) {
            for (Object e : FunctionCalls.list(r.get(2))) {
                events.add(FeedReads.event(e));
            }
        }
        return new FeedReads.Batch(FunctionCalls.text(r.get(0)), FunctionCalls.text(r.get(1)), events);
    }

    /**
     * Delivers one feed entry if the watch follows its key: on this thread ({@code direct}) or
     * through the queue. False when it was not delivered: the watcher was closed, or a resync
     * replaced the queue.
     */
    private boolean handOver(int slot, ChangeEvent e, boolean direct) throws InterruptedException {
        if (options.matches(e.key()) && !alreadyInSnapshot(slot, e)) {
            ChangeEvent out = e;
            if (options.withDocuments()) {
                DocumentLookup.Attached a = documents.attach(e);
                out = a.event();
                if (a.unreadable() != null && !hand(new Unreadable(e.key(), e.id(), a.unreadable()), direct)) {
                    return false;
                }
            }
            if (!hand(new Event(out, slot), direct)) {
                return false;
            }
        }
        positions.put(slot, e.id());
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

    private boolean alreadyInSnapshot(int slot, ChangeEvent e) {
        SlotSkip s = skips.get(slot);
        if (s == null) {
            return false;
        }
        if (FeedReads.compareIds(e.id(), s.until()) > 0) {
            skips.remove(slot);
            return false;
        }
        Long rev = s.revisions().get(e.key());
        return rev != null && e.revision() <= rev;
    }

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
        LOG.debug("cluster watch resync: {}", reason);
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
                if (s instanceof End || closedByUser) {
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

    /** Listener thread or reader thread: never both at once (see the class comment). */
    private void deliver(Signal s) {
        try {
            if (s instanceof Event ev) {
                listener.onEvent(ev.event());
                delivered.put(ev.slot(), ev.event().id());
            } else if (s instanceof Snap snap) {
                delivered.clear();
                delivered.putAll(snap.positions());
                listener.onSnapshot(snap.documents(), ClusterPosition.format(snap.positions()));
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

    // ---- handle

    /** A cluster position ({@code c1:...}) covering every slot feed, for {@link WatchOptions.Builder#fromId}. */
    @Override
    public String position() {
        return ClusterPosition.format(delivered);
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
        sweeper.interrupt();
        if (self != dispatcher && self != reader) {
            try {
                if (!done.await(5, TimeUnit.SECONDS)) {
                    dispatcher.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
