package io.statestore.testing;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.TlsOptions;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.TlsContexts;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Starts a real Redis Cluster for a test class: 3 primaries and 3 replicas on free loopback
 * ports in a temporary directory ({@code --cluster-enabled yes}, node timeout 1 s, append-only
 * files), joined with {@code redis-cli --cluster create --cluster-replicas 1}; it waits until
 * every node reports {@code cluster_state:ok} and every replica is in sync, and stops the nodes
 * afterwards. Register it as a static field (one cluster per class: starting one costs a few
 * seconds). The binaries are {@code redis-server} from PATH or {@code STATESTORE_TEST_REDIS_SERVER},
 * and the {@code redis-cli} next to it (or on PATH).
 *
 * <p>Helpers change the cluster the way an operator would: {@link #kill9} a node,
 * {@link #addPrimary} a new empty primary, {@link #reshard} slots between primaries with redis-cli,
 * or {@link #moveSlots} many at once.
 */
public final class RedisClusterExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, TestRedis {
    private static final Duration READY_LIMIT = Duration.ofSeconds(30);

    private final int primaries;
    private final List<StateStore> stores = new ArrayList<>();
    /** port -> process, in start order; the first {@code primaries} were created as primaries. */
    private final Map<Integer, Process> nodes = new LinkedHashMap<>();

    private Path dir;

    /** A handle on the cluster of the JVM run ({@link #shared()}) rather than a cluster of its own. */
    private final boolean shared;
    /**
     * Append-only files on every node (a node killed and restarted keeps its data). The shared
     * cluster has none: it is never restarted, and the contracts' tens of thousands of writes
     * would otherwise fsync and rewrite files on 6 nodes while later classes run (as a
     * standalone test server has none).
     */
    private boolean appendOnly = true;
    /** Stores made during the current test of a shared handle, closed after it. */
    private final List<StateStore> testStores = new ArrayList<>();

    private boolean inTest;
    private UnifiedJedis commands;

    /** Whether the nodes serve TLS only (threePrimariesWithTls); then {@link #tls} holds the certificates. */
    private final boolean withTls;

    private TestCertificates tls;
    private DefaultJedisClientConfig tlsNodeConfig;

    private RedisClusterExtension(int primaries) {
        this(primaries, false, false);
    }

    private RedisClusterExtension(int primaries, boolean shared, boolean withTls) {
        this.primaries = primaries;
        this.shared = shared;
        this.withTls = withTls;
    }

    /** 3 primaries, each with one replica. */
    public static RedisClusterExtension threePrimaries() {
        return new RedisClusterExtension(3);
    }

    /**
     * The cluster of this JVM run (3 primaries, each with a replica), shared by every test class
     * that registers this: started by the first class that needs it, emptied (FLUSHALL on every
     * primary) before each class, stopped when the JVM exits or a class starts a cluster of its own
     * ({@link #threePrimaries()}; the next class that needs it starts it again). So the behavioural contracts pay
     * the ~9 s start once, not per class. The topology must not change: {@link #kill9},
     * {@link #addPrimary}, {@link #reshard} and {@link #moveSlots} are refused; a test that
     * changes the cluster registers {@link #threePrimaries()}. Stores made during a test are
     * closed after it (each holds connections to every node and refresh threads), stores made
     * in {@code @BeforeAll} after the class.
     */
    public static RedisClusterExtension shared() {
        return new RedisClusterExtension(3, true, false);
    }

    /**
     * 3 primaries with one replica each, serving TLS only: {@code port 0}, a {@code tls-port},
     * {@code tls-cluster yes} (the bus) and {@code tls-replication yes}, certificates from
     * {@link TestCertificates} (server "server" for 127.0.0.1, CA "ca"), and {@code
     * tls-auth-clients yes}: every client, redis-cli included, shows the "client" certificate.
     * {@link #uri()} is then a {@code rediss-cluster://} URL and {@link #newStore()} gives the CA
     * and the client certificate. The test class is skipped, with the reason printed, when openssl
     * or a redis-server with TLS is missing.
     */
    public static RedisClusterExtension threePrimariesWithTls() {
        return new RedisClusterExtension(3, false, true);
    }

    /** The certificates of a TLS cluster (null otherwise). */
    public TestCertificates certificates() {
        return tls;
    }

    /** The TLS options a client of this TLS cluster needs: the CA and the client certificate. */
    public TlsOptions tlsOptions() {
        return TlsOptions.builder()
                .caFile(tls.ca)
                .certFile(tls.cert("client"))
                .keyFile(tls.key("client"))
                .build();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (shared) {
            SharedCluster.get().copyNodesInto(nodes);
            dir = SharedCluster.get().dataDir();
            flushAll();
            return;
        }
        SharedCluster.stopIfStarted(); // two clusters at once on 2 cores: see there
        startCluster();
    }

    /** The cluster {@link SharedCluster} starts: as {@link #threePrimaries()}, without append-only files. */
    static RedisClusterExtension forSharing() {
        RedisClusterExtension c = new RedisClusterExtension(3);
        c.appendOnly = false;
        return c;
    }

    /** Used by {@link SharedCluster}: starts this (unshared) cluster outside JUnit's lifecycle. */
    void startCluster() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("statestore-cluster-");
        if (withTls) {
            TlsRedisServer.assumeTls();
            tls = TestCertificates.make(Files.createDirectories(dir.resolve("certs")));
            tlsNodeConfig = TlsContexts.configure(
                            DefaultJedisClientConfig.builder().ssl(true), tlsOptions())
                    .build();
        }
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < primaries * 2; i++) {
            addresses.add("127.0.0.1:" + startNode());
        }
        List<String> create = new ArrayList<>(List.of(cliBinary(), "--cluster", "create"));
        create.addAll(addresses);
        create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        run(create);
        awaitReady();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        inTest = true;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        inTest = false;
        closeAll(testStores);
    }

    private static void closeAll(List<StateStore> list) {
        for (StateStore s : list) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // a store of a node killed by the test: nothing left to release
            }
        }
        list.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (commands != null) {
            commands.close();
            commands = null;
        }
        if (shared) {
            closeAll(stores);
            return;
        }
        stopCluster();
    }

    /** Closes the stores, kills every node and removes the data directory. */
    void stopCluster() throws InterruptedException, IOException {
        for (StateStore s : stores) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // a store of a node killed by the test: nothing left to release
            }
        }
        stores.clear();
        for (Process p : nodes.values()) {
            p.destroyForcibly();
        }
        for (Process p : nodes.values()) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (dir != null) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** Starts one empty cluster-enabled node; returns its port. */
    private int startNode() throws IOException, InterruptedException {
        return startNode(freePort(), appendOnly);
    }

    /**
     * Restores RDB files into this cluster as an operator would after a disaster (docs/cluster.md,
     * "Backups of a cluster"): every node stopped, every node's data removed, each primary's
     * file put as its {@code dump.rdb}, the nodes started again on their ports with their
     * {@code nodes.conf} (so with their slots and roles), the primaries without AOF so that they
     * load the RDB; the replicas copy their primary again. Waits until the cluster is ready.
     *
     * @param rdbByPrimaryPort the file for each primary, by its port
     */
    public void restorePrimaries(Map<Integer, Path> rdbByPrimaryPort) throws IOException, InterruptedException {
        List<Integer> ports = new ArrayList<>(nodes.keySet());
        for (int port : ports) {
            nodes.get(port).destroyForcibly();
        }
        for (int port : ports) {
            nodes.get(port).waitFor(10, TimeUnit.SECONDS);
            Path nodeDir = dir.resolve(Integer.toString(port));
            Path aof = nodeDir.resolve("appendonlydir");
            if (Files.exists(aof)) {
                try (Stream<Path> walk = Files.walk(aof)) {
                    walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                }
            }
            Files.deleteIfExists(nodeDir.resolve("dump.rdb"));
            if (rdbByPrimaryPort.containsKey(port)) {
                Files.copy(rdbByPrimaryPort.get(port), nodeDir.resolve("dump.rdb"));
            }
        }
        for (int port : ports) {
            startNode(port, !rdbByPrimaryPort.containsKey(port));
        }
        awaitReady();
    }

    /** Starts a cluster-enabled node on {@code port}, with the data directory (and nodes.conf) it had, if any. */
    private int startNode(int port) throws IOException, InterruptedException {
        return startNode(port, appendOnly);
    }

    private int startNode(int port, boolean appendOnly) throws IOException, InterruptedException {
        Path nodeDir = Files.createDirectories(dir.resolve(Integer.toString(port)));
        List<String> cmd = new ArrayList<>(List.of(
                serverBinary(),
                "--port",
                withTls ? "0" : Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                nodeDir.toString(),
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                nodeDir.resolve("nodes.conf").toString(),
                "--cluster-node-timeout",
                "1000",
                // a primary waits this long (default 5 s) before a full sync, for more replicas to
                // join it; here every replica is there at once, and the wait was most of each
                // cluster's start (6.2-6.9 s to ready, 1.9-2.2 s without it)
                "--repl-diskless-sync-delay",
                "0",
                "--appendonly",
                appendOnly ? "yes" : "no",
                "--save",
                "",
                "--logfile",
                nodeDir.resolve("redis.log").toString(),
                "--daemonize",
                "no"));
        if (withTls) {
            cmd.addAll(List.of(
                    "--tls-port",
                    Integer.toString(port),
                    "--tls-cluster",
                    "yes",
                    "--tls-replication",
                    "yes",
                    "--tls-cert-file",
                    tls.cert("server").toString(),
                    "--tls-key-file",
                    tls.key("server").toString(),
                    "--tls-ca-cert-file",
                    tls.ca.toString(),
                    // the bus and replication links are TLS clients of the other nodes, which ask
                    // for a client certificate: the server certificate is for serverAuth only
                    "--tls-client-cert-file",
                    tls.cert("client").toString(),
                    "--tls-client-key-file",
                    tls.key("client").toString(),
                    "--tls-auth-clients",
                    "yes"));
        }
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(nodeDir.resolve("redis.out").toFile())
                .start();
        nodes.put(port, p);
        awaitPing(port, p);
        return port;
    }

    /** The seed URL: every node of the cluster as created. */
    @Override
    public String uri() {
        return (withTls ? "rediss-cluster://" : "redis-cluster://")
                + nodes.keySet().stream()
                        .limit(primaries * 2L)
                        .map(p -> "127.0.0.1:" + p)
                        .collect(Collectors.joining(","));
    }

    /** A store on this cluster, closed after the class (on a {@link #shared()} one, after the test that made it). */
    @Override
    public StateStore newStore() {
        return newStore(b -> {});
    }

    @Override
    public StateStore newStore(Consumer<StateStoreOptions.Builder> custom) {
        StateStoreOptions.Builder b = StateStoreOptions.builder().uri(uri()).writer("test");
        if (withTls) {
            b.tls(tlsOptions());
        }
        custom.accept(b);
        StateStore s = StateStore.connect(b.build());
        (shared && inTest ? testStores : stores).add(s);
        return s;
    }

    /** FLUSHALL on every primary (replicas follow); function libraries stay. */
    @Override
    public void flushAll() {
        for (Jedis j : primaries()) {
            try (j) {
                j.flushAll();
            }
        }
    }

    /** A cluster client (slot map, redirects); closed after the class. */
    @Override
    public synchronized UnifiedJedis commands() {
        if (commands == null) {
            Set<HostAndPort> seeds = nodes.keySet().stream()
                    .map(p -> new HostAndPort("127.0.0.1", p))
                    .collect(Collectors.toSet());
            commands = RedisClusterClient.create(seeds);
        }
        return commands;
    }

    @Override
    public List<Jedis> primaries() {
        return primaryPorts().stream().map(this::node).toList();
    }

    @Override
    public KeyLayout layout() {
        return new KeyLayout("ss:", true);
    }

    /** Cluster nodes load no JSON module: portable mode. */
    @Override
    public boolean moduleMode() {
        return false;
    }

    @Override
    public boolean cluster() {
        return true;
    }

    private void refuseOnShared(String what) {
        if (shared) {
            throw new IllegalStateException(what + " would change the cluster every test class of this run shares;"
                    + " register RedisClusterExtension.threePrimaries() for a cluster of the class's own");
        }
    }

    /** Copies the nodes of this (started) cluster into a shared handle's map. */
    void copyNodesInto(Map<Integer, Process> into) {
        into.putAll(nodes);
    }

    Path dataDir() {
        return dir;
    }

    /** A plain connection to one node, for inspection. Caller closes it. */
    public Jedis node(int port) {
        return withTls ? new Jedis(new HostAndPort("127.0.0.1", port), tlsNodeConfig) : new Jedis("127.0.0.1", port);
    }

    /** The ports of the nodes that are primaries now (alive, flagged master), in start order. */
    public List<Integer> primaryPorts() {
        List<Integer> out = new ArrayList<>();
        for (ClusterNode n : clusterNodes()) {
            if (n.primary() && !n.failed()) {
                out.add(n.port());
            }
        }
        out.sort(Comparator.comparingInt(p -> new ArrayList<>(nodes.keySet()).indexOf(p)));
        return out;
    }

    /** The port of the primary serving {@code slot} now. */
    public int primaryOfSlot(int slot) {
        for (ClusterNode n : clusterNodes()) {
            if (n.primary() && !n.failed() && n.serves(slot)) {
                return n.port();
            }
        }
        throw new IllegalStateException("no primary serves slot " + slot);
    }

    /** One line of CLUSTER NODES. */
    public record ClusterNode(
            String id, int port, boolean primary, boolean failed, String masterId, List<int[]> slots) {
        public boolean serves(int slot) {
            return slots.stream().anyMatch(r -> r[0] <= slot && slot <= r[1]);
        }

        public int slotCount() {
            return slots.stream().mapToInt(r -> r[1] - r[0] + 1).sum();
        }
    }

    /** The cluster as a live node sees it. */
    public List<ClusterNode> clusterNodes() {
        for (int port : nodes.keySet()) {
            if (!nodes.get(port).isAlive()) {
                continue;
            }
            try (Jedis j = node(port)) {
                return parseNodes(j.clusterNodes());
            } catch (RuntimeException tryAnother) {
                // a node shutting down: ask the next
            }
        }
        throw new IllegalStateException("no node of the cluster answers");
    }

    static List<ClusterNode> parseNodes(String text) {
        List<ClusterNode> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            String address = f[1].contains("@") ? f[1].substring(0, f[1].indexOf('@')) : f[1];
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being imported or migrated
                }
                String[] r = f[i].split("-");
                int from = Integer.parseInt(r[0]);
                slots.add(new int[] {from, r.length > 1 ? Integer.parseInt(r[1]) : from});
            }
            boolean failed = f[2].contains("fail") && !f[2].contains("fail?") || f[2].contains("noaddr");
            out.add(new ClusterNode(f[0], port, f[2].contains("master"), failed, f[3], slots));
        }
        return out;
    }

    /** Kills a node with SIGKILL, as a crash would; its data directory stays. */
    public void kill9(int port) throws InterruptedException {
        refuseOnShared("kill9");
        Process p = nodes.get(port);
        p.destroyForcibly();
        p.waitFor();
    }

    /**
     * Stops every node (SIGTERM: each flushes its append-only file), as an outage of the whole
     * cluster would; {@link #startAll()} brings them back on the same ports with their data.
     */
    public void stopAll() throws InterruptedException {
        for (Process p : nodes.values()) {
            p.destroy();
        }
        for (Process p : nodes.values()) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** Restarts every stopped node on its port and data directory, and waits until the cluster is ready. */
    public void startAll() throws IOException, InterruptedException {
        for (Map.Entry<Integer, Process> e : new ArrayList<>(nodes.entrySet())) {
            if (!e.getValue().isAlive()) {
                startNode(e.getKey());
            }
        }
        awaitReady();
    }

    /**
     * Starts a new node and joins it as a primary without slots ({@code redis-cli --cluster
     * add-node}); returns its port.
     */
    public int addPrimary() throws IOException, InterruptedException {
        refuseOnShared("addPrimary");
        int port = startNode();
        int existing = primaryPorts().get(0);
        run(List.of(cliBinary(), "--cluster", "add-node", "127.0.0.1:" + port, "127.0.0.1:" + existing));
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (primaryPorts().contains(port) && clusterOk(port)) {
                return port;
            }
            Thread.sleep(50);
        }
        throw new IOException("node " + port + " did not join the cluster within " + READY_LIMIT);
    }

    /** Moves {@code count} slots from one primary to another with {@code redis-cli --cluster reshard}. */
    public void reshard(int fromPort, int toPort, int count) throws IOException, InterruptedException {
        refuseOnShared("reshard");
        run(List.of(
                cliBinary(),
                "--cluster",
                "reshard",
                "127.0.0.1:" + fromPort,
                "--cluster-from",
                idOf(fromPort),
                "--cluster-to",
                idOf(toPort),
                "--cluster-slots",
                Integer.toString(count),
                "--cluster-yes",
                "--cluster-pipeline",
                "50"));
    }

    /**
     * Moves {@code count} slots (the lowest ones {@code fromPort} serves) to {@code toPort} with
     * the protocol redis-cli uses, CLUSTER SETSLOT IMPORTING/MIGRATING, MIGRATE of the keys, then
     * SETSLOT NODE, but pipelined over batches of slots instead of one slot after another: the
     * same states for callers (ASK, TRYAGAIN while a slot's keys are split), in seconds instead
     * of a minute on a busy 2-core machine.
     */
    public void moveSlots(int fromPort, int toPort, int count) {
        refuseOnShared("moveSlots");
        String fromId = idOf(fromPort);
        String toId = idOf(toPort);
        List<Integer> slots = new ArrayList<>();
        for (ClusterNode n : clusterNodes()) {
            if (n.port() == fromPort) {
                for (int[] r : n.slots()) {
                    for (int s = r[0]; s <= r[1] && slots.size() < count; s++) {
                        slots.add(s);
                    }
                }
            }
        }
        try (Jedis from = node(fromPort);
                Jedis to = node(toPort)) {
            for (int i = 0; i < slots.size(); i += 64) {
                List<Integer> batch = slots.subList(i, Math.min(slots.size(), i + 64));
                setSlots(to, batch, "IMPORTING", fromId);
                setSlots(from, batch, "MIGRATING", toId);
                for (int s : batch) {
                    // a migrating slot takes no new keys (they are sent to the target with ASK), so this ends
                    for (List<String> keys = from.clusterGetKeysInSlot(s, 100);
                            !keys.isEmpty();
                            keys = from.clusterGetKeysInSlot(s, 100)) {
                        List<String> args = new ArrayList<>(
                                List.of("127.0.0.1", Integer.toString(toPort), "", "0", "5000", "KEYS"));
                        args.addAll(keys);
                        from.sendCommand(redis.clients.jedis.Protocol.Command.MIGRATE, args.toArray(new String[0]));
                    }
                }
                setSlots(to, batch, "NODE", toId);
                setSlots(from, batch, "NODE", toId);
            }
        }
    }

    private static void setSlots(Jedis j, List<Integer> slots, String state, String nodeId) {
        redis.clients.jedis.Pipeline p = j.pipelined();
        slots.forEach(s -> p.sendCommand(
                redis.clients.jedis.Protocol.Command.CLUSTER, "SETSLOT", Integer.toString(s), state, nodeId));
        p.sync();
    }

    private String idOf(int port) {
        return clusterNodes().stream()
                .filter(n -> n.port() == port)
                .findFirst()
                .orElseThrow()
                .id();
    }

    /**
     * Waits until every live node says {@code cluster_state:ok}, agrees that all 16,384 slots are
     * served, every replica's link to its primary is up and synced, and every live node's view
     * ({@code CLUSTER NODES}) has each live node in the role it has (a replica that has just
     * synced may still be listed as a primary by nodes gossip has not reached yet, and a test
     * writing to "the primaries" would then write to a replica: READONLY).
     */
    public void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException("the cluster was not ready within " + READY_LIMIT + ": "
                + clusterNodes().size() + " nodes");
    }

    private boolean ready() {
        Map<Integer, Boolean> primary = new HashMap<>();
        List<String> views = new ArrayList<>();
        for (Map.Entry<Integer, Process> e : nodes.entrySet()) {
            if (!e.getValue().isAlive()) {
                continue;
            }
            try (Jedis j = node(e.getKey())) {
                if (!j.clusterInfo().contains("cluster_state:ok")) {
                    return false;
                }
                String replication = j.info("replication");
                if (replication.contains("role:slave")
                        && (!replication.contains("master_link_status:up")
                                || replication.contains("master_sync_in_progress:1"))) {
                    return false;
                }
                primary.put(e.getKey(), replication.contains("role:master"));
                views.add(j.clusterNodes());
            } catch (RuntimeException notYet) {
                return false;
            }
        }
        for (String view : views) {
            for (ClusterNode n : parseNodes(view)) {
                Boolean is = primary.get(n.port());
                if (is != null && is != n.primary()) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean clusterOk(int port) {
        try (Jedis j = node(port)) {
            return j.clusterInfo().contains("cluster_state:ok");
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private void awaitPing(int port, Process p) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("redis-server on port " + port + " exited at start");
            }
            try (Jedis j = node(port)) {
                if ("PONG".equals(j.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not accepting connections yet
            }
            Thread.sleep(20);
        }
        throw new IOException("redis-server on port " + port + " did not answer PING within " + READY_LIMIT);
    }

    /** Runs a redis-cli command to completion; its output is in the exception when it fails. */
    private void run(List<String> command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(command);
        if (withTls) { // redis-cli's TLS options go before the rest
            cmd.addAll(
                    1,
                    List.of(
                            "--tls",
                            "--cacert",
                            tls.ca.toString(),
                            "--cert",
                            tls.cert("client").toString(),
                            "--key",
                            tls.key("client").toString()));
        }
        Path out = Files.createTempFile(dir, "cli-", ".out");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish within 120 s");
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 || text.contains("[ERR]")) {
            throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + text);
        }
    }

    /** The server binary: the test server, or for TLS one built with TLS ({@link TlsRedisServer#binary()}). */
    private String serverBinary() throws IOException, InterruptedException {
        return withTls ? TlsRedisServer.binary() : RedisServerExtension.serverBinary();
    }

    /** redis-cli next to this cluster's server binary when that is a path, else from PATH. */
    private String cliBinary() throws IOException, InterruptedException {
        return cliNextTo(serverBinary());
    }

    private static String cliNextTo(String server) {
        Path sibling = Path.of(server).resolveSibling("redis-cli");
        return server.contains("/") && Files.isExecutable(sibling) ? sibling.toString() : "redis-cli";
    }

    /** A port that is free, and whose cluster bus port (+10000) is free too. */
    /**
     * A node's port, and its bus port 10000 above, both free now and below the kernel's ephemeral
     * range, where connections and other JVMs' ServerSocket(0) cannot take them before the node
     * binds (FreePorts says why).
     */
    private static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        int below = FreePorts.ephemeralLow() - 10000;
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 10000 + random.nextInt(Math.max(1, below - 10000));
            if (bindable(port) && bindable(port + 10000)) {
                return port;
            }
        }
        throw new IOException("no free pair of loopback ports (port, port + 10000) found");
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
