package io.statestore.bench;

import io.statestore.client.EventBus;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.ConsumeOptions;
import io.statestore.client.events.Subscription;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Events/s published and consumed through statestore's event bus, side by side with raw
 * XADD / XREADGROUP + XACK from the same harness (docs/benchmarks-events.md), and the publish
 * rate of {@link EventFloor} (what the publish contract alone costs the server).
 * Consumers: 4 in one group. Run with {@code scripts/bench-events}, which starts the scratch server.
 *
 * <p>The three publish in turns of a tenth of the events each, the one going first rotating:
 * load from other tenants of the machine comes and goes within a second, and with each side
 * publishing all its events in one block (before round 4) that alone moved the ratio of a run
 * between 32% and 72%.
 */
@Command(
        name = "events",
        description =
                "Events/s published and consumed: statestore's event bus vs raw XADD / XREADGROUP (scripts/bench-events).")
final class EventBenchmark implements Callable<Integer> {
    static final int CONSUMERS = 4;
    static final int SLICES = 10;
    static final String[] NAMES = {"raw", "floor", "statestore"};

    @Mixin
    private HelpOption help;

    @Parameters(
            index = "0",
            paramLabel = "URL",
            defaultValue = "redis://127.0.0.1:6391",
            arity = "0..1",
            description = "A scratch server: every run flushes it (default ${DEFAULT-VALUE}).")
    private String uri;

    @Parameters(
            index = "1",
            paramLabel = "EVENTS",
            defaultValue = "20000",
            arity = "0..1",
            description = "Events per run (default ${DEFAULT-VALUE}).")
    private int events;

    @Parameters(
            index = "2",
            paramLabel = "PUBLISHERS",
            defaultValue = "4",
            arity = "0..1",
            description = "Publisher threads (default ${DEFAULT-VALUE}).")
    private int publishers;

    @Parameters(
            index = "3",
            paramLabel = "RUNS",
            defaultValue = "3",
            arity = "0..1",
            description = "Recorded runs (default ${DEFAULT-VALUE}).")
    private int runs;

    // Two unrecorded rounds: after one, statestore's first recorded run still paid for the
    // JIT (client CPU per event 1.5-3x that of later runs).
    @Parameters(
            index = "4",
            paramLabel = "WARM_ROUNDS",
            defaultValue = "2",
            arity = "0..1",
            description = "Unrecorded warm-up rounds (default ${DEFAULT-VALUE}).")
    private int warmRounds;

    @Override
    public Integer call() throws Exception {
        String payload = "x".repeat(1000);
        URI u = URI.create(uri);
        System.out.printf(
                "events=%d payload=1 KB publishers=%d consumers=%d (one group), publishing in %d alternating turns%n",
                events, publishers, CONSUMERS, SLICES);
        System.out.printf("%-4s %-10s %12s %12s %16s%n", "run", "client", "publish/s", "consume/s", "pub CPU us/ev");
        Medians medians = new Medians();
        try (StateStore store = StateStore.connect(
                        StateStoreOptions.builder().uri(uri).writer("bench").build());
                Publishers pubs = new Publishers(u, publishers)) {
            EventBus bus = store.events();
            Map<String, String> data = Map.of("blob", payload);
            String body = "{\"blob\":\"" + payload + "\"}";
            for (int run = 1 - warmRounds; run <= runs; run++) {
                String label = run <= 0 ? "warm" : Integer.toString(run);
                flush(u);
                try (Jedis j = new Jedis(u.getHost(), u.getPort())) {
                    j.xgroupCreate("raw:bench", "g", new StreamEntryID(0, 0), true);
                    EventFloor.install(j);
                }
                bus.createGroup("bench", "g", "0");
                List<Op> ops = List.of(
                        (j, i) -> j.xadd("raw:bench", XAddParams.xAddParams(), Map.of("type", "bench", "data", body)),
                        (j, i) -> EventFloor.publish(j, "f-" + i, "bench", "bench", System.currentTimeMillis(), body),
                        (j, i) -> bus.publish("bench", "bench", data));
                double[][] pub = pubs.interleaved(events, ops);
                double rawConsume = rawConsume(u, events);
                double ssConsume = statestoreConsume(bus, events);
                double[] raw = pub[0];
                double[] floor = pub[1];
                double[] ss = pub[2];
                System.out.printf(
                        "%-4s %-10s %12.0f %12.0f %16s%n", label, "raw", raw[0], rawConsume, cpu(raw, events));
                System.out.printf(
                        "%-4s %-10s %12.0f %12s %16s   (%.0f%% of raw)%n",
                        label, "floor", floor[0], "-", cpu(floor, events), 100 * floor[0] / raw[0]);
                System.out.printf(
                        "%-4s %-10s %12.0f %12.0f %16s   (%.0f%% / %.0f%% of raw; publish %.0f%% of floor)%n",
                        label,
                        "statestore",
                        ss[0],
                        ssConsume,
                        cpu(ss, events),
                        100 * ss[0] / raw[0],
                        100 * ssConsume / rawConsume,
                        100 * ss[0] / floor[0]);
                if (run > 0) {
                    medians.add(raw[0], floor[0], ss[0], rawConsume, ssConsume);
                }
            }
        }
        medians.print();
        return 0;
    }

