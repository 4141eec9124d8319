package io.statestore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * NATS JetStream KV (Debian's nats-server {@code -js}, file storage) through jnats: one bucket,
 * one value kept per key, keys {@code peers.NAME}; the threads share one connection, as jnats is meant to be used.
 */
final class NatsKvPeer implements Peer {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** JetStream's "wrong last sequence": the revision an update named is no longer the key's last. */
    private static final int WRONG_LAST_SEQUENCE = 10071;
    /** jnats's default listener logs every flow-control message of a watch at INFO; errors are all the run needs to see. */
    private static final ErrorListener QUIET_BUT_ERRORS = new ErrorListener() {
        @Override
        public void errorOccurred(Connection conn, String error) {
            System.err.println("bench peers: NATS error: " + error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception e) {
            System.err.println("bench peers: NATS exception: " + e);
        }
    };

    private final PeerProcess server;
    private final Connection connection;
    private final KeyValue kv;

    private NatsKvPeer(PeerProcess server, Connection connection, KeyValue kv) {
        this.server = server;
        this.connection = connection;
        this.kv = kv;
    }

    static NatsKvPeer start(String binary) throws Exception {
        Path dir = PeerProcess.tempDir("nats");
        int port = RedisServer.freePort();
        PeerProcess server = PeerProcess.start(
                "nats-server",
                dir,
                List.of(
                        binary,
                        "-a",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(port),
                        "-js",
                        "-sd",
                        dir.resolve("jetstream").toString()),
                port);
        Connection connection = null;
        try {
            connection = Nats.connect(new Options.Builder()
                    .server("nats://127.0.0.1:" + port)
                    .connectionTimeout(Duration.ofSeconds(10))
                    .errorListener(QUIET_BUT_ERRORS)
                    .build());
            connection
                    .keyValueManagement()
                    .create(KeyValueConfiguration.builder()
                            .name("peers")
                            .storageType(StorageType.File)
                            .maxHistoryPerKey(1)
                            .build());
            return new NatsKvPeer(server, connection, connection.keyValue("peers"));
        } catch (Exception e) {
            if (connection != null) {
                connection.close();
            }
            server.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "NATS KV";
    }

    @Override
    public String durability() {
        return "nats-server 2.9 JetStream, file storage, one server: the publish ack comes once the message is written to the"
                + " stream's file (the OS page cache), without an fsync; files are synced in the background";
    }

    @Override
    public long serverPid() {
        return server.pid();
    }

    private static String key(String name) {
        return "peers." + name;
    }

    private static byte[] json(JsonNode doc) {
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void put(String name, ObjectNode doc) throws Exception {
        kv.put(key(name), json(doc));
    }

    @Override
    public boolean compareAndSet(String name, Consumer<ObjectNode> change) throws Exception {
        String key = key(name);
        KeyValueEntry current = kv.get(key);
        if (current == null || current.getOperation() != KeyValueOperation.PUT) {
            throw new IllegalStateException("no document " + key + " to update");
        }
        ObjectNode doc = (ObjectNode) JSON.readTree(current.getValue());
        change.accept(doc);
        try {
            kv.update(key, json(doc), current.getRevision());
            return true;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public AutoCloseable watch(String group, Consumer<JsonNode> onValue) throws Exception {
        KeyValueWatcher watcher = new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                if (entry.getOperation() == KeyValueOperation.PUT) {
                    try {
                        onValue.accept(JSON.readTree(entry.getValue()));
                    } catch (IOException bad) {
                        throw new UncheckedIOException(bad);
                    }
                }
            }

            @Override
            public void endOfData() {
                // only updates are asked for: nothing to mark
            }
        };
        return kv.watch(key(group) + ".>", watcher, KeyValueWatchOption.UPDATES_ONLY)::unsubscribe;
    }

    @Override
    public void close() throws Exception {
        try {
            connection.close();
        } finally {
            server.close();
        }
    }
}
