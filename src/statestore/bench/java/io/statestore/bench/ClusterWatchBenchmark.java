package io.statestore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ChangeEvent;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.WatchListener;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
import io.statestore.client.spi.SlotTags;
import io.statestore.testing.RedisClusterExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;

/**
 * What a cluster watcher costs each primary (docs/cluster.md, "What a watcher costs"): a real
 * 3-primary cluster with one document in every one of the 16,384 slots; each primary's CPU (INFO
 * cpu, user + sys) over a window without and with a watcher, idle and under a fixed write rate;
 * then commit-to-callback latency across the feed shards beside a standalone server's watcher in
 * the same run (both with appendonly yes, everysec).
 */
@Command(
        name = "cluster-watch",
        description = "Cluster watcher: CPU per primary with/without a watcher, idle and under writes;"
                + " commit->callback latency vs standalone.")
final class ClusterWatchBenchmark implements Callable<Integer> {
    @Mixin
    private HelpOption help;

    @Option(names = "--seconds", defaultValue = "10", description = "Each CPU window (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--rate",
            defaultValue = "500",
            description = "Writes per second under load (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--latency-writes",
            defaultValue = "5000",
            description = "Writes per latency run (default ${DEFAULT-VALUE}).")
    int latencyWrites;

    @Override
    public Integer call() throws Exception {
        System.out.printf("load average at start: %s%n", loadAverage());
        RedisClusterExtension cluster = RedisClusterExtension.threePrimaries();
        cluster.beforeAll(null);
        try (RedisServer standalone = RedisServer.start("redis-server", null, d -> List.of("--appendonly", "yes"))) {
            StateStore cs = StateStore.connect(StateStoreOptions.builder()
                    .uri(cluster.uri())
                    .writer("bench")
                    .build());
            StateStore ss = StateStore.connect(StateStoreOptions.builder()
                    .uri(standalone.uri())
                    .writer("bench")
                    .build());
            List<String> keys = new ArrayList<>(SlotTags.SLOTS);
            for (int s = 0; s < SlotTags.SLOTS; s++) {
                keys.add("{" + SlotTags.tag(s) + "}cw");
            }
            long t0 = System.nanoTime();
            keys.parallelStream().forEach(k -> cs.put(k, Map.of("seq", -2)));
            System.out.printf(
                    "one document in each of %d slots written in %.1f s%n",
                    keys.size(), (System.nanoTime() - t0) / 1e9);
            List<Integer> ports = cluster.primaryPorts();

            System.out.printf(
                    "%nCPU per primary (ms of CPU per second = %% of one core x10), %d s windows:%n", seconds);
            report("idle, no watcher", cpuOver(cluster, ports, () -> sleep(seconds * 1000L)));
            Map<String, Long> seen = new ConcurrentHashMap<>();
            long w0 = System.nanoTime();
            try (Watcher w = cs.watch().watch(WatchOptions.builder().all().build(), recorder(seen))) {
                System.out.printf(
                        "  (watcher with snapshot of %d slots started in %.1f s)%n",
                        keys.size(), (System.nanoTime() - w0) / 1e9);
                report("idle, one watcher", cpuOver(cluster, ports, () -> sleep(seconds * 1000L)));
            }
            report(
                    "writes at " + rate + "/s, no watcher",
                    cpuOver(cluster, ports, () -> write(cs, keys, rate, seconds)));
            try (Watcher w = cs.watch()
                    .watch(WatchOptions.builder().all().snapshot(false).build(), recorder(seen))) {
                report(
                        "writes at " + rate + "/s, one watcher",
                        cpuOver(cluster, ports, () -> write(cs, keys, rate, seconds)));
            }

            System.out.printf(
                    "%ncommit->callback at %d writes/s, %d writes (first 10%% warm-up):%n", rate, latencyWrites);
            for (int round = 0; round < 2; round++) {
                latency("cluster, keys over all 16,384 slots", cs, keys);
                latency("standalone, same keys", ss, keys);
            }
            System.out.printf("load average at end: %s%n", loadAverage());
            cs.close();
            ss.close();
        } finally {
            cluster.afterAll(null);
        }
        return 0;
    }

