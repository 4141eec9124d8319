package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.ConflictException;
import io.statestore.client.Document;
import io.statestore.client.Durations;
import io.statestore.client.EventBus;
import io.statestore.client.History;
import io.statestore.client.InvalidInputException;
import io.statestore.client.JsonPath;
import io.statestore.client.NotFoundException;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StorageMode;
import io.statestore.client.StrictJson;
import io.statestore.client.TaskStreams;
import io.statestore.client.TransactionBody;
import io.statestore.client.Watch;
import io.statestore.client.WriteOptions;
import io.statestore.client.WriteResult;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.internal.events.DefaultEventBus;
import io.statestore.client.internal.events.DefaultTaskStreams;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The store on one Redis server. Module mode updates documents in place with {@code ss_jwrite}
 * (the positional form of {@code ss_jop});
 * portable mode (and documents kept as strings) computes the new document here and commits it
 * with a compare-revision-and-set {@code ss_put}, retrying conflicts with jitter.
 */
final class DefaultStateStore implements StateStore {
    private final StateStoreOptions options;
    private final RedisGateway redis;
    private final KeyLayout layout;
    private final StorageMode mode;
    private final String serverVersion;
    private final DocumentReads documents;
    private final WriteCalls calls;
    private final DefaultEventBus events;
    private final DefaultTaskStreams tasks;
    private final DefaultWatch watch;
    private final History history;

    /** The parts are built before the store, from what they need, so none holds a store still under construction. */
    private DefaultStateStore(
            StateStoreOptions options,
            RedisGateway redis,
            KeyLayout layout,
            StorageMode mode,
            String serverVersion,
            DocumentReads documents,
            WriteCalls calls,
            DefaultEventBus events,
            DefaultTaskStreams tasks,
            DefaultWatch watch,
            History history) {
        this.options = options;
        this.redis = redis;
        this.layout = layout;
        this.mode = mode;
        this.serverVersion = serverVersion;
        this.documents = documents;
        this.calls = calls;
        this.events = events;
        this.tasks = tasks;
        this.watch = watch;
        this.history = history;
    }

    static DefaultStateStore open(
            StateStoreOptions options, RedisGateway redis, StorageMode mode, String serverVersion) {
        KeyLayout layout = new KeyLayout(options.keyPrefix(), redis.cluster());
        DocumentReads documents = new DocumentReads(redis, layout, options.combineReads());
        WriteCalls calls = new WriteCalls(options, redis, layout, mode);
        HistoryPolicies historyPolicies = new HistoryPolicies(options, redis, layout);
        HistoryReads historyReads = new HistoryReads(historyPolicies, redis, layout);
        DefaultWatch watch = new DefaultWatch(
                redis, layout, new DocumentLookup(historyPolicies, historyReads, documents), options.timeout());
        History history = new DefaultHistory(documents, historyReads, calls, layout, historyPolicies);
        DefaultEventBus events = new DefaultEventBus(redis, options.keyPrefix(), EventBusOptions.DEFAULT, null);
        DefaultTaskStreams tasks = new DefaultTaskStreams(redis, options.keyPrefix());
        return new DefaultStateStore(
                options, redis, layout, mode, serverVersion, documents, calls, events, tasks, watch, history);
    }

    @Override
    public EventBus events() {
        return events;
    }

    @Override
    public TaskStreams tasks() {
        return tasks;
    }

    @Override
    public StorageMode mode() {
        return mode;
    }

    @Override
    public String serverVersion() {
        return serverVersion;
    }

    @Override
    public StateStoreOptions options() {
        return options;
    }

    // ---- reads

    @Override
    public Optional<Document<JsonNode>> get(String key) {
        return documents.read(key).toDocument();
    }

    @Override
    public <T> Optional<Document<T>> get(String key, Class<T> type) {
        return get(key).map(d ->
                new Document<>(key, StrictJson.convert(d.value(), type, "document \"" + key + "\""), d.meta()));
    }

    @Override
    public Map<String, Document<JsonNode>> getAll(Collection<String> keys) {
        Map<String, Document<JsonNode>> out = new LinkedHashMap<>();
        for (StoredDocument s : documents.readMany(keys).values()) {
            s.toDocument().ifPresent(d -> out.put(d.key(), d));
        }
        return out;
    }

