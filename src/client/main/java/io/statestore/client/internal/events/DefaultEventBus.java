package io.statestore.client.internal.events;

import io.statestore.client.EventBus;
import io.statestore.client.InvalidInputException;
import io.statestore.client.StrictJson;
import io.statestore.client.UnavailableException;
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
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.RedisGateway;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The event bus on one Redis server. Writes go through the {@code statestore_events}
 * functions; reads, group reads and acknowledgements are plain stream commands.
 */
public final class DefaultEventBus implements EventBus {
    private final RedisGateway redis;
    private final EventKeys keys;
    private final EventBusOptions options;
    private final EventIds ids = new EventIds();
    private final SpoolingPublisher spooler;
    private final PublishBatcher batcher;
    private final EventStats stats;
    private final Workers workers = new Workers();
    private final Runnable onClose;
    /** Tails of the global stream on a cluster: each has a thread of its own besides its loops. */
    private final List<ShardedTail> shardedTails = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Nothing is sent to Redis here, so a bus can be made while Redis is down; the gateway
     * installs the function libraries before the first call (and again if the server loses them).
     *
     * @param onClose run after close (releases connections the bus owns), may be null
     */
    public DefaultEventBus(RedisGateway redis, String prefix, EventBusOptions options, Runnable onClose) {
        this.redis = redis;
        this.keys = new EventKeys(prefix, redis.cluster());
        this.options = options;
        this.stats = new EventStats(redis, keys);
        // A quarter of the pool for direct publishes: the rest stays for document calls and
        // the group commit's leader.
        this.batcher = new PublishBatcher(this::sendBatch, Math.max(1, redis.poolSize() / 4));
        this.onClose = onClose;
        this.spooler = options.spool()
                .map(s -> new SpoolingPublisher(s, batcher::publish, this::sendBatch))
                .orElse(null);
    }

    RedisGateway redis() {
        return redis;
    }

    EventKeys keys() {
        return keys;
    }

    int openWorkers() {
        return workers.count();
    }

    /** The global tails of a cluster this bus still holds, to close them with it. */
    int heldShardedTails() {
        return shardedTails.size();
    }

    @Override
    public String publish(String type, String source, Object data) {
        EventKeys.validName(type, "event type");
        SpooledEvent ev = new SpooledEvent(
                ids.next(), type, source == null ? "" : source, System.currentTimeMillis(), StrictJson.write(data));
        if (spooler == null) {
            batcher.publish(ev);
        } else {
            spooler.publish(ev);
        }
        return ev.id();
    }

    /**
     * One ev_publish_batch call for {@code events}, in order. KEYS name each type stream once, in
     * the order the types first appear (the function maps types to keys that way): one key per
     * event would cost the server a Lua string per event for nothing.
     */
    private void sendBatch(List<SpooledEvent> events) {
        if (keys.cluster()) {
            sendPerType(events);
            return;
        }
        sendCall(events);
    }

    /**
     * On a cluster a call reaches one slot, that of one type's keys: one call per type, each
     * type registered before its first publish from this bus (docs/cluster.md). A failure fails
     * the whole batch although the calls before it were committed: a re-send (the spool, a
     * caller) is dropped by the event IDs those calls recorded.
     */
    private void sendPerType(List<SpooledEvent> events) {
        Map<String, List<SpooledEvent>> byType = new LinkedHashMap<>();
        for (SpooledEvent ev : events) {
            byType.computeIfAbsent(ev.type(), t -> new ArrayList<>()).add(ev);
        }
        for (Map.Entry<String, List<SpooledEvent>> e : byType.entrySet()) {
            register(e.getKey());
            sendCall(e.getValue());
        }
    }

    /** Types this bus has put in the registry (cluster only: there a publish cannot reach it). */
    private final java.util.Set<String> registered = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void register(String type) {
        if (!registered.contains(type)) {
            redis.fcall("ev_register", List.of(keys.types()), List.of(type), type);
            registered.add(type);
        }
    }

    private void sendCall(List<SpooledEvent> events) {
        String firstType = events.get(0).type();
        List<String> k = new ArrayList<>(4);
        k.add(keys.all(firstType));
        k.add(keys.ids(firstType));
        k.add(keys.publishTypes(firstType));
        List<String> a = new ArrayList<>(3 + 5 * events.size());
        a.add(Long.toString(options.maxLength()));
        a.add(Long.toString(options.idRetention().toMillis()));
        a.add(Long.toString(options.maxIds()));
        String lastType = null;
        for (SpooledEvent ev : events) {
            if (!ev.type().equals(lastType) && !k.subList(3, k.size()).contains(keys.stream(ev.type()))) {
                k.add(keys.stream(ev.type()));
            }
            lastType = ev.type();
            a.add(ev.id());
            a.add(ev.type());
            a.add(ev.source());
            a.add(Long.toString(ev.time()));
            a.add(ev.data());
        }
        redis.fcall("ev_publish_batch", k, a, events.get(0).type());
    }

