package io.statestore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ChangeEvent;
import io.statestore.client.Document;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StrictJson;
import io.statestore.client.WatchListener;
import io.statestore.client.WatchOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;

/**
 * Watch latency and history overhead (docs/benchmarks-watch.md). Run with scripts/bench-watch.
 *
 * <p>Latency: one writer commits puts at a fixed rate; a watcher on their prefix records when each
 * change reaches its callback. Reported from the writer's acknowledgement (commit) to the
 * callback, and from the start of the write call to the callback (upper bound).
 *
 * <p>History overhead: the same put workload with history off and with N versions kept,
 * alternating, in the same run.
 */
@Command(
        name = "watch",
        description = "Watch latency (commit to callback) and what history costs puts (scripts/bench-watch).")
final class WatchBenchmark implements Callable<Integer> {
    @Mixin
    private HelpOption help;

    @Option(
            names = "--redis",
            paramLabel = "URL",
            defaultValue = "redis://127.0.0.1:6379",
            description =
                    "The server to write to (default ${DEFAULT-VALUE}); scripts/bench-watch starts one when not given.")
    private String uri;

    @Option(
            names = "--rate",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Updates per second (default ${DEFAULT-VALUE}).")
    private int rate;

    @Option(
            names = "--seconds",
            paramLabel = "N",
            defaultValue = "20",
            description = "Seconds of updates (default ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(
            names = "--history",
            paramLabel = "N",
            defaultValue = "20",
            description = "Versions kept in the history round (default ${DEFAULT-VALUE}).")
    private int historyN;

    @Option(
            names = "--ops",
            paramLabel = "N",
            defaultValue = "20000",
            description = "Puts per throughput round (default ${DEFAULT-VALUE}).")
    private int ops;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "4",
            description = "Threads sharing the puts (default ${DEFAULT-VALUE}).")
    private int threads;

    @Option(
            names = "--floor",
            description = "Also measure, alternating with the watcher (2 rounds each), a bare reader: one thread"
                    + " in an XREAD BLOCK loop on the feed that parses each change, the least any feed-based watch can do; and the same"
                    + " reader with the watcher's pipelined gap check.")
    private boolean floor;

    @Option(names = "--no-history", description = "Skip the history overhead rounds.")
    private boolean noHistory;

    @Override
    public Integer call() throws Exception {
        System.out.printf(
                "watch benchmark against %s: %d updates/s for %d s; history overhead with N=%d, %d puts x %d threads%n",
                uri, rate, seconds, historyN, ops, threads);
        System.out.println("load average at start " + PeersBenchmark.loadAverage());
        latency(uri, rate, seconds, Reader.WATCHER);
        if (floor) {
            latency(uri, rate, seconds, Reader.BARE);
            latency(uri, rate, seconds, Reader.BARE_WITH_CHECK);
            latency(uri, rate, seconds, Reader.WATCHER);
            latency(uri, rate, seconds, Reader.BARE);
            latency(uri, rate, seconds, Reader.BARE_WITH_CHECK);
        }
        if (!noHistory) {
            historyOverhead(uri, historyN, ops, threads);
        }
        System.out.println("load average at end " + PeersBenchmark.loadAverage());
        return 0;
    }

    /** Who reads the changes in a latency round. */
    private enum Reader {
        WATCHER(" (statestore watcher)"),
        BARE(" (bare XREAD reader, the floor)"),
        BARE_WITH_CHECK(" (bare XREAD reader with the watcher's gap check)");

        private final String title;

        Reader(String title) {
            this.title = title;
        }
    }

