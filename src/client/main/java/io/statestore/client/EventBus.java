package io.statestore.client;

import io.statestore.client.events.ConsumeOptions;
import io.statestore.client.events.DeadLetter;
import io.statestore.client.events.Event;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.events.EventHandler;
import io.statestore.client.events.PendingEntry;
import io.statestore.client.events.ReplayRange;
import io.statestore.client.events.SpoolStatus;
import io.statestore.client.events.StreamStats;
import io.statestore.client.events.Subscription;
import io.statestore.client.events.TrimPolicy;
import io.statestore.client.internal.events.EventBuses;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Typed event streams plus a global stream on Redis Streams (see docs/events.md): publish,
 * consumer groups with at-least-once delivery, reclaim of stuck entries, dead letters and
 * redrive, replay, figures and trimming. Thread-safe.
 *
 * <p>Get one from {@link StateStore#events()} (shares the store's connections, no spool), or
 * {@link #open(StateStoreOptions, EventBusOptions)} for a bus with its own connections that can
 * start while Redis is down and spool events until it is back.
 */
public interface EventBus extends AutoCloseable {

    /** A bus with its own connections; it does not contact Redis until first used. Close it. */
    static EventBus open(StateStoreOptions store, EventBusOptions options) {
        return EventBuses.open(store, options);
    }

    /**
     * Publishes one event to its type's stream and the global stream, in one atomic call, and
     * returns the event's ID (generated here). With a spool, an unreachable Redis does not make
     * this throw: the event is spooled and forwarded later, once, in order.
     *
     * @param data anything Jackson can write (a {@link com.fasterxml.jackson.databind.JsonNode}, a record, a map)
     * @throws UnavailableException without a spool when Redis is unreachable; with one, only
     *                              when the spool is full or cannot be written
     */
    String publish(String type, String source, Object data);

    /** Starts a consumer with {@link ConsumeOptions#DEFAULT}. */
    default Subscription consume(Collection<String> types, String group, String consumer, EventHandler handler) {
        return consume(types, group, consumer, handler, ConsumeOptions.DEFAULT);
    }

    /**
     * Starts a consumer of {@code group} (created when missing, at {@link ConsumeOptions#startId()})
     * on the streams of {@code types} (named types; the global stream is for tails and replays), on
     * its own thread and connection. Each event is handed to
     * {@code handler}; success acknowledges it, failure leaves it pending for redelivery.
     */
    Subscription consume(
            Collection<String> types, String group, String consumer, EventHandler handler, ConsumeOptions options);

    /** Creates a group on a type's stream ("" = the global stream) starting after {@code startId} (0, $ or an ID); no-op if it exists. */
    void createGroup(String type, String group, String startId);

    /**
     * Follows a type's stream ("" = the global stream) without a group, on its own thread: the
     * entries from {@code fromId} on (inclusive; {@code 0} for all), or only new ones with {@code $}.
     * A handler that throws ends the tail: nothing more is handed to it, and the subscription's
     * {@link Subscription#isRunning()} turns false (on a cluster too, where the global stream's tail
     * follows each type's shard on its own thread).
     */
    Subscription tail(String type, String fromId, EventHandler handler);

    /** Hands the events of a range of a type's stream ("" = global) to {@code handler}, in order, without a group; returns how many. */
    long replay(String type, ReplayRange range, EventHandler handler);

    /** Creates {@code group} on a type's stream so that it receives every event from the start of {@code range} on. */
    void replayToGroup(String type, String group, ReplayRange range);

    /** Up to {@code limit} entries of a type's stream ("" = global) in a range, oldest first. */
    List<Event> read(String type, ReplayRange range, int limit);

    /** Dead letters of a type ("" = of all types), oldest first, up to {@code limit} per type. */
    List<DeadLetter> deadLetters(String type, int limit);

    /** Moves up to {@code max} (0 = all) dead letters of a type back to its stream; returns how many. */
    long redrive(String type, long max);

    /** Figures of every stream: each type, the global stream and the dead-letter streams. */
    List<StreamStats> info();

    /** The pending entries of {@code group} on every type stream, up to {@code limit} per stream. */
    List<PendingEntry> pending(String group, int limit);

    /**
     * Trims every event stream by length and age, never removing an entry some group has not
     * acknowledged (the daemon's job). Returns the entries removed per stream key.
     */
    Map<String, Long> trim(TrimPolicy policy);

    /** The event types published so far. */
    List<String> types();

    /** The outage spool's depth and state. */
    SpoolStatus spoolStatus();

    /** Stops the consumers and the spool forwarder this bus started (spooled events stay on disk). */
    @Override
    void close();
}
