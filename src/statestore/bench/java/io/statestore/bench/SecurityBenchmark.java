package io.statestore.bench;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.TlsOptions;
import io.statestore.daemon.acl.AclRules;
import io.statestore.daemon.redis.EmbeddedTls;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;

/**
 * What safety costs (issue 15): 1 KB merges per second through TLS against plain TCP, and as the
 * writer ACL user against the default user, on one redis-server that listens both ways, in the
 * same run. Variants are interleaved round by round so that machine noise falls on all of them;
 * the table gives each variant's medians and their ratios to plain TCP as the default user: throughput,
 * and CPU per merge (client JVM plus redis-server), which a noisy shared machine moves much less.
 * Run with {@code scripts/bench-security}; figures in docs/benchmarks.md.
 */
@Command(
        name = "security",
        description =
                "1 KB merges/s through TLS vs plain TCP, as the writer ACL user vs the default user (scripts/bench-security).")
final class SecurityBenchmark implements Callable<Integer> {
    private static final String PASSWORD = "bench-writer-password";

    @Mixin
    private HelpOption help;

    @Option(
            names = "--seconds",
            paramLabel = "S",
            defaultValue = "5",
            description = "Measured seconds per variant and round (default ${DEFAULT-VALUE}).")
    private double seconds;

    @Option(
            names = "--warmup",
            paramLabel = "S",
            defaultValue = "1",
            description = "Unrecorded seconds before each measurement (default ${DEFAULT-VALUE}).")
    private double warmup;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            defaultValue = "3",
            description = "Interleaved rounds; the table gives their medians (default ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(
            names = "--clients",
            paramLabel = "LIST",
            split = ",",
            defaultValue = "1,8",
            description = "Concurrent clients, one table each (default ${DEFAULT-VALUE}).")
    private List<Integer> clientCounts;

    @Option(
            names = "--server",
            paramLabel = "BINARY",
            defaultValue = "redis-server",
            description = "redis-server to start (default: ${DEFAULT-VALUE} from PATH).")
    private String binary;

    private record Variant(String name, StateStoreOptions options) {}

    @Override
    public Integer call() throws Exception {
        int tlsPort = RedisServer.freePort();
        Path certs = Files.createTempDirectory("statestore-bench-tls-");
        try (RedisServer server =
                RedisServer.start(binary, null, dir -> EmbeddedTls.tlsPortArgs(certs, "127.0.0.1", tlsPort))) {
            URI plain = URI.create(server.uri());
            BenchRedis admin = new BenchRedis(plain);
            Path passwordFile = certs.resolve("writer.password");
            Files.writeString(passwordFile, PASSWORD + "\n");
            try (Jedis j = admin.connect()) {
                List<String> rules = new ArrayList<>(AclRules.rules(Role.WRITER, "ss:", List.of("*"), false));
                rules.add(">" + PASSWORD);
                j.aclSetUser(Role.WRITER.userName(), rules.toArray(new String[0]));
            }
            TlsOptions tls =
                    TlsOptions.builder().caFile(EmbeddedTls.caFile(certs)).build();
            String tlsUri = "rediss://127.0.0.1:" + tlsPort;
            int pool = Math.max(
                    StateStoreOptions.DEFAULT_POOL_SIZE,
                    clientCounts.stream().max(Integer::compare).orElse(1));
            List<Variant> variants = List.of(
                    new Variant("plain, default user", base(server.uri(), pool).build()),
                    new Variant(
                            "plain, writer ACL user",
                            base(server.uri(), pool)
                                    .user("writer")
                                    .passwordFile(passwordFile)
                                    .build()),
                    new Variant("TLS, default user", base(tlsUri, pool).tls(tls).build()),
                    new Variant(
                            "TLS, writer ACL user",
                            base(tlsUri, pool)
                                    .tls(tls)
                                    .user("writer")
                                    .passwordFile(passwordFile)
                                    .build()));
            StateStore.connect(variants.get(0).options()).close(); // installs the libraries as the default user
            admin.setStoreSettings(100_000, true);
            System.out.println("# 1 KB merges/s, " + rounds + " interleaved rounds of " + seconds + " s (+" + warmup
                    + " s warm-up) per variant; " + Runtime.getRuntime().availableProcessors() + " CPUs, load average "
                    + loadAverage() + ", " + serverVersion(admin) + ", client and server on one host");
            for (int clients : clientCounts) {
                report(clients, measure(variants, admin, clients, rounds, warmup, seconds));
            }
        } finally {
            try (var walk = Files.walk(certs)) {
                for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
        return 0;
    }

    private static StateStoreOptions.Builder base(String uri, int pool) {
        return StateStoreOptions.builder().uri(uri).writer("bench").poolSize(pool);
    }

    private static Map<String, List<CellResult>> measure(
            List<Variant> variants, BenchRedis admin, int clients, int rounds, double warmup, double seconds)
            throws Exception {
        Map<String, List<CellResult>> results = new LinkedHashMap<>();
        Workload w = new Workload(Workload.Operation.MERGE, 1, clients, false);
        CellRunner runner = new CellRunner(warmup, seconds, Long.MAX_VALUE, new CpuClock(admin.localPid()));
        // one unrecorded pass first: the JIT would otherwise compile on the first variant's time
        CellRunner jit = new CellRunner(0, Math.max(1, 2 * warmup), Long.MAX_VALUE, new CpuClock(-1));
        for (Variant v : variants) {
            try (StateStoreContender c = new StateStoreContender(StateStore.connect(v.options()), admin)) {
                jit.run(c, w);
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (Variant v : variants) {
                try (StateStoreContender c = new StateStoreContender(StateStore.connect(v.options()), admin)) {
                    results.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(runner.run(c, w));
                }
            }
        }
        return results;
    }

    private static void report(int clients, Map<String, List<CellResult>> results) {
        System.out.printf(
                Locale.ROOT,
                "%n%d client%s%n%-24s %10s %6s %8s %8s %11s %11s %6s  %s%n",
                clients,
                clients == 1 ? "" : "s",
                "variant",
                "merges/s",
                "ratio",
                "p50 µs",
                "p99 µs",
                "client CPU",
                "server CPU",
                "ratio",
                "rounds (merges/s)");
        List<CellResult> first = results.values().iterator().next();
        double baseline = median(first, CellResult::opsPerSecond);
        double baselineCpu = median(first, CellResult::cpuMicros);
        for (Map.Entry<String, List<CellResult>> e : results.entrySet()) {
            List<CellResult> cells = e.getValue();
            double m = median(cells, CellResult::opsPerSecond);
            double cpu = median(cells, CellResult::cpuMicros);
            long errors = cells.stream().mapToLong(CellResult::errors).sum();
            System.out.printf(
                    Locale.ROOT,
                    "%-24s %10.0f %6.2f %8.0f %8.0f %8.1f µs %8.1f µs %6.2f  %s%s%n",
                    e.getKey(),
                    m,
                    m / baseline,
                    median(cells, c -> c.p50Nanos() / 1e3),
                    median(cells, c -> c.p99Nanos() / 1e3),
                    median(cells, c -> c.clientCpuNs() / 1e3),
                    median(cells, c -> c.serverCpuNs() / 1e3),
                    cpu / baselineCpu,
                    cells.stream()
                            .map(c -> String.format(Locale.ROOT, "%.0f", c.opsPerSecond()))
                            .toList(),
                    errors > 0 ? "  ERRORS " + errors : "");
        }
    }

    /** The median of {@code f} over the rounds: one slow round (another tenant's burst) does not move it. */
    private static double median(List<CellResult> cells, java.util.function.ToDoubleFunction<CellResult> f) {
        double[] v = cells.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static String serverVersion(BenchRedis admin) {
        try (Jedis j = admin.connect()) {
            for (String line : j.info("server").split("\r?\n")) {
                if (line.startsWith("redis_version:")) {
                    return "redis " + line.substring("redis_version:".length()).trim();
                }
            }
        }
        return "redis";
    }
}
