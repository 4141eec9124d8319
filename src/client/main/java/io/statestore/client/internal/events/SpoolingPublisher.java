package io.statestore.client.internal.events;

import io.statestore.client.StateStoreException;
import io.statestore.client.UnavailableException;
import io.statestore.client.events.SpoolOptions;
import io.statestore.client.events.SpoolStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishing with an outage spool. A publish goes to Redis directly while Redis answers and the
 * spool is empty; otherwise to the spool, which a forwarder thread drains in order as soon as
 * Redis answers again. Ordering: once anything is spooled, every later publish is spooled behind
 * it until the forwarder has sent it all, so one thread's events reach the streams in the order
 * it published them. Re-sends (a publish that reached Redis but whose reply was lost, a crash
 * between forwarding and recording the position) are dropped by {@code ev_publish}, which
 * remembers event IDs.
 *
 * <p>One bus owns a directory at a time ({@link Spool}); another one, in this process or
 * another, is a guest: it spools through the {@link SpoolInbox} and leaves forwarding to the
 * owner, and becomes the owner itself if the lock comes free. So the daemon, which keeps its
 * spool open, forwards what a short-lived CLI spooled there even if no other CLI call follows.
 */
final class SpoolingPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolingPublisher.class);
    private static final int BATCH = 200;
    /** How often an owner looks into its inbox and a guest tries for the lock. */
    private static final long POLL_MILLIS = 500;

    private final SpoolOptions options;
    private final SpoolInbox inbox;
    private final Consumer<SpooledEvent> sender;
    private final Consumer<List<SpooledEvent>> batchSender;
    private final Object lock = new Object();
    private final Thread forwarder;
    private final Thread syncer;
    private volatile Spool spool; // null while a guest
    private volatile boolean online = true;
    private volatile boolean running = true;
    private long spooled;
    private long forwardedSinceEmpty;

    SpoolingPublisher(SpoolOptions options, Consumer<SpooledEvent> sender, Consumer<List<SpooledEvent>> batchSender) {
        this.options = options;
        this.inbox = new SpoolInbox(options.directory());
        this.sender = sender;
        this.batchSender = batchSender;
        synchronized (lock) {
            becomeOwnerIfFree(false); // before the first publish: events already waiting go out first
        }
        this.forwarder = new Thread(this::forwardLoop, "statestore-spool-forwarder");
        this.forwarder.setDaemon(true);
        this.forwarder.start();
        if (!options.syncEveryEvent()) {
            syncer = new Thread(this::syncLoop, "statestore-spool-sync");
            syncer.setDaemon(true);
            syncer.start();
        } else {
            syncer = null;
        }
    }

    void publish(SpooledEvent ev) {
        synchronized (lock) {
            if (mustQueue()) {
                spoolLocked(ev);
                return;
            }
        }
        try {
            sender.accept(ev);
        } catch (UnavailableException e) {
            synchronized (lock) {
                if (online) {
                    // INFO, not WARN: the CLI says it in its own words, and a library caller sees spoolStatus()
                    LOG.info("Redis unavailable, spooling events in {}: {}", options.directory(), e.getMessage());
                }
                online = false;
                spoolLocked(ev);
            }
        }
    }

    /** Whether {@code publish} must spool without trying Redis, to stay behind what is already spooled. */
    private boolean mustQueue() {
        Spool s = spool;
        if (s != null) {
            return !online || s.depth() > 0;
        }
        if (inbox.pending() > 0) {
            return true;
        }
        boolean backlog = Spool.hasBacklog(options.directory());
        if (!online && !backlog) {
            online = true; // the owner forwarded everything, ours included: Redis is back
        }
        return backlog;
    }

    private void spoolLocked(SpooledEvent ev) {
        if (spool == null) {
            becomeOwnerIfFree(true); // an owner takes its inbox on the forwarder's round, not per event
        }
        if (spool != null) {
            spool.append(ev);
        } else {
            inbox.drop(ev);
        }
        spooled++;
        lock.notifyAll();
    }

    /**
     * Takes the directory's lock if nobody holds it; then moves what guests dropped into the
     * spool. A directory that does not exist holds nothing: it is made ({@code create}) only when
     * an event must be spooled, so a CLI that never meets an outage leaves no trace.
     */
    private void becomeOwnerIfFree(boolean create) {
        if (spool == null && (create || Files.isDirectory(options.directory()))) {
            spool = Spool.tryOpen(options);
            if (spool != null && spooled > 0) {
                LOG.info("event spool {}: this bus owns it now and forwards it", spool.file());
            }
        }
        if (spool != null) {
            takeInbox();
        }
    }

    /**
     * Appends each inbox file to the spool, oldest first, and deletes the files once the spool
     * is on disk (a crash in between: a duplicate, which the function drops).
     */
    private void takeInbox() {
        List<java.nio.file.Path> taken = new java.util.ArrayList<>();
        for (java.nio.file.Path f : inbox.waiting()) {
            SpooledEvent ev = inbox.read(f);
            if (ev == null) {
                continue;
            }
            try {
                spool.append(ev);
                taken.add(f);
            } catch (UnavailableException full) {
                LOG.warn(
                        "event spool {}: cannot take {} from the inbox: {}",
                        spool.file(),
                        f.getFileName(),
                        full.getMessage());
                break; // left in the inbox, taken once there is room
            }
        }
        if (taken.isEmpty()) {
            return;
        }
        try {
            spool.sync();
        } catch (IOException e) {
            LOG.warn(
                    "event spool {}: cannot fsync it ({}); the inbox files stay and are taken again",
                    spool.file(),
                    e.getMessage());
            return;
        }
        for (java.nio.file.Path f : taken) {
            try {
                SpoolInbox.taken(f);
            } catch (IOException e) {
                LOG.warn(
                        "event spool {}: took {} but cannot delete it ({}); it will be re-sent and dropped as a duplicate",
                        spool.file(),
                        f,
                        e.getMessage());
            }
        }
    }

    private void forwardLoop() {
        int failures = 0;
        while (running) {
            try {
                List<Spool.Entry> batch;
                synchronized (lock) {
                    becomeOwnerIfFree(false);
                    if (spool == null || spool.depth() == 0) {
                        lock.wait(POLL_MILLIS);
                        continue;
                    }
                    batch = spool.peek(BATCH);
                }
                int sent = 0;
                long end = -1;
                try {
                    for (List<Spool.Entry> part : parts(batch)) {
                        forward(part);
                        sent += part.size();
                        end = part.get(part.size() - 1).end();
                    }
                    failures = 0;
                } catch (UnavailableException e) {
                    failures++;
                } finally {
                    if (sent > 0) {
                        synchronized (lock) {
                            spool.advance(end, sent);
                            forwardedSinceEmpty += sent;
                            if (spool.depth() == 0) {
                                online = true;
                                LOG.info(
                                        "event spool {}: forwarded {} spooled {} to Redis; the spool is empty",
                                        spool.file(),
                                        forwardedSinceEmpty,
                                        forwardedSinceEmpty == 1 ? "event" : "events");
                                forwardedSinceEmpty = 0;
                            }
                        }
                    }
                }
                if (failures > 0) {
                    Thread.sleep(Math.min(1000, 50L << Math.min(failures, 5)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("event spool forwarder: {}", io.statestore.client.spi.RedisFailures.describe(e));
                LOG.debug("event spool forwarder failure", e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Splits a batch into calls of at most about 1 MiB. */
    private static List<List<Spool.Entry>> parts(List<Spool.Entry> batch) {
        List<List<Spool.Entry>> out = new java.util.ArrayList<>();
        List<Spool.Entry> cur = new java.util.ArrayList<>();
        long bytes = 0;
        for (Spool.Entry e : batch) {
            long size = e.event().data().length() + 200L;
            if (!cur.isEmpty() && bytes + size > PublishBatcher.MAX_BYTES) {
                out.add(cur);
                cur = new java.util.ArrayList<>();
                bytes = 0;
            }
            cur.add(e);
            bytes += size;
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    /** One call for the part; if Redis refuses it as a whole, event by event, dropping the refused ones. */
    private void forward(List<Spool.Entry> part) {
        try {
            batchSender.accept(part.stream().map(Spool.Entry::event).toList());
        } catch (UnavailableException e) {
            throw e;
        } catch (StateStoreException refused) {
            for (Spool.Entry e : part) {
                SpooledEvent ev = e.event();
                try {
                    batchSender.accept(List.of(ev));
                } catch (UnavailableException u) {
                    throw u;
                } catch (StateStoreException e1) {
                    // Redis refuses this event for good (should not happen: events are checked before spooling).
                    LOG.error(
                            "dropping spooled event {} of type {}: Redis refused it: {}",
                            ev.id(),
                            ev.type(),
                            e1.getMessage());
                }
            }
        }
    }

    private void syncLoop() {
        while (running) {
            try {
                Thread.sleep(options.syncInterval().toMillis());
                Spool s = spool;
                if (s != null) {
                    s.sync();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                LOG.warn("event spool fsync failed: {}", e.getMessage());
            }
        }
    }

    SpoolStatus status() {
        synchronized (lock) {
            if (spool != null) {
                return spool.status(options.maxBytes(), online, spooled);
            }
            return new SpoolStatus(
                    true,
                    options.directory().resolve("events.spool"),
                    inbox.pending(),
                    0,
                    options.maxBytes(),
                    online,
                    0,
                    spooled,
                    false);
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (lock) {
            lock.notifyAll();
        }
        // No interrupts: an interrupt during FileChannel I/O would close the spool's channel.
        try {
            forwarder.join();
            if (syncer != null) {
                syncer.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (spool != null) {
            spool.close();
        }
    }
}
