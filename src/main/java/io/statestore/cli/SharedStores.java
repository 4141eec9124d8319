package io.statestore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.Document;
import io.statestore.client.EventBus;
import io.statestore.client.History;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StorageMode;
import io.statestore.client.TaskStreams;
import io.statestore.client.TransactionBody;
import io.statestore.client.Watch;
import io.statestore.client.WriteOptions;
import io.statestore.client.WriteResult;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The connections of a batch: one store per role, opened when a line first needs it and kept
 * for every later line, so a thousand lines cost one connect (and one library check), not a
 * thousand. Commands close their store after each line (try-with-resources); the store they get
 * here ignores that, and the batch closes the real ones at its end.
 */
final class SharedStores implements AutoCloseable {
    private final Function<Role, StateStore> connect;
    private final Map<Role, StateStore> open = new EnumMap<>(Role.class);

    SharedStores(Function<Role, StateStore> connect) {
        this.connect = connect;
    }

    /** The role's store, connecting on first use; a failed connect is tried again by the next line. */
    StateStore get(Role role) {
        return new Unclosable(open.computeIfAbsent(role, connect));
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (StateStore s : open.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }

    /** Everything but close() goes to the shared store. */
    private record Unclosable(StateStore s) implements StateStore {
        @Override
        public void close() {
            // the batch closes it after its last line
        }

        @Override
        public StorageMode mode() {
            return s.mode();
        }

        @Override
        public String serverVersion() {
            return s.serverVersion();
        }

        @Override
        public StateStoreOptions options() {
            return s.options();
        }

        @Override
        public Optional<Document<JsonNode>> get(String key) {
            return s.get(key);
        }

        @Override
        public <T> Optional<Document<T>> get(String key, Class<T> type) {
            return s.get(key, type);
        }

        @Override
        public Map<String, Document<JsonNode>> getAll(Collection<String> keys) {
            return s.getAll(keys);
        }

        @Override
        public List<String> list(String prefix) {
            return s.list(prefix);
        }

        @Override
        public WriteResult put(String key, Object value, WriteOptions options) {
            return s.put(key, value, options);
        }

        @Override
        public Optional<WriteResult> create(String key, Object value, WriteOptions options) {
            return s.create(key, value, options);
        }

        @Override
        public WriteResult delete(String key, WriteOptions options) {
            return s.delete(key, options);
        }

        @Override
        public WriteResult merge(String key, Object patch, WriteOptions options) {
            return s.merge(key, patch, options);
        }

        @Override
        public WriteResult set(String key, String path, Object value, WriteOptions options) {
            return s.set(key, path, value, options);
        }

        @Override
        public WriteResult remove(String key, String path, WriteOptions options) {
            return s.remove(key, path, options);
        }

        @Override
        public WriteResult increment(String key, String path, Number delta, WriteOptions options) {
            return s.increment(key, path, delta, options);
        }

        @Override
        public WriteResult append(String key, String path, Object value, int maxLength, WriteOptions options) {
            return s.append(key, path, value, maxLength, options);
        }

        @Override
        public <T> WriteResult update(String key, Class<T> type, UnaryOperator<T> fn) {
            return s.update(key, type, fn);
        }

        @Override
        public WriteResult expire(String key, Duration ttl) {
            return s.expire(key, ttl);
        }

        @Override
        public WriteResult persist(String key) {
            return s.persist(key);
        }

        @Override
        public Map<String, WriteResult> transaction(Collection<String> keys, TransactionBody body) {
            return s.transaction(keys, body);
        }

        @Override
        public EventBus events() {
            return s.events();
        }

        @Override
        public TaskStreams tasks() {
            return s.tasks();
        }

        @Override
        public Watch watch() {
            return s.watch();
        }

        @Override
        public History history() {
            return s.history();
        }
    }
}