    private static WatchListener recorder(Map<String, Long> seen) {
        return new WatchListener() {
            @Override
            public void onEvent(ChangeEvent e) {
                seen.put(e.key(), e.revision());
            }
        };
    }

    /** CPU ms each primary used while {@code work} ran, per second of wall time. */
    private static Map<Integer, Double> cpuOver(RedisClusterExtension cluster, List<Integer> ports, Runnable work) {
        Map<Integer, Double> before = new HashMap<>();
        for (int p : ports) {
            before.put(p, cpuSeconds(cluster, p));
        }
        long t = System.nanoTime();
        work.run();
        double wall = (System.nanoTime() - t) / 1e9;
        Map<Integer, Double> out = new HashMap<>();
        for (int p : ports) {
            out.put(p, (cpuSeconds(cluster, p) - before.get(p)) * 1000 / wall);
        }
        return out;
    }

    private static double cpuSeconds(RedisClusterExtension cluster, int port) {
        try (Jedis j = cluster.node(port)) {
            double total = 0;
            for (String line : j.info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    total += Double.parseDouble(line.substring(line.indexOf(':') + 1));
                }
            }
            return total;
        }
    }

    private static void report(String what, Map<Integer, Double> cpu) {
        StringBuilder b = new StringBuilder();
        cpu.forEach((p, ms) -> b.append(String.format("  %d: %5.1f", p, ms)));
        System.out.printf("  %-34s%s ms/s%n", what, b);
    }

    /** Puts at a fixed rate, round robin over the keys (so over every slot). */
    private static void write(StateStore store, List<String> keys, int rate, int seconds) {
        long interval = 1_000_000_000L / rate;
        long n = (long) rate * seconds;
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
            long due = t0 + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            store.put(keys.get((int) (i * 7919 % keys.size())), Map.of("seq", -3));
        }
    }

    private void latency(String what, StateStore store, List<String> keys) throws InterruptedException {
        long[] acked = new long[latencyWrites];
        long[] seen = new long[latencyWrites];
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(latencyWrites);
        WatchListener l = new WatchListener() {
            @Override
            public void onEvent(ChangeEvent e) {
                long now = System.nanoTime();
                JsonNode v = e.change();
                int seq = v == null ? -1 : v.path("seq").asInt(-1);
                if (seq >= 0 && seq < seen.length && seen[seq] == 0) {
                    seen[seq] = now;
                    all.countDown();
                }
            }
        };
        try (Watcher w =
                store.watch().watch(WatchOptions.builder().all().snapshot(false).build(), l)) {
            long interval = 1_000_000_000L / rate;
            long t0 = System.nanoTime();
            for (int seq = 0; seq < latencyWrites; seq++) {
                long due = t0 + seq * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                store.put(keys.get((int) ((long) seq * 7919 % keys.size())), Map.of("seq", seq));
                acked[seq] = System.nanoTime();
            }
            double achieved = latencyWrites / ((System.nanoTime() - t0) / 1e9);
            all.await(20, java.util.concurrent.TimeUnit.SECONDS);
            int warm = latencyWrites / 10;
            long[] d = new long[latencyWrites - warm];
            int c = 0;
            for (int i = warm; i < latencyWrites; i++) {
                if (seen[i] != 0) {
                    d[c++] = Math.max(0, seen[i] - acked[i]);
                }
            }
            Percentiles p = Percentiles.of(d, c);
            System.out.printf(
                    "  %-38s p50 %6.2f ms  p99 %7.2f ms  (%.0f writes/s reached, %d not seen)%n",
                    what, p.at(50) / 1e6, p.at(99) / 1e6, achieved, all.getCount());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
