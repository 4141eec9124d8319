package io.statestore.client.internal.events;

import io.statestore.client.StateStoreException;
import io.statestore.client.events.ConsumeOptions;
import io.statestore.client.events.Event;
import io.statestore.client.events.EventHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * One consumer of a group: reads new entries (XREADGROUP &gt;), hands them to the handler,
 * acknowledges successes, and every {@code reclaimEvery} takes over entries idle longer than
 * {@code reclaimIdle} (XAUTOCLAIM), moving those delivered {@code maxDeliveries} times to the
 * dead-letter stream with {@code ev_dead} (copy + ack in one call).
 */
final class ConsumerLoop extends Worker {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final int MAX_RECLAIM_ROUNDS = 10;

    private final DefaultEventBus bus;
    private final Map<String, String> typeByStream;
    private final String group;
    private final String consumer;
    private final EventHandler handler;
    private final ConsumeOptions options;
    private long nextReclaim;

    ConsumerLoop(
            DefaultEventBus bus,
            Map<String, String> typeByStream,
            String group,
            String consumer,
            EventHandler handler,
            ConsumeOptions options) {
        super(
                bus.redis(),
                "statestore-consumer-" + group + "-" + consumer,
                typeByStream.size() == 1 ? typeByStream.keySet().iterator().next() : null);
        this.bus = bus;
        this.typeByStream = new LinkedHashMap<>(typeByStream);
        this.group = group;
        this.consumer = consumer;
        this.handler = handler;
        this.options = options;
    }

    @Override
    boolean step(Jedis conn) throws InterruptedException {
        long now = System.currentTimeMillis();
        if (now >= nextReclaim) {
            for (String stream : typeByStream.keySet()) {
                reclaim(conn, stream);
            }
            nextReclaim = now + options.reclaimEvery().toMillis();
        }
        Map<String, StreamEntryID> from = new LinkedHashMap<>();
        for (String stream : typeByStream.keySet()) {
            from.put(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
        }
        long block = Math.min(options.block().toMillis(), Math.max(1, nextReclaim - System.currentTimeMillis()));
        List<Map.Entry<String, List<StreamEntry>>> got = conn.xreadGroup(
                group,
                consumer,
                XReadGroupParams.xReadGroupParams().count(options.batchSize()).block((int) block),
                from);
        if (got != null) {
            for (Map.Entry<String, List<StreamEntry>> s : got) {
                List<StreamEntryID> done = new ArrayList<>();
                try {
                    for (StreamEntry e : s.getValue()) {
                        if (deliver(s.getKey(), e, 1)) {
                            done.add(e.getID());
                        }
                        if (!running()) {
                            return false; // stop after the event in hand; the rest stay pending for a reclaim
                        }
                    }
                } finally {
                    ack(conn, s.getKey(), done);
                }
            }
        }
        return true;
    }

    /** Acknowledges a batch in one XACK (a crash before it means redelivery, never loss). */
    private void ack(Jedis conn, String stream, List<StreamEntryID> ids) {
        if (!ids.isEmpty()) {
            conn.xack(stream, group, ids.toArray(new StreamEntryID[0]));
        }
    }

    /** Hands one entry to the handler; true when it is to be acknowledged. */
    private boolean deliver(String stream, StreamEntry e, long deliveries) throws InterruptedException {
        String id = e.getID().toString();
        if (e.getFields() == null) {
            return true; // deleted from the stream meanwhile: nothing to handle
        }
        Event event = Entries.toEvent(e, deliveries);
        try {
            handler.handle(event);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw ie;
        } catch (Exception failure) {
            LOG.debug("handler failed on {} {} (delivery {}): {}", stream, id, deliveries, failure.toString());
            if (deliveries >= options.maxDeliveries()) {
                deadLetter(stream, id, describe(failure), deliveries);
            }
            return false;
        }
        return true;
    }

    private void deadLetter(String stream, String id, String error, long deliveries) {
        String type = typeByStream.get(stream);
        bus.redis()
                .fcall(
                        "ev_dead",
                        List.of(stream, bus.keys().dlq(type)),
                        List.of(group, id, error, Long.toString(deliveries), consumer),
                        type);
        LOG.info("moved {} {} to the dead-letter stream after {} deliveries: {}", type, id, deliveries, error);
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        String s = e.getClass().getName() + (m == null ? "" : ": " + m);
        return s.length() > 4000 ? s.substring(0, 4000) : s;
    }

    private void reclaim(Jedis conn, String stream) throws InterruptedException {
        StreamEntryID cursor = new StreamEntryID(0, 0);
        for (int round = 0; round < MAX_RECLAIM_ROUNDS && running(); round++) {
            Map.Entry<StreamEntryID, List<StreamEntry>> r = conn.xautoclaim(
                    stream,
                    group,
                    consumer,
                    options.reclaimIdle().toMillis(),
                    cursor,
                    XAutoClaimParams.xAutoClaimParams().count(options.batchSize()));
            List<StreamEntry> claimed = r.getValue();
            if (!claimed.isEmpty()) {
                Map<String, Long> counts = deliveryCounts(conn, stream, claimed);
                for (StreamEntry e : claimed) {
                    String id = e.getID().toString();
                    long d = counts.getOrDefault(id, 1L);
                    try {
                        if (d - 1 >= options.maxDeliveries()) {
                            deadLetter(
                                    stream,
                                    id,
                                    "not acknowledged after " + (d - 1)
                                            + " deliveries (the consumer died, or its handler ran longer than reclaimIdle)",
                                    d - 1);
                        } else if (deliver(stream, e, d)) {
                            ack(conn, stream, List.of(e.getID()));
                        }
                    } catch (StateStoreException ex) {
                        LOG.warn("could not handle reclaimed {} {}: {}", stream, id, ex.getMessage());
                    }
                    if (!running()) {
                        return;
                    }
                }
            }
            cursor = r.getKey();
            if (cursor == null || (cursor.getTime() == 0 && cursor.getSequence() == 0)) {
                return;
            }
        }
    }

    private Map<String, Long> deliveryCounts(Jedis conn, String stream, List<StreamEntry> claimed) {
        Map<String, Long> out = new HashMap<>();
        List<StreamPendingEntry> p = conn.xpending(
                stream,
                group,
                XPendingParams.xPendingParams(
                                claimed.get(0).getID(),
                                claimed.get(claimed.size() - 1).getID(),
                                claimed.size())
                        .consumer(consumer));
        for (StreamPendingEntry pe : p) {
            out.put(pe.getID().toString(), pe.getDeliveredTimes());
        }
        return out;
    }

    @Override
    void onDataError(JedisDataException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("NOGROUP")) {
            for (String stream : typeByStream.keySet()) {
                bus.ensureGroup(stream, group, options.startId());
            }
        }
    }
}
