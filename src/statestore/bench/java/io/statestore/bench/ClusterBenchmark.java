package io.statestore.bench;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The cost of Redis Cluster routing (issue 19): the same 1 KB puts and merges by 16 clients
 * against one standalone redis-server and against a 3-primary cluster, both started by the
 * benchmark on this host, in the same run, cells interleaved, medians over several sets. On one
 * small machine more primaries add no cores, so the ratio shows what routing costs, not what
 * sharding gains (docs/benchmarks.md, "Redis Cluster: the cost of routing").
 */
@Command(
        name = "cluster",
        description = "1 KB puts and merges: a 3-primary Redis Cluster vs one server, interleaved"
                + " (scripts/bench --cluster).")
final class ClusterBenchmark implements Callable<Integer> {
    /** Issue 19: routing may cost at most 20% of the standalone throughput. */
    static final double TARGET_RATIO = 0.80;

    @Mixin
    private HelpOption help;

    @Option(
            names = "--server",
            paramLabel = "BINARY",
            defaultValue = "redis-server",
            description = "redis-server to start, for both (default: ${DEFAULT-VALUE} from PATH).")
    private String server;

    @Option(
            names = "--primaries",
            paramLabel = "N",
            defaultValue = "3",
            description = "Primaries of the cluster (default ${DEFAULT-VALUE}).")
    private int primaries;

    @Option(
            names = "--replicas",
            paramLabel = "N",
            defaultValue = "0",
            description = "Replicas per primary (default ${DEFAULT-VALUE}: replication would cost the cluster"
                    + " CPU the standalone server does not spend).")
    private int replicas;

    @Option(
            names = "--sets",
            paramLabel = "N",
            defaultValue = "3",
            description = "Sets of interleaved cells; the figures are medians over them (default ${DEFAULT-VALUE}).")
    private int sets;

