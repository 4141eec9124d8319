package io.statestore.testing;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.spi.KeyLayout;
import java.util.List;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/**
 * The server a behavioural contract runs against, whatever its shape: one redis-server
 * ({@link RedisServerExtension}) or a Redis Cluster ({@link RedisClusterExtension}). A contract
 * written against this interface runs on both; docs/testing.md, "Running a contract on the
 * cluster".
 *
 * <p>What a contract must not assume: one feed or one index (ask {@link #layout()} for the feed
 * and index of the key it wrote), one connection that sees every key ({@link #commands()} routes
 * each command by its key's slot, so a command may name keys of one slot only), or one server for
 * per-server commands such as CLIENT LIST or INFO (use {@link #primaries()}).
 */
public interface TestRedis {
    /** A store on this server, closed by the extension. */
    default StateStore newStore() {
        return newStore(b -> {});
    }

    /** A store on this server with options changed by {@code custom}, closed by the extension. */
    StateStore newStore(Consumer<StateStoreOptions.Builder> custom);

    /** Removes every key of every primary (the function libraries stay loaded). */
    void flushAll();

    /**
     * Commands routed by key: on a cluster each goes to the primary of its key's slot, so one
     * command names keys of one slot only. Owned by the extension: do not close it.
     */
    UnifiedJedis commands();

    /** A plain connection to each primary (one on a standalone server), for per-server commands. Caller closes them. */
    List<Jedis> primaries();

    /** Where the store keeps a key's metadata, history, feed and index on this server. */
    KeyLayout layout();

    /** Whether documents are stored with a JSON module (module mode) rather than as strings. */
    boolean moduleMode();

    /** Whether this is a Redis Cluster: feed, index and settings per slot (docs/cluster.md). */
    boolean cluster();

    /** The URL a store or the CLI connects with ({@code redis://...} or {@code redis-cluster://...}). */
    String uri();

    /**
     * The watch position just after the change {@code changeId} of {@code key}, for
     * {@code WatchOptions.fromId}: the entry ID itself on one feed; on a cluster, where a bare entry
     * ID names no slot and is refused, the {@code c1:} token (docs/cluster.md, "Resume position")
     * naming that entry in the key's slot feed, every other slot from its oldest entry.
     */
    default String watchPosition(String key, String changeId) {
        if (!cluster()) {
            return changeId;
        }
        int dash = changeId.indexOf('-');
        return "c1:" + Integer.toString(io.statestore.client.spi.SlotTags.slot(key), 36) + "."
                + Long.toString(Long.parseLong(changeId.substring(0, dash)), 36) + "."
                + Long.toString(Long.parseLong(changeId.substring(dash + 1)), 36);
    }
}