    @Override
    public Subscription consume(
            Collection<String> types, String group, String consumer, EventHandler handler, ConsumeOptions opts) {
        if (types.isEmpty()) {
            throw new InvalidInputException("consume needs at least one event type");
        }
        EventKeys.validName(group, "group name");
        EventKeys.validName(consumer, "consumer name");
        Map<String, String> typeByStream = new LinkedHashMap<>();
        for (String t : types) {
            // Named types only: a dead letter goes to its type's stream, and redrive back to it.
            typeByStream.put(keys.stream(EventKeys.validName(t, "event type")), t);
        }
        redis.installLibraries(); // fail here rather than at the first dead letter if the server's library will not do
        for (String stream : typeByStream.keySet()) {
            ensureGroup(stream, group, opts.startId());
        }
        if (!keys.cluster() || typeByStream.size() == 1) {
            return workers.start(new ConsumerLoop(this, typeByStream, group, consumer, handler, opts));
        }
        // On a cluster the types' streams are in different slots and one XREADGROUP names one
        // slot: a loop per stream, the handler still called for one event at a time.
        AtomicBoolean closed = new AtomicBoolean();
        EventHandler one = HandlerTurn.serialized(handler, closed::get);
        List<Subscription> loops = new ArrayList<>();
        for (Map.Entry<String, String> s : typeByStream.entrySet()) {
            loops.add(workers.start(
                    new ConsumerLoop(this, Map.of(s.getKey(), s.getValue()), group, consumer, one, opts)));
        }
        return new AllOf(loops, closed);
    }

    /** Several loops as one subscription; closed is set first, so loops waiting for the handler give up. */
    private record AllOf(List<Subscription> parts, AtomicBoolean closed) implements Subscription {
        @Override
        public boolean isRunning() {
            return !closed.get() && parts.stream().anyMatch(Subscription::isRunning);
        }

        @Override
        public void close() {
            closed.set(true);
            parts.forEach(Subscription::close);
        }
    }