    /** The medians of the recorded runs: the figures to quote, since single runs swing with the machine's load. */
    static final class Medians {
        final List<Double> publish = new ArrayList<>();
        final List<Double> consume = new ArrayList<>();
        final List<Double> floor = new ArrayList<>();
        final List<Double> ofFloor = new ArrayList<>();
        final List<Double> rawRate = new ArrayList<>();
        final List<Double> ssRate = new ArrayList<>();

        void add(double raw, double floorRate, double ss, double rawConsume, double ssConsume) {
            publish.add(ss / raw);
            consume.add(ssConsume / rawConsume);
            floor.add(floorRate / raw);
            ofFloor.add(ss / floorRate);
            rawRate.add(raw);
            ssRate.add(ss);
        }

        void print() {
            double pub = median(publish);
            System.out.printf(
                    "median of %d runs: publish %.0f%% of raw (target >= 50%%: %s), consume %.0f%% of raw;"
                            + " median publish/s %.0f statestore, %.0f raw (%.0f%%)%n",
                    publish.size(),
                    100 * pub,
                    pub >= 0.5 ? "PASS" : "FAIL",
                    100 * median(consume),
                    median(ssRate),
                    median(rawRate),
                    100 * median(ssRate) / median(rawRate));
            System.out.printf(
                    "median floor: %.0f%% of raw; statestore publish %.0f%% of the floor%n",
                    100 * median(floor), 100 * median(ofFloor));
        }
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> v = new ArrayList<>(values);
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /** CPU time per published event in the publish phase: "client+server" in microseconds. */
    private static String cpu(double[] r, int events) {
        return String.format("%.0f+%.0f", r[1] / events / 1e3, r[2] / events / 1e3);
    }

