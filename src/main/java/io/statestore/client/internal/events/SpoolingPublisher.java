package io.statestore.client.internal.events;

import io.statestore.client.StateStoreException;
import io.statestore.client.UnavailableException;
import io.statestore.client.events.SpoolOptions;
import io.statestore.client.events.SpoolStatus;
import java.io.IOException;
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
 */
final class SpoolingPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolingPublisher.class);
    private static final int BATCH = 200;

    private final Spool spool;
    private final SpoolOptions options;
    private final Consumer<SpooledEvent> sender;
    private final Consumer<List<SpooledEvent>> batchSender;
    private final Object lock = new Object();
    private final Thread forwarder;
    private final Thread syncer;
    private volatile boolean online = true;
    private volatile boolean running = true;

    SpoolingPublisher(SpoolOptions options, Consumer<SpooledEvent> sender, Consumer<List<SpooledEvent>> batchSender) {
        this.options = options;
        this.spool = new Spool(options);
        this.sender = sender;
        this.batchSender = batchSender;
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
            if (!online || spool.depth() > 0) {
                spool.append(ev);
                lock.notifyAll();
                return;
            }
        }
        try {
            sender.accept(ev);
        } catch (UnavailableException e) {
            synchronized (lock) {
                if (online) {
                    LOG.warn("Redis unavailable, spooling events to {}: {}", spool.file(), e.getMessage());
                }
                online = false;
                spool.append(ev);
                lock.notifyAll();
            }
        }
    }

    private void forwardLoop() {
        int failures = 0;
        while (running) {
            try {
                List<Spool.Entry> batch;
                synchronized (lock) {
                    while (running && spool.depth() == 0) {
                        lock.wait();
                    }
                    if (!running) {
                        return;
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
                            if (spool.depth() == 0) {
                                online = true;
                                LOG.info("event spool drained; publishing directly again");
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
                LOG.warn("event spool forwarder: {}", io.statestore.client.internal.RedisFailures.describe(e));
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
                    LOG.error("dropping spooled event {} of type {}: Redis refused it: {}", ev.id(), ev.type(), e1.getMessage());
                }
            }
        }
    }

    private void syncLoop() {
        while (running) {
            try {
                Thread.sleep(options.syncInterval().toMillis());
                spool.sync();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                LOG.warn("event spool fsync failed: {}", e.getMessage());
            }
        }
    }

    SpoolStatus status() {
        return spool.status(options.maxBytes(), online);
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
        spool.close();
    }
}