    @Override
    public List<String> list(String prefix) {
        String p = prefix == null ? "" : prefix;
        if (redis.cluster()) {
            return new ClusterListing(redis, layout).list(p);
        }
        List<String> keys = new ArrayList<>();
        String cursor = "";
        do {
            List<Object> reply = FunctionCalls.list(redis.fcallReadOnly(new FunctionCalls(layout).list(p, cursor), p));
            cursor = FunctionCalls.text(reply.get(0));
            for (int i = 1; i < reply.size(); i++) {
                keys.add(FunctionCalls.text(reply.get(i)));
            }
        } while (!cursor.isEmpty());
        return keys;
    }

    // ---- whole-document writes

    @Override
    public WriteResult put(String key, Object value, WriteOptions opts) {
        layout.validate(key);
        String text = StrictJson.write(value);
        if (!options.combineWrites()) {
            return calls.putWhole(key, "put", text, null, opts, revisionOf(opts), null);
        }
        return calls.combinedPut(key, "put", text, opts, revisionOf(opts));
    }

    @Override
    public Optional<WriteResult> create(String key, Object value, WriteOptions opts) {
        layout.validate(key);
        if (opts.expectedRevision().isPresent()) {
            throw new InvalidInputException(
                    "create() cannot take ifRevision: it always requires the document to be absent");
        }
        String text = StrictJson.write(value);
        try {
            return Optional.of(
                    options.combineWrites()
                            ? calls.combinedPut(key, "create", text, opts, 0L)
                            : calls.putWhole(key, "create", text, null, opts, 0L, null));
        } catch (ConflictException e) {
            return Optional.empty();
        }
    }

    @Override
    public WriteResult delete(String key, WriteOptions opts) {
        layout.validate(key);
        return options.combineWrites() ? calls.combinedDelete(key, opts) : calls.delete(key, opts);
    }

    // ---- partial updates

    @Override
    public WriteResult merge(String key, Object patch, WriteOptions opts) {
        layout.validate(key);
        JsonNode p = StrictJson.toTree(patch);
        String change = TreeText.of(p);
        return inPlaceOrComputed(
                key,
                "merge",
                change,
                opts,
                () -> ModuleSteps.merge(p),
                doc -> new JsonNode[] {MergePatch.apply(doc, p), null},
                true);
    }

    @Override
    public WriteResult set(String key, String path, Object value, WriteOptions opts) {
        layout.validate(key);
        JsonPath jp = JsonPath.parse(path);
        JsonNode v = StrictJson.toTree(value);
        String change = ops(op("set", jp).set("value", v));
        return inPlaceOrComputed(
                key,
                "set",
                change,
                opts,
                () -> ModuleSteps.set(jp, v),
                doc -> new JsonNode[] {PathEditor.set(key, doc, jp, v), null},
                jp.isRoot());
    }

    @Override
    public WriteResult remove(String key, String path, WriteOptions opts) {
        layout.validate(key);
        JsonPath jp = JsonPath.parse(path);
        if (jp.isRoot()) {
            throw new InvalidInputException("bad path: \"" + key + "\": cannot remove $; delete the document instead");
        }
        return inPlaceOrComputed(
                key,
                "remove",
                ops(op("remove", jp)),
                opts,
                () -> ModuleSteps.remove(jp),
                doc -> new JsonNode[] {PathEditor.remove(key, doc, jp), null},
                false);
    }

    @Override
    public WriteResult increment(String key, String path, Number delta, WriteOptions opts) {
        layout.validate(key);
        JsonPath jp = JsonPath.parse(path);
        if (delta == null) {
            throw new InvalidInputException("increment of \"" + key + "\" " + path + ": delta must not be null");
        }
        JsonNode d = PathEditor.numberNode(delta);
        String change = ops(op("incr", jp).set("by", d));
        return inPlaceOrComputed(
                key,
                "incr",
                change,
                opts,
                () -> ModuleSteps.increment(jp, d),
                doc -> PathEditor.increment(key, doc, jp, delta),
                false);
    }

