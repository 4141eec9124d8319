package io.statestore.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.internal.StateStores;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * JSON documents in Redis, each with a revision, metadata and a change event per committed write.
 * Thread-safe; one instance per process is enough. Close it to release its connections.
 *
 * <p>Values are converted with Jackson ({@link StrictJson#mapper()}): pass a {@link JsonNode},
 * a record, a map, a number... A Java {@code String} is a JSON string; to store JSON text, parse
 * it first with {@link StrictJson#parse(String)}.
 *
 * <p>Writes without {@link WriteOptions#expectedRevision()} never fail because of other writers:
 * conflicts are retried with jitter. Writes with it fail with {@link ConflictException}.
 */
public interface StateStore extends AutoCloseable {

    static StateStore connect(String uri) {
        return connect(StateStoreOptions.of(uri));
    }

    static StateStore connect(StateStoreOptions options) {
        return StateStores.open(options);
    }

    /** Module (native JSON) or portable (JSON strings), as detected when connecting. */
    StorageMode mode();

    /** The Redis (or Valkey) server version, e.g. "7.0.15". */
    String serverVersion();

    StateStoreOptions options();

    // ---- reads

    Optional<Document<JsonNode>> get(String key);

    <T> Optional<Document<T>> get(String key, Class<T> type);

    /** The documents that exist among {@code keys}, in the order given. */
    Map<String, Document<JsonNode>> getAll(Collection<String> keys);

    /** Keys of the existing documents starting with {@code prefix} ("" for all), in byte order. */
    List<String> list(String prefix);

    // ---- whole-document writes

    default WriteResult put(String key, Object value) {
        return put(key, value, WriteOptions.DEFAULT);
    }

    WriteResult put(String key, Object value, WriteOptions options);

    /** Writes the document only if it does not exist; empty when it already did (nothing written). */
    default Optional<WriteResult> create(String key, Object value) {
        return create(key, value, WriteOptions.DEFAULT);
    }

    Optional<WriteResult> create(String key, Object value, WriteOptions options);

    /** Deletes the document; {@link NotFoundException} when it does not exist. */
    default WriteResult delete(String key) {
        return delete(key, WriteOptions.DEFAULT);
    }

    WriteResult delete(String key, WriteOptions options);

    // ---- partial updates

    /** Applies an RFC 7386 merge patch; a missing document is created from the patch. */
    default WriteResult merge(String key, Object patch) {
        return merge(key, patch, WriteOptions.DEFAULT);
    }

    WriteResult merge(String key, Object patch, WriteOptions options);

    /** Sets the value at {@code path}; its parent must exist (an object, or an array holding that index). */
    default WriteResult set(String key, String path, Object value) {
        return set(key, path, value, WriteOptions.DEFAULT);
    }

    WriteResult set(String key, String path, Object value, WriteOptions options);

    /** Removes the value at {@code path}, which must exist. */
    default WriteResult remove(String key, String path) {
        return remove(key, path, WriteOptions.DEFAULT);
    }

    WriteResult remove(String key, String path, WriteOptions options);

    /** Adds {@code delta} to the number at {@code path}; the new number is in {@link WriteResult#value()}. */
    default WriteResult increment(String key, String path, Number delta) {
        return increment(key, path, delta, WriteOptions.DEFAULT);
    }

    WriteResult increment(String key, String path, Number delta, WriteOptions options);

    /** Appends to the array at {@code path}, dropping the oldest elements beyond {@code maxLength} (0: no limit). */
    default WriteResult append(String key, String path, Object value, int maxLength) {
        return append(key, path, value, maxLength, WriteOptions.DEFAULT);
    }

    WriteResult append(String key, String path, Object value, int maxLength, WriteOptions options);

    /**
     * Read-modify-write with a function, retried when another writer gets in between. The
     * function sees the current value ({@code null} when the document does not exist) and may be
     * called more than once, so it must have no side effects.
     */
    <T> WriteResult update(String key, Class<T> type, UnaryOperator<T> fn);

    // ---- expiry

    WriteResult expire(String key, Duration ttl);

    WriteResult persist(String key);

    // ---- several documents at once

    /**
     * Reads {@code keys}, lets {@code body} decide the changes, and commits them all in one atomic
     * call, retrying when another writer changed any of the documents meanwhile. All keys must
     * share one hash slot: give them the same {@code {group}} hash tag.
     */
    Map<String, WriteResult> transaction(Collection<String> keys, TransactionBody body);

    // ---- event bus and task streams (docs/events.md)

    /** The event bus on this store's connections (no outage spool: see {@link EventBus#open}). */
    EventBus events();

    /** Task output streams on this store's connections. */
    TaskStreams tasks();
    // ---- watch and history

    /** Change subscriptions: a consistent snapshot, then every later change (docs/watch.md). */
    Watch watch();

    /** The kept versions of documents, reads at a past revision, and revert. */
    History history();

    @Override
    void close();
}
