package io.statestore.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;

/**
 * A throwaway Redis Cluster for the run, started as the test harness starts one
 * ({@code RedisClusterExtension}): cluster-enabled redis-server processes on free loopback ports
 * in a temporary directory, joined with {@code redis-cli --cluster create}, node timeout 1 s; but
 * without persistence (appendonly no, save ""), like the benchmark's standalone {@link RedisServer},
 * so the two differ only in being a cluster.
 */
final class BenchCluster implements AutoCloseable {
    private final Path dir;
    private final String serverBinary;
    /** port -> process, primaries first. */
    private final Map<Integer, Process> nodes = new LinkedHashMap<>();

    private final int primaries;

    private BenchCluster(Path dir, String serverBinary, int primaries) {
        this.dir = dir;
        this.serverBinary = serverBinary;
        this.primaries = primaries;
    }

    static BenchCluster start(String serverBinary, int primaries, int replicasEach)
            throws IOException, InterruptedException {
        BenchCluster c =
                new BenchCluster(Files.createTempDirectory("statestore-bench-cluster-"), serverBinary, primaries);
        try {
            List<String> addresses = new ArrayList<>();
            for (int i = 0; i < primaries * (1 + replicasEach); i++) {
                addresses.add("127.0.0.1:" + c.startNode());
            }
            List<String> create = new ArrayList<>(List.of(c.cliBinary(), "--cluster", "create"));
            create.addAll(addresses);
            create.addAll(List.of("--cluster-replicas", Integer.toString(replicasEach), "--cluster-yes"));
            c.run(create);
            c.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The seed URL: every node. */
    String uri() {
        return "redis-cluster://"
                + nodes.keySet().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** The ports of the nodes created as primaries. */
    List<Integer> primaryPorts() {
        return nodes.keySet().stream().limit(primaries).toList();
    }

    List<Integer> allPorts() {
        return new ArrayList<>(nodes.keySet());
    }

    /** Process IDs of every node (their CPU counts towards the server's). */
    List<Long> pids() {
        return nodes.values().stream().map(Process::pid).toList();
    }

    /** FLUSHALL on every primary (replicas follow); the function libraries stay. */
    void flushAll() {
        for (int port : primaryPorts()) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                j.flushAll();
            }
        }
    }

    /** The number of keys on each primary, for the notes: how the documents spread. */
    List<Long> keysPerPrimary() {
        List<Long> out = new ArrayList<>();
        for (int port : primaryPorts()) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                out.add(j.dbSize());
            }
        }
        return out;
    }

    private int startNode() throws IOException, InterruptedException {
        int port = freePort();
        Path nodeDir = Files.createDirectories(dir.resolve(Integer.toString(port)));
        List<String> cmd = List.of(
                serverBinary,
                "--port",
                Integer.toString(port),
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
                "--appendonly",
                "no",
                "--save",
                "",
                "--logfile",
                nodeDir.resolve("redis.log").toString(),
                "--daemonize",
                "no");
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(nodeDir.resolve("redis.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot start " + serverBinary + ": " + e.getMessage(), e);
        }
        nodes.put(port, p);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("redis-server on port " + port + " exited at start; see " + nodeDir);
            }
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                if ("PONG".equals(j.ping())) {
                    return port;
                }
            } catch (RuntimeException notYet) {
                // not accepting connections yet
            }
            Thread.sleep(20);
        }
        throw new IOException("redis-server on port " + port + " did not answer PING within 20 s");
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (ready()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException("the cluster was not ready within 30 s");
    }

    private boolean ready() {
        for (int port : nodes.keySet()) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                if (!j.clusterInfo().contains("cluster_state:ok")) {
                    return false;
                }
                String replication = j.info("replication");
                if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                    return false;
                }
            } catch (RuntimeException notYet) {
                return false;
            }
        }
        return true;
    }

    private void run(List<String> cmd) throws IOException, InterruptedException {
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

    /** redis-cli next to the server binary when that is a path, else from PATH. */
    private String cliBinary() {
        Path sibling = Path.of(serverBinary).resolveSibling("redis-cli");
        return serverBinary.contains("/") && Files.isExecutable(sibling) ? sibling.toString() : "redis-cli";
    }

    /** A free port whose cluster bus port (+10000) is free too. */
    private static int freePort() throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20000 + random.nextInt(30000);
            if (bindable(port) && bindable(port + 10000)) {
                return port;
            }
        }
        throw new IOException("no free pair of loopback ports (port, port + 10000) found");
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process p : nodes.values()) {
            p.destroy();
        }
        for (Process p : nodes.values()) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
