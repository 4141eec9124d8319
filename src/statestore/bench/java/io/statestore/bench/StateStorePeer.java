package io.statestore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.ConflictException;
import io.statestore.client.Document;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.WatchListener;
import io.statestore.client.WatchOptions;
import io.statestore.client.WriteOptions;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import redis.clients.jedis.Jedis;

/** statestore (portable mode) on a redis-server with AOF on, through its public client. */
final class StateStorePeer implements Peer {
    private final String fsync;
    private final String variant;
    private final PeerProcess server;
    private final StateStore store;
    private final int port;

    private StateStorePeer(String fsync, String variant, PeerProcess server, StateStore store, int port) {
        this.port = port;
        this.fsync = fsync;
        this.variant = variant;
        this.server = server;
        this.store = store;
    }

    /** statestore as it comes: client options at their defaults. */
    static StateStorePeer start(String binary, String fsync) throws Exception {
        return start(binary, fsync, "", client -> client);
    }

    /**
     * @param fsync   redis-server's {@code appendfsync}: everysec or always
     * @param variant how {@code client} departs from the defaults, for the system's name (", group commit")
     * @param client  client options changed from their defaults
     */
    static StateStorePeer start(
            String binary, String fsync, String variant, UnaryOperator<StateStoreOptions.Builder> client)
            throws Exception {
        Path dir = PeerProcess.tempDir("redis-" + fsync);
        int port = RedisServer.freePort();
        PeerProcess server = PeerProcess.start(
                "redis-server (appendfsync " + fsync + ")",
                dir,
                List.of(
                        binary,
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--dir",
                        dir.toString(),
                        "--save",
                        "",
                        "--appendonly",
                        "yes",
                        "--appendfsync",
                        fsync,
                        "--daemonize",
                        "no"),
                port);
        try {
            StateStore store = StateStore.connect(client.apply(StateStoreOptions.builder()
                            .uri("redis://127.0.0.1:" + port)
                            .writer("bench-peers"))
                    .build());
            return new StateStorePeer(fsync, variant, server, store, port);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "statestore, AOF " + fsync + variant;
    }

    @Override
    public String durability() {
        return "always".equals(fsync)
                ? "redis-server appendfsync always: the AOF is fsynced before the reply (one fsync per event-loop turn, shared by the clients served in it)"
                : "redis-server appendfsync everysec: the reply goes once the write is in the AOF buffer; a background fsync runs every second (up to ~1-2 s of acknowledged writes lost on power failure)";
    }

    /**
     * Turns the store setting {@code jsoncheck} off (ss_config_set, as the daemon's {@code redis.jsonCheck:
     * false} does): the functions then store JSON values unchecked. The client still checks what it sends.
     */
    StateStorePeer withoutServerJsonCheck() {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            FunctionCalls.Call c = FunctionCalls.configure(new KeyLayout("ss:").settings(), DEFAULT_FEED_LENGTH, false);
            j.fcall(c.function(), c.keys(), c.args());
        }
        return this;
    }

    /** The Redis server's address, for tests that look at what the store wrote. */
    int port() {
        return port;
    }

    @Override
    public long serverPid() {
        return server.pid();
    }

    private static String key(String name) {
        return "peers:" + name.replace('.', ':');
    }

    @Override
    public void put(String name, ObjectNode doc) {
        store.put(key(name), doc);
    }

    @Override
    public boolean compareAndSet(String name, Consumer<ObjectNode> change) {
        String key = key(name);
        Optional<Document<JsonNode>> read = store.get(key);
        if (read.isEmpty()) {
            throw new IllegalStateException("no document " + key + " to update");
        }
        ObjectNode doc = (ObjectNode) read.get().value();
        change.accept(doc);
        try {
            store.put(key, doc, WriteOptions.ifRevision(read.get().revision()));
            return true;
        } catch (ConflictException e) {
            return false;
        }
    }

    /** The library's feed length when the store sets none (DEFAULT_FEEDMAX in ss_keys.lua). */
    static final int DEFAULT_FEED_LENGTH = 100_000;

    @Override
    public String steadyState(ObjectNode doc, int threads) throws Exception {
        return fillFeed(doc, threads, DEFAULT_FEED_LENGTH);
    }

    /** Puts {@code doc} (its seq changed each time) until the feed is past {@code length}, so trimming has begun. */
    String fillFeed(ObjectNode doc, int threads, int length) throws Exception {
        int target = length + length / 20;
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ObjectNode mine = doc.deepCopy();
                writers.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < target; ) {
                        mine.put("seq", i);
                        store.put("fill:" + (i % 1000), mine);
                    }
                    return null;
                }));
            }
            for (Future<?> w : writers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return String.format(
                "change feed filled with %,d puts of the benchmark's document to its length (%,d) in %.1f s",
                target, length, (System.nanoTime() - t0) / 1e9);
    }

    @Override
    public AutoCloseable watch(String group, Consumer<JsonNode> onValue) {
        // A put's change is the whole document; the watcher fetches nothing else (default options).
        WatchListener listener = e -> onValue.accept(e.change());
        return store.watch()
                .watch(WatchOptions.builder().prefix(key(group) + ":").build(), listener);
    }

    @Override
    public void close() throws Exception {
        try {
            store.close();
        } finally {
            server.close();
        }
    }
}
