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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * What safety costs (issue 15): 1 KB merges per second through TLS against plain TCP, and as the
 * writer ACL user against the default user, on one redis-server that listens both ways, in the
 * same run. Variants are interleaved round by round so that machine noise falls on all of them;
 * the table gives each variant's medians and their ratios to plain TCP as the default user: throughput,
 * and CPU per merge (client JVM plus redis-server), which a noisy shared machine moves much less.
 * Run with {@code scripts/bench-security}; figures in docs/benchmarks.md.
 */
public final class SecurityBenchmark {
    private static final String PASSWORD = "bench-writer-password";

    private SecurityBenchmark() {
    }

    private record Variant(String name, StateStoreOptions options) {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = args(argv);
        double seconds = Double.parseDouble(a.getOrDefault("seconds", "5"));
        double warmup = Double.parseDouble(a.getOrDefault("warmup", "1"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
        List<Integer> clientCounts = Arrays.stream(a.getOrDefault("clients", "1,8").split(",")).map(Integer::parseInt).toList();
        String binary = a.getOrDefault("server", "redis-server");
        int tlsPort = RedisServer.freePort();
        Path certs = Files.createTempDirectory("statestore-bench-tls-");
        try (RedisServer server = RedisServer.start(binary, null, dir -> EmbeddedTls.tlsPortArgs(certs, "127.0.0.1", tlsPort))) {
            URI plain = URI.create(server.uri());
            RedisAdmin admin = new RedisAdmin(plain);
            Path passwordFile = certs.resolve("writer.password");
            Files.writeString(passwordFile, PASSWORD + "\n");
            try (Jedis j = admin.connect()) {
                List<String> rules = new ArrayList<>(AclRules.rules(Role.WRITER, "ss:", List.of("*"), false));
                rules.add(">" + PASSWORD);
                j.aclSetUser(Role.WRITER.userName(), rules.toArray(new String[0]));
            }
            TlsOptions tls = TlsOptions.builder().caFile(EmbeddedTls.caFile(certs)).build();
            String tlsUri = "rediss://127.0.0.1:" + tlsPort;
            int pool = Math.max(StateStoreOptions.DEFAULT_POOL_SIZE, clientCounts.stream().max(Integer::compare).orElse(1));
            List<Variant> variants = List.of(
                    new Variant("plain, default user", base(server.uri(), pool).build()),
                    new Variant("plain, writer ACL user", base(server.uri(), pool).user("writer").passwordFile(passwordFile).build()),
                    new Variant("TLS, default user", base(tlsUri, pool).tls(tls).build()),
                    new Variant("TLS, writer ACL user", base(tlsUri, pool).tls(tls).user("writer").passwordFile(passwordFile).build()));
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
    }

    private static StateStoreOptions.Builder base(String uri, int pool) {
        return StateStoreOptions.builder().uri(uri).writer("bench").poolSize(pool);
    }

    private static Map<String, List<CellResult>> measure(List<Variant> variants, RedisAdmin admin, int clients, int rounds,
                                                         double warmup, double seconds) throws Exception {
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
        System.out.printf(Locale.ROOT, "%n%d client%s%n%-24s %10s %6s %8s %8s %11s %11s %6s  %s%n", clients,
                clients == 1 ? "" : "s", "variant", "merges/s", "ratio", "p50 µs", "p99 µs", "client CPU", "server CPU",
                "ratio", "rounds (merges/s)");
        List<CellResult> first = results.values().iterator().next();
        double baseline = median(first, CellResult::opsPerSecond);
        double baselineCpu = median(first, CellResult::cpuMicros);
        for (Map.Entry<String, List<CellResult>> e : results.entrySet()) {
            List<CellResult> cells = e.getValue();
            double m = median(cells, CellResult::opsPerSecond);
            double cpu = median(cells, CellResult::cpuMicros);
            long errors = cells.stream().mapToLong(CellResult::errors).sum();
            System.out.printf(Locale.ROOT, "%-24s %10.0f %6.2f %8.0f %8.0f %8.1f µs %8.1f µs %6.2f  %s%s%n", e.getKey(), m,
                    m / baseline, median(cells, c -> c.p50Nanos() / 1e3), median(cells, c -> c.p99Nanos() / 1e3),
                    median(cells, c -> c.clientCpuNs() / 1e3), median(cells, c -> c.serverCpuNs() / 1e3),
                    cpu / baselineCpu, cells.stream().map(c -> String.format(Locale.ROOT, "%.0f", c.opsPerSecond())).toList(),
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

    private static String serverVersion(RedisAdmin admin) {
        try (Jedis j = admin.connect()) {
            for (String line : j.info("server").split("\r?\n")) {
                if (line.startsWith("redis_version:")) {
                    return "redis " + line.substring("redis_version:".length()).trim();
                }
            }
        }
        return "redis";
    }

    private static Map<String, String> args(String[] argv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--help") || argv[i].equals("-h")) {
                System.out.println("usage: scripts/bench-security [--seconds S] [--warmup S] [--rounds N] [--clients 1,8]"
                        + " [--server redis-server]");
                System.exit(0);
            }
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                System.err.println("bench-security: expected --name value pairs, got " + Arrays.toString(argv));
                System.exit(2);
            }
            m.put(argv[i].substring(2), argv[++i]);
        }
        return m;
    }
}