    /** CPU time of this JVM, ns (all threads: publishers, GC, JIT). */
    private static long clientCpu() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time of the Redis server (user + sys), ns, from INFO cpu. */
    private static long serverCpu(Jedis j) {
        double s = 0;
        for (String line : j.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                s += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return (long) (s * 1e9);
    }

    private static void flush(URI u) {
        try (Jedis j = new Jedis(u.getHost(), u.getPort())) {
            j.flushAll();
        }
    }

    /** One publish: the publisher thread's own connection (raw and floor use it) and the event's index. */
    interface Op {
        void run(Jedis own, int i) throws Exception;
    }

    /**
     * The publisher threads, each with its own connection (as a raw client would have; statestore
     * uses its pool instead), kept across turns and runs so no turn pays for connecting.
     */
    static final class Publishers implements AutoCloseable {
        private final URI u;
        private final int threads;
        private final ExecutorService pool;
        private final List<Jedis> opened = new CopyOnWriteArrayList<>();
        private final ThreadLocal<Jedis> own;
        private final Jedis admin;

        Publishers(URI u, int threads) {
            this.u = u;
            this.threads = threads;
            this.pool = Executors.newFixedThreadPool(threads);
            this.own = ThreadLocal.withInitial(() -> {
                Jedis j = new Jedis(u.getHost(), u.getPort());
                opened.add(j);
                return j;
            });
            this.admin = new Jedis(u.getHost(), u.getPort());
        }

        /**
         * Publishes {@code events} through each op in {@link #SLICES} turns; in turn s the op
         * (s mod n) goes first. Per op: {events/s over its own turns, client ns, server ns}.
         */
        double[][] interleaved(int events, List<Op> ops) throws Exception {
            int n = ops.size();
            long[] nanos = new long[n];
            long[] client = new long[n];
            long[] server = new long[n];
            for (int s = 0; s < SLICES; s++) {
                int from = (int) ((long) events * s / SLICES);
                int to = (int) ((long) events * (s + 1) / SLICES);
                for (int k = 0; k < n; k++) {
                    int c = (s + k) % n;
                    long c0 = clientCpu();
                    long s0 = serverCpu(admin);
                    long t0 = System.nanoTime();
                    run(from, to, ops.get(c));
                    nanos[c] += System.nanoTime() - t0;
                    client[c] += clientCpu() - c0;
                    server[c] += serverCpu(admin) - s0;
                }
            }
            double[][] r = new double[n][];
            for (int c = 0; c < n; c++) {
                r[c] = new double[] {events / (nanos[c] / 1e9), client[c], server[c]};
            }
            return r;
        }

        private void run(int from, int to, Op op) throws Exception {
            AtomicLong next = new AtomicLong(from);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    Jedis j = own.get();
                    long i;
                    while ((i = next.getAndIncrement()) < to) {
                        op.run(j, (int) i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }

        @Override
        public void close() {
            pool.shutdownNow();
            opened.forEach(Jedis::close);
            admin.close();
        }
    }

    private static double statestoreConsume(EventBus bus, int events) throws Exception {
        CountDownLatch all = new CountDownLatch(events);
        long t0 = System.nanoTime();
        List<Subscription> subs = new ArrayList<>();
        ConsumeOptions opts = ConsumeOptions.builder()
                .batchSize(100)
                .block(Duration.ofMillis(100))
                .build();
        for (int c = 0; c < CONSUMERS; c++) {
            subs.add(bus.consume(List.of("bench"), "g", "c" + c, e -> all.countDown(), opts));
        }
        all.await();
        double rate = events / ((System.nanoTime() - t0) / 1e9);
        for (Subscription s : subs) {
            s.close();
        }
        return rate;
    }

    private static double rawConsume(URI u, int events) throws Exception {
        String stream = "raw:bench";
        AtomicLong consumed = new AtomicLong();
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
            String name = "c" + c;
            Thread t = new Thread(() -> {
                try (Jedis j = new Jedis(u.getHost(), u.getPort())) {
                    while (consumed.get() < events) {
                        var got = j.xreadGroup(
                                "g",
                                name,
                                XReadGroupParams.xReadGroupParams().count(100).block(100),
                                Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                        if (got == null) {
                            continue;
                        }
                        for (var s : got) {
                            List<StreamEntryID> ids = new ArrayList<>();
                            for (StreamEntry e : s.getValue()) {
                                ids.add(e.getID());
                            }
                            j.xack(stream, "g", ids.toArray(new StreamEntryID[0]));
                            consumed.addAndGet(ids.size());
                        }
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return events / ((System.nanoTime() - t0) / 1e9);
    }
}