    @Option(
            names = "--seconds",
            paramLabel = "N",
            defaultValue = "3",
            description = "Measured seconds per cell (default ${DEFAULT-VALUE}).")
    private double seconds;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            defaultValue = "1",
            description = "Unrecorded seconds per cell (default ${DEFAULT-VALUE}).")
    private double warmup;

    @Option(
            names = "--clients",
            paramLabel = "N",
            defaultValue = "16",
            description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    private int clients;

    @Option(
            names = "--size",
            paramLabel = "KB",
            defaultValue = "1",
            description = "Document size in KB (default ${DEFAULT-VALUE}).")
    private int sizeKb;

    @Option(
            names = "--pool",
            paramLabel = "N",
            description = "statestore's pool size (on a cluster: per node); default max(32, clients).")
    private Integer pool;

    @Option(
            names = "--ops",
            paramLabel = "LIST",
            split = ",",
            defaultValue = "put,merge",
            converter = OperationConverter.class,
            description = "Operations (default ${DEFAULT-VALUE}).")
    private List<Workload.Operation> ops;

    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    private record Cell(Workload.Operation op, int set, CellResult standalone, CellResult cluster) {
        double ratio() {
            return cluster.opsPerSecond() / standalone.opsPerSecond();
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        int poolSize = pool != null ? pool : Math.max(StateStoreOptions.DEFAULT_POOL_SIZE, clients);
        System.err.println("bench cluster: starting a standalone server and a cluster of " + primaries + " primaries x "
                + (1 + replicas) + " nodes ...");
        try (RedisServer one = RedisServer.start(server, null);
                BenchCluster cluster = BenchCluster.start(server, primaries, replicas)) {
            BenchRedis admin = new BenchRedis(java.net.URI.create(one.uri()));
            StateStore s1 = connect(one.uri(), poolSize);
            StateStore s2 = connect(cluster.uri(), poolSize);
            try (EndpointContender standalone = new EndpointContender("standalone", s1, admin::flushAll);
                    EndpointContender clustered = new EndpointContender("cluster", s2, cluster::flushAll)) {
                CellRunner r1 = new CellRunner(warmup, seconds, Long.MAX_VALUE, new CpuClock(admin.localPid()));
                CellRunner r2 = new CellRunner(warmup, seconds, Long.MAX_VALUE, CpuClock.ofServers(cluster.pids()));
                Map<String, String> notes = notes(s1, cluster, poolSize);
                String loadBefore = loadAverage();
                warmUpJit(standalone, clustered);
                List<Cell> cells = new ArrayList<>();
                String spread = "";
                for (int set = 0; set < sets; set++) {
                    for (Workload.Operation op : ops) {
                        Workload w = new Workload(op, sizeKb, clients, false);
                        // alternate which runs first, so neither always gets the fresher machine
                        boolean clusterFirst = set % 2 == 1;
                        CellResult c = clusterFirst ? r2.run(clustered, w) : null;
                        if (clusterFirst) {
                            spread = cluster.keysPerPrimary().toString();
                        }
                        CellResult a = r1.run(standalone, w);
                        if (!clusterFirst) {
                            c = r2.run(clustered, w);
                            spread = cluster.keysPerPrimary().toString();
                        }
                        cells.add(new Cell(op, set + 1, a, c));
                        System.err.printf(
                                Locale.ROOT,
                                "set %d %-6s standalone %8.0f/s  cluster %8.0f/s  ratio %.2f  (load %s)%n",
                                set + 1,
                                op.label(),
                                a.opsPerSecond(),
                                c.opsPerSecond(),
                                c.opsPerSecond() / a.opsPerSecond(),
                                loadAverage());
                    }
                }
                notes.put(
                        "documents",
                        clients + " documents of " + sizeKb + " KB, one per client; keys per primary"
                                + " after the last cluster cell (documents and their metadata, feeds, indexes): "
                                + spread);
                notes.put("load average", "before " + loadBefore + ", after " + loadAverage() + " (1, 5, 15 min)");
                return print(notes, cells);
            }
        }
    }

    private void validate() {
        if (sets < 1 || clients < 1 || sizeKb < 1 || primaries < 3 || replicas < 0 || !(seconds > 0) || warmup < 0) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "--sets, --clients and --size must be positive, --primaries at least 3 (redis-cli --cluster"
                            + " create needs 3), --replicas not negative, --seconds positive, --warmup not negative");
        }
    }

    private StateStore connect(String uri, int poolSize) {
        return StateStore.connect(StateStoreOptions.builder()
                .uri(uri)
                .writer("bench")
                .poolSize(poolSize)
                .build());
    }

    private void warmUpJit(Contender... contenders) throws Exception {
        if (warmup <= 0) {
            return;
        }
        CellRunner warm = new CellRunner(0, Math.max(1, 2 * warmup), Long.MAX_VALUE, new CpuClock(-1));
        for (Workload.Operation op : ops) {
            for (Contender c : contenders) {
                warm.run(c, new Workload(op, sizeKb, clients, false));
            }
        }
    }

    private Map<String, String> notes(StateStore store, BenchCluster cluster, int poolSize) {
        Map<String, String> n = new LinkedHashMap<>();
        n.put(
                "servers",
                store.serverVersion() + " (" + server + "), started by the benchmark on 127.0.0.1, appendonly no,"
                        + " save \"\": one standalone server, and a cluster of " + primaries + " primaries"
                        + (replicas == 0 ? ", no replicas" : " with " + replicas + " replica(s) each")
                        + " (cluster-node-timeout 1000)");
        n.put(
                "statestore",
                "defaults (portable mode, combining on, group commit off), pool " + poolSize
                        + (" (on the cluster: per node)") + "; FLUSHALL (every primary) before every cell");
        n.put(
                "machine",
                Runtime.getRuntime().availableProcessors() + " CPUs seen by the JVM, Java "
                        + System.getProperty("java.version") + ", clients and every server on the same host");
        n.put(
                "cells",
                String.format(
                        Locale.ROOT,
                        "%d sets, each: every op on both, interleaved (odd sets standalone first, even sets cluster"
                                + " first); %.1f s warm-up + %.1f s measured per cell, %d clients in a closed loop",
                        sets,
                        warmup,
                        seconds,
                        clients));
        return n;
    }

    private int print(Map<String, String> notes, List<Cell> cells) {
        notes.forEach((k, v) -> System.out.println(k + ": " + v));
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "%-6s %3s | %-36s | %-36s | %6s%n",
                "op",
                "set",
                "standalone/s p50 p99 us cpu cl+srv us",
                "cluster/s p50 p99 us cpu cl+srv us",
                "ratio");
        for (Cell c : cells) {
            System.out.printf(
                    Locale.ROOT,
                    "%-6s %3d | %s | %s | %6.2f%n",
                    c.op().label(),
                    c.set(),
                    cell(c.standalone()),
                    cell(c.cluster()),
                    c.ratio());
        }
        System.out.println();
        System.out.println("medians over the sets (cpu: client JVM + every redis-server, per call, in us):");
        boolean allMet = true;
        long errors = 0;
        for (Workload.Operation op : ops) {
            List<Cell> mine = cells.stream().filter(c -> c.op() == op).toList();
            double ratio = median(mine, Cell::ratio);
            allMet &= ratio >= TARGET_RATIO;
            System.out.printf(
                    Locale.ROOT,
                    "%-6s standalone %8.0f/s cpu %5.1f+%5.1f us | cluster %8.0f/s cpu %5.1f+%5.1f us |"
                            + " cluster/standalone %.2f"
                            + " (routing overhead %.0f%%; target at most %.0f%%: %s); CPU per call cluster/standalone"
                            + " %.2f%n",
                    op.label(),
                    median(mine, c -> c.standalone().opsPerSecond()),
                    median(mine, c -> c.standalone().clientCpuNs() / 1e3),
                    median(mine, c -> c.standalone().serverCpuNs() / 1e3),
                    median(mine, c -> c.cluster().opsPerSecond()),
                    median(mine, c -> c.cluster().clientCpuNs() / 1e3),
                    median(mine, c -> c.cluster().serverCpuNs() / 1e3),
                    ratio,
                    100 * (1 - ratio),
                    100 * (1 - TARGET_RATIO),
                    ratio >= TARGET_RATIO ? "PASS" : "FAIL",
                    median(mine, c -> c.cluster().cpuMicros() / c.standalone().cpuMicros()));
            errors += mine.stream()
                    .mapToLong(c -> c.standalone().errors() + c.cluster().errors())
                    .sum();
        }
        System.out.println(allMet ? "target met" : "target missed");
        System.out.println("On a loaded machine the cluster's 3 server processes get a larger share of the cores than"
                + " one server does, which favours its throughput; the CPU per call is the cost that does not depend"
                + " on the scheduler.");
        return errors > 0 ? 1 : 0;
    }

    private static String cell(CellResult r) {
        return String.format(
                Locale.ROOT,
                "%8.0f %6.0f %6.0f %5.1f+%5.1f",
                r.opsPerSecond(),
                r.p50Nanos() / 1e3,
                r.p99Nanos() / 1e3,
                r.clientCpuNs() / 1e3,
                r.serverCpuNs() / 1e3);
    }

    private static double median(List<Cell> cells, ToDoubleFunction<Cell> f) {
        double[] v = cells.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return String.join(", ", Arrays.asList(f).subList(0, 3));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