    void ensureGroup(String stream, String group, String startId) {
        try {
            xgroupCreate(stream, group, startId);
        } catch (InvalidInputException e) {
            if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /** XGROUP CREATE ... MKSTREAM with the ID as text (IDs with a 64-bit sequence do not fit StreamEntryID). */
    private void xgroupCreate(String stream, String group, String startId) {
        redis.call(
                j -> j.sendCommand(Protocol.Command.XGROUP, "CREATE", stream, group, startId, "MKSTREAM"),
                stream,
                true);
    }

    @Override
    public void createGroup(String type, String group, String startId) {
        EventKeys.validName(group, "group name");
        for (String stream : streamsOf(type)) {
            ensureGroup(stream, group, startId);
        }
    }

    /**
     * The stream of a type, or for "" the global stream: on a cluster its shard of each type
     * registered now (a group or a replay on the global stream covers the types known then).
     */
    private List<String> streamsOf(String type) {
        if (!type.isEmpty() || !keys.cluster()) {
            return List.of(keys.stream(type));
        }
        List<String> out = new ArrayList<>();
        for (String t : types()) {
            out.add(keys.all(t));
        }
        return out;
    }

    @Override
    public Subscription tail(String type, String fromId, EventHandler handler) {
        if (type.isEmpty() && keys.cluster()) {
            String from = fromId.equals("$") ? "$" : EventKeys.before(fromId);
            ShardedTail t = new ShardedTail(
                    redis, workers, keys, this::types, shard -> from.equals("$") ? lastIdNow(shard) : from, handler);
            // the ended ones are let go here, as the bus's loops are when they end (Workers)
            shardedTails.removeIf(ended -> !ended.isRunning());
            shardedTails.add(t);
            return t;
        }
        String stream = keys.stream(type);
        String after = fromId.equals("$") ? lastIdNow(stream) : EventKeys.before(fromId);
        return workers.start(new TailLoop(redis, stream, after, handler));
    }

    /**
     * "$" is fixed here, before tail() returns: resolved later on the tail's thread, an event
     * published in between would count as older and be skipped. With Redis away the tail's
     * thread resolves it once Redis is back (nothing published meanwhile can be told apart).
     */
    private String lastIdNow(String stream) {
        try {
            List<StreamEntry> last = redis.call(j -> j.xrevrange(stream, "+", "-", 1), stream, false);
            return last.isEmpty() ? "0-0" : last.get(0).getID().toString();
        } catch (UnavailableException e) {
            return "$";
        }
    }

    @Override
    public long replay(String type, ReplayRange range, EventHandler handler) {
        if (type.isEmpty() && keys.cluster()) {
            ShardMerge merged = new ShardMerge(redis, streamsOf(""), range.fromId(), range.toId());
            long n = 0;
            while (merged.hasNext()) {
                handle(handler, merged.next());
                n++;
            }
            return n;
        }
        String stream = keys.stream(type);
        String from = range.fromId();
        long n = 0;
        while (true) {
            String start = from;
            List<StreamEntry> page = redis.call(j -> j.xrange(stream, start, range.toId(), 500), stream, false);
            for (StreamEntry e : page) {
                handle(handler, e);
                n++;
            }
            if (page.size() < 500) {
                return n;
            }
            from = "(" + page.get(page.size() - 1).getID();
        }
    }

    private static void handle(EventHandler handler, StreamEntry e) {
        try {
            handler.handle(Entries.toEvent(e, 0));
        } catch (RuntimeException ex) {
            throw ex;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted at " + e.getID(), ex);
        } catch (Exception ex) {
            throw new IllegalStateException("replay handler failed at " + e.getID() + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public void replayToGroup(String type, String group, ReplayRange range) {
        EventKeys.validName(group, "group name");
        String start = EventKeys.before(range.fromId());
        for (String stream : streamsOf(type)) {
            try {
                xgroupCreate(stream, group, start);
            } catch (InvalidInputException e) {
                if (e.getMessage() != null && e.getMessage().contains("BUSYGROUP")) {
                    throw new InvalidInputException(
                            "group \"" + group + "\" already exists on " + stream + "; replay to a new group name");
                }
                throw e;
            }
        }
    }

    @Override
    public List<Event> read(String type, ReplayRange range, int limit) {
        List<Event> out = new ArrayList<>();
        if (type.isEmpty() && keys.cluster()) {
            for (StreamEntry e : new ShardMerge(redis, streamsOf(""), range.fromId(), range.toId()).take(limit)) {
                out.add(Entries.toEvent(e, 0));
            }
            return out;
        }
        String stream = keys.stream(type);
        for (StreamEntry e : redis.call(j -> j.xrange(stream, range.fromId(), range.toId(), limit), stream, false)) {
            out.add(Entries.toEvent(e, 0));
        }
        return out;
    }

    @Override
    public List<DeadLetter> deadLetters(String type, int limit) {
        List<DeadLetter> out = new ArrayList<>();
        for (String t : type.isEmpty() ? types() : List.of(type)) {
            String dlq = keys.dlq(t);
            for (StreamEntry e : redis.call(j -> j.xrange(dlq, "-", "+", limit), dlq, false)) {
                out.add(Entries.toDeadLetter(e));
            }
        }
        return out;
    }

    @Override
    public long redrive(String type, long max) {
        Object r = redis.fcall(
                "ev_redrive", List.of(keys.dlq(type), keys.stream(type)), List.of(Long.toString(max)), type);
        return Long.parseLong(FunctionCalls.text(r));
    }

    @Override
    public List<StreamStats> info() {
        return stats.info(types());
    }

    @Override
    public List<PendingEntry> pending(String group, int limit) {
        return stats.pending(types(), group, limit);
    }

    @Override
    public Map<String, Long> trim(TrimPolicy policy) {
        String minId = "";
        if (policy.maxAge().isPresent()) {
            long now = stats.serverTimeMillis();
            minId = Math.max(0, now - policy.maxAge().get().toMillis()) + "-0";
        }
        Map<String, Long> removed = new LinkedHashMap<>();
        List<String> known = types();
        List<String> streams = new ArrayList<>();
        for (String t : known) {
            streams.add(keys.stream(t));
            streams.add(keys.dlq(t));
        }
        if (keys.cluster()) {
            for (String t : known) {
                streams.add(keys.all(t)); // each shard of the global stream
            }
        } else {
            streams.add(keys.all());
        }
        for (String s : streams) {
            long total = 0;
            for (int round = 0; round < 1000; round++) {
                long n = Long.parseLong(FunctionCalls.text(
                        redis.fcall("ev_trim", List.of(s), List.of(Long.toString(policy.maxLength()), minId), s)));
                total += n;
                if (n == 0) {
                    break;
                }
            }
            removed.put(s, total);
        }
        return removed;
    }

    @Override
    public List<String> types() {
        String k = keys.types();
        List<String> t = new ArrayList<>(redis.call(j -> j.smembers(k), k, false));
        t.sort(null);
        return t;
    }

    @Override
    public SpoolStatus spoolStatus() {
        return spooler == null ? new SpoolStatus(false, null, 0, 0, 0, true, 0, 0, false) : spooler.status();
    }

    @Override
    public void close() {
        shardedTails.forEach(ShardedTail::close);
        workers.closeAll();
        if (spooler != null) {
            spooler.close();
        }
        if (onClose != null) {
            onClose.run();
        }
    }
}