    @Override
    public WriteResult append(String key, String path, Object value, int maxLength, WriteOptions opts) {
        layout.validate(key);
        if (maxLength < 0) {
            throw new InvalidInputException(
                    "append to \"" + key + "\": maxLength must be 0 (no limit) or positive, got " + maxLength);
        }
        JsonPath jp = JsonPath.parse(path);
        JsonNode v = StrictJson.toTree(value);
        ObjectNode o = op("append", jp).set("value", v);
        if (maxLength > 0) {
            o.put("max", maxLength);
        }
        return inPlaceOrComputed(
                key,
                "append",
                ops(o),
                opts,
                () -> ModuleSteps.append(jp, v, maxLength),
                doc -> new JsonNode[] {PathEditor.append(key, doc, jp, v, maxLength), null},
                false);
    }

    @Override
    public <T> WriteResult update(String key, Class<T> type, UnaryOperator<T> fn) {
        layout.validate(key);
        return calls.computed(key, "update", null, WriteOptions.DEFAULT, doc -> {
            // The function gets its own copy and its result is copied: it may mutate either, and the
            // client keeps the committed version for its next update.
            T current = doc == null ? null : StrictJson.convert(doc.deepCopy(), type, "document \"" + key + "\"");
            T next = fn.apply(current);
            if (next == null) {
                throw new InvalidInputException(
                        "update of \"" + key + "\": the function returned null; use delete() to remove a document");
            }
            return new JsonNode[] {StrictJson.toTree(next).deepCopy(), null};
        });
    }

    // ---- expiry

    @Override
    public WriteResult expire(String key, Duration ttl) {
        layout.validate(key);
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new InvalidInputException("expire of \"" + key + "\": ttl must be positive, got "
                    + (ttl == null ? "none" : Durations.format(ttl)));
        }
        return calls.ttl(key, "expire", WriteOptions.ttl(ttl));
    }

    @Override
    public WriteResult persist(String key) {
        layout.validate(key);
        return calls.ttl(key, "persist", WriteOptions.ttl(Duration.ZERO));
    }

    // ---- transactions

    @Override
    public Map<String, WriteResult> transaction(Collection<String> keys, TransactionBody body) {
        return new TransactionRunner(documents, calls, layout, options).run(keys, body);
    }

    // ---- watch and history

    @Override
    public Watch watch() {
        return watch;
    }

    @Override
    public History history() {
        return history;
    }

    @Override
    public void close() {
        events.close();
        tasks.close();
        watch.closeAll();
        redis.close();
    }

    // ---- helpers

    /**
     * Module mode applies {@code moduleSteps} in place; when there are none (names the module cannot
     * take) or the document is kept as a string, the new document is computed here instead. Either
     * way the write is combined with this process's other writes to the document (docs/combining.md).
     */
    private WriteResult inPlaceOrComputed(
            String key,
            String op,
            String change,
            WriteOptions opts,
            Supplier<List<String>> moduleSteps,
            WriteCalls.Computation compute,
            boolean createsMissing) {
        List<String> steps = mode == StorageMode.MODULE ? moduleSteps.get() : null;
        WriteCalls.Computation computation = doc -> {
            if (doc == null && !createsMissing) {
                throw new NotFoundException(key, "not found: \"" + key + "\" does not exist");
            }
            return compute.apply(doc);
        };
        if (options.combineWrites()) {
            return calls.combinedUpdate(key, op, change, opts, steps, computation);
        }
        if (steps != null) {
            try {
                return calls.jsonSteps(key, op, change, opts, steps);
            } catch (StoredAsStringException e) {
                // fall through: this document predates the module and stays a string
            }
        }
        return calls.computed(key, op, change, opts, computation);
    }

    private static Long revisionOf(WriteOptions opts) {
        return opts.expectedRevision().isPresent() ? opts.expectedRevision().getAsLong() : null;
    }

    private static ObjectNode op(String name, JsonPath path) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("op", name);
        o.put("path", path.toString());
        return o;
    }

    private static String ops(ObjectNode single) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        a.add(single);
        return TreeText.of(a);
    }
}