    private static void latency(String uri, int rate, int seconds, Reader who) throws Exception {
        int n = rate * seconds;
        int warmup = Math.min(n / 10, 2 * rate);
        long[] start = new long[n];
        long[] acked = new long[n];
        long[] seen = new long[n];
        CountDownLatch all = new CountDownLatch(n);
        CountDownLatch ready = new CountDownLatch(1);
        String prefix = "bench:lat:" + System.nanoTime() + ":";
        try (StateStore writer = StateStore.connect(StateStoreOptions.builder()
                        .uri(uri)
                        .writer("bench-writer")
                        .build());
                StateStore reader = StateStore.connect(StateStoreOptions.builder()
                        .uri(uri)
                        .writer("bench-watch")
                        .build())) {
            WatchListener l = new WatchListener() {
                @Override
                public void onSnapshot(List<Document<JsonNode>> documents, String position) {
                    ready.countDown();
                }

                @Override
                public void onEvent(ChangeEvent e) {
                    long now = System.nanoTime();
                    int seq = e.change().get("seq").asInt();
                    seen[seq] = now;
                    all.countDown();
                }
            };
            try (AutoCloseable w = who != Reader.WATCHER
                    ? FeedFloor.start(
                            uri,
                            "ss:feed",
                            who == Reader.BARE_WITH_CHECK,
                            (seq, now) -> {
                                seen[seq] = now;
                                all.countDown();
                            },
                            ready::countDown)
                    : reader.watch().watch(WatchOptions.builder().prefix(prefix).build(), l)) {
                ready.await(10, TimeUnit.SECONDS);
                long t0 = System.nanoTime();
                long interval = 1_000_000_000L / rate;
                for (int seq = 0; seq < n; seq++) {
                    long due = t0 + seq * interval;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    start[seq] = System.nanoTime();
                    writer.put(
                            prefix + (seq % 100),
                            StrictJson.parse("{\"seq\":" + seq + ",\"v\":\"" + "x".repeat(64) + "\"}"));
                    acked[seq] = System.nanoTime();
                }
                double achieved = n / ((System.nanoTime() - t0) / 1e9);
                if (!all.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("watcher missed changes: " + all.getCount() + " not seen");
                }
                long[] fromAck = new long[n - warmup];
                long[] fromStart = new long[n - warmup];
                long[] write = new long[n - warmup];
                for (int i = warmup; i < n; i++) {
                    write[i - warmup] = acked[i] - start[i];
                    fromAck[i - warmup] = Math.max(0, seen[i] - acked[i]);
                    fromStart[i - warmup] = seen[i] - start[i];
                }
                System.out.printf(
                        "latency%s: %d updates at %.0f/s (first %d excluded as warm-up)%n",
                        who.title, n, achieved, warmup);
                System.out.println("  commit (write acknowledged) -> callback: " + summary(fromAck));
                System.out.println("  write call started -> callback:          " + summary(fromStart));
                System.out.println("  for scale, the put round trip itself:    " + summary(write));
            }
        }
    }

    private static void historyOverhead(String uri, int historyN, int ops, int threads) throws Exception {
        List<String> rows = new ArrayList<>();
        double[] without = new double[2];
        double[] with = new double[2];
        for (int round = 0; round < 2; round++) {
            without[round] = throughput(uri, 0, ops, threads, round);
            lastUsecPerCall[0] = fcallMicros(uri);
            with[round] = throughput(uri, historyN, ops, threads, round);
            lastUsecPerCall[1] = fcallMicros(uri);
            rows.add(String.format(
                    "  round %d: history off %.0f puts/s (%.1f us/call in Redis), history N=%d %.0f puts/s (%.1f us/call)",
                    round + 1, without[round], lastUsecPerCall[0], historyN, with[round], lastUsecPerCall[1]));
        }
        rows.forEach(System.out::println);
        double off = (without[0] + without[1]) / 2;
        double on = (with[0] + with[1]) / 2;
        System.out.printf("history overhead: %.0f -> %.0f puts/s (%.1f%%)%n", off, on, 100.0 * (off - on) / off);
    }

    private static final double[] lastUsecPerCall = new double[2];

    /** Redis's own time per FCALL since the last reset (INFO commandstats), then resets the counters. */
    private static double fcallMicros(String uri) {
        try (Jedis j = new Jedis(java.net.URI.create(uri))) {
            double v = 0;
            for (String line : j.info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_fcall:")) {
                    for (String part : line.substring(line.indexOf(':') + 1).split(",")) {
                        if (part.startsWith("usec_per_call=")) {
                            v = Double.parseDouble(part.substring("usec_per_call=".length()));
                        }
                    }
                }
            }
            j.configResetStat();
            return v;
        }
    }

    private static double throughput(String uri, int historyN, int ops, int threads, int round) throws Exception {
        fcallMicros(uri);
        String prefix = "bench:tp:" + historyN + ":" + round + ":";
        try (StateStore store = StateStore.connect(StateStoreOptions.builder()
                .uri(uri)
                .writer("bench")
                .historyLength(historyN)
                .build())) {
            String doc =
                    "{\"name\":\"entity\",\"n\":12345678901234567890,\"tags\":[],\"text\":\"" + "y".repeat(160) + "\"}";
            JsonNode value = StrictJson.parse(doc);
            for (int i = 0; i < 1000; i++) {
                store.put(prefix + "warm:" + (i % 50), value);
            }
            List<Thread> ts = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    for (int i = 0; i < ops / threads; i++) {
                        store.put(prefix + id + ":" + (i % 500), value);
                    }
                });
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
            return (ops / threads * threads) / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static String summary(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format(
                "p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms",
                ms(s, 0.50), ms(s, 0.99), ms(s, 0.999), s[s.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
    }
}
