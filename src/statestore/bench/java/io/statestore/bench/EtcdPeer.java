package io.statestore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * etcd (Debian's etcd-server, one member, its default fsync'd WAL) through jetcd. Keys are
 * {@code peers/NAME}; the client shares one gRPC channel among the threads, as jetcd is meant to be used.
 */
final class EtcdPeer implements Peer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PeerProcess server;
    private final Client client;
    private final KV kv;

    private EtcdPeer(PeerProcess server, Client client) {
        this.server = server;
        this.client = client;
        this.kv = client.getKVClient();
    }

    static EtcdPeer start(String binary) throws Exception {
        Path dir = PeerProcess.tempDir("etcd");
        int clientPort = RedisServer.freePort();
        int peerPort = RedisServer.freePort();
        String clientUrl = "http://127.0.0.1:" + clientPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        PeerProcess server = PeerProcess.start(
                "etcd",
                dir,
                List.of(
                        binary,
                        "--name",
                        "peers",
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--listen-client-urls",
                        clientUrl,
                        "--advertise-client-urls",
                        clientUrl,
                        "--listen-peer-urls",
                        peerUrl,
                        "--initial-advertise-peer-urls",
                        peerUrl,
                        "--initial-cluster",
                        "peers=" + peerUrl,
                        // a run writes a few hundred MB of revisions; the 2 GB default quota would do, 8 GB is sure
                        "--quota-backend-bytes",
                        Long.toString(8L << 30),
                        "--logger",
                        "zap",
                        "--log-level",
                        "error"),
                clientPort);
        Client client = null;
        try {
            client = Client.builder().endpoints(clientUrl).build();
            EtcdPeer peer = new EtcdPeer(server, client);
            peer.awaitLeader();
            return peer;
        } catch (Exception e) {
            if (client != null) {
                client.close();
            }
            server.close();
            throw e;
        }
    }

    /** The port opens before the single member has elected itself; the first write waits for that. */
    private void awaitLeader() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                kv.put(bytes("peers/ready"), bytes("{}")).get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("etcd did not accept a write within 30 s: " + e + "\n" + server.log(), e);
                }
                Thread.sleep(100);
            }
        }
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public String durability() {
        return "etcd 3.4, one member: a write is acknowledged once raft has committed it, which needs its WAL entry fsynced (batched across concurrent requests)";
    }

    @Override
    public long serverPid() {
        return server.pid();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static ByteSequence key(String name) {
        return bytes("peers/" + name.replace('.', '/'));
    }

    private static ByteSequence json(JsonNode doc) {
        try {
            return ByteSequence.from(JSON.writeValueAsBytes(doc));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void put(String name, ObjectNode doc) throws Exception {
        kv.put(key(name), json(doc)).get();
    }

    @Override
    public boolean compareAndSet(String name, Consumer<ObjectNode> change) throws Exception {
        ByteSequence key = key(name);
        GetResponse read = kv.get(key).get();
        if (read.getKvs().isEmpty()) {
            throw new IllegalStateException("no document " + key + " to update");
        }
        KeyValue current = read.getKvs().get(0);
        ObjectNode doc = (ObjectNode) JSON.readTree(current.getValue().getBytes());
        change.accept(doc);
        return kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(current.getModRevision())))
                .Then(Op.put(key, json(doc), PutOption.DEFAULT))
                .commit()
                .get()
                .isSucceeded();
    }

    @Override
    public AutoCloseable watch(String group, Consumer<JsonNode> onValue) {
        Watch.Listener listener = Watch.listener(response -> {
            for (WatchEvent e : response.getEvents()) {
                if (e.getEventType() == WatchEvent.EventType.PUT) {
                    try {
                        onValue.accept(JSON.readTree(e.getKeyValue().getValue().getBytes()));
                    } catch (IOException bad) {
                        throw new UncheckedIOException(bad);
                    }
                }
            }
        });
        return client.getWatchClient()
                .watch(
                        bytes("peers/" + group.replace('.', '/') + "/"),
                        WatchOption.builder().isPrefix(true).build(),
                        listener);
    }

    @Override
    public void close() throws Exception {
        try {
            client.close();
        } finally {
            server.close();
        }
    }
}
