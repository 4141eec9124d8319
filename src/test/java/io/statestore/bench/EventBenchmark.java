package io.statestore.bench;

import io.statestore.client.EventBus;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.ConsumeOptions;
import io.statestore.client.events.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Events/s published and consumed through statestore's event bus, side by side with raw
 * XADD / XREADGROUP + XACK from the same harness (docs/benchmarks-events.md).
 * Args: redis URL (a scratch server: it is flushed), events per run (default 20000),
 * publisher threads (default 4), runs (default 3), unrecorded warm-up rounds (default 2).
 * Consumers: 4 in one group.
 */
public final class EventBenchmark {
    static final int CONSUMERS = 4;

    private EventBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : "redis://127.0.0.1:6391";
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int publishers = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        // Two unrecorded rounds: after one, statestore's first recorded run still paid for the
        // JIT (client CPU per event 1.5-3x that of later runs).
        int warmRounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        String payload = "x".repeat(1000);
        java.net.URI u = java.net.URI.create(uri);
        System.out.printf("events=%d payload=1 KB publishers=%d consumers=%d (one group)%n", events, publishers, CONSUMERS);
        System.out.printf("%-4s %-10s %12s %12s %16s%n", "run", "client", "publish/s", "consume/s", "pub CPU us/ev");
        List<Double> publishRatios = new ArrayList<>();
        List<Double> consumeRatios = new ArrayList<>();
        List<Double> rawPublish = new ArrayList<>();
        List<Double> ssPublish = new ArrayList<>();
        try (StateStore store = StateStore.connect(StateStoreOptions.builder().uri(uri).writer("bench").build())) {
            for (int run = 1 - warmRounds; run <= runs; run++) {
                String label = run <= 0 ? "warm" : Integer.toString(run);
                flush(u);
                double[] raw = raw(u, events, publishers, payload);
                flush(u);
                double[] ss = statestore(u, store.events(), events, publishers, payload);
                System.out.printf("%-4s %-10s %12.0f %12.0f %16s%n", label, "raw", raw[0], raw[1], cpu(raw, events));
                System.out.printf("%-4s %-10s %12.0f %12.0f %16s   (%.0f%% / %.0f%% of raw)%n", label, "statestore", ss[0], ss[1],
                        cpu(ss, events), 100 * ss[0] / raw[0], 100 * ss[1] / raw[1]);
                if (run > 0) {
                    publishRatios.add(ss[0] / raw[0]);
                    consumeRatios.add(ss[1] / raw[1]);
                    rawPublish.add(raw[0]);
                    ssPublish.add(ss[0]);
                }
            }
        }
        // The runs swing with the machine's load; the median of the recorded runs is the figure to quote.
        double pub = median(publishRatios);
        System.out.printf("median of %d runs: publish %.0f%% of raw (target >= 50%%: %s), consume %.0f%% of raw;"
                        + " median publish/s %.0f statestore, %.0f raw (%.0f%%)%n",
                publishRatios.size(), 100 * pub, pub >= 0.5 ? "PASS" : "FAIL", 100 * median(consumeRatios),
                median(ssPublish), median(rawPublish), 100 * median(ssPublish) / median(rawPublish));
    }

    private static double median(List<Double> values) {
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
        return String.format("%.0f+%.0f", r[2] / events / 1e3, r[3] / events / 1e3);
    }

    /** CPU time of this JVM, ns (all threads: publishers, GC, JIT). */
    private static long clientCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time of the Redis server (user + sys), ns, from INFO cpu. */
    private static long serverCpu(java.net.URI u) {
        try (Jedis j = new Jedis(u.getHost(), u.getPort())) {
            double s = 0;
            for (String line : j.info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    s += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return (long) (s * 1e9);
        }
    }

    /** Publish rate and the CPU it took: {events/s, client ns, server ns}. */
    private static double[] measuredPublish(java.net.URI u, int threads, int events, Op op) throws Exception {
        long c0 = clientCpu();
        long s0 = serverCpu(u);
        double rate = parallel(threads, events, op);
        return new double[] {rate, clientCpu() - c0, serverCpu(u) - s0};
    }

    private static void flush(java.net.URI u) {
        try (Jedis j = new Jedis(u.getHost(), u.getPort())) {
            j.flushAll();
        }
    }

    private static double[] statestore(java.net.URI u, EventBus bus, int events, int publishers, String payload) throws Exception {
        Map<String, String> data = Map.of("blob", payload);
        bus.createGroup("bench", "g", "0");
        double[] pub = measuredPublish(u, publishers, events, i -> bus.publish("bench", "bench", data));
        CountDownLatch all = new CountDownLatch(events);
        long t0 = System.nanoTime();
        List<Subscription> subs = new ArrayList<>();
        ConsumeOptions opts = ConsumeOptions.builder().batchSize(100).block(Duration.ofMillis(100)).build();
        for (int c = 0; c < CONSUMERS; c++) {
            subs.add(bus.consume(List.of("bench"), "g", "c" + c, e -> all.countDown(), opts));
        }
        all.await();
        double cons = events / ((System.nanoTime() - t0) / 1e9);
        for (Subscription s : subs) {
            s.close();
        }
        return new double[] {pub[0], cons, pub[1], pub[2]};
    }

    private static double[] raw(java.net.URI u, int events, int publishers, String payload) throws Exception {
        String stream = "raw:bench";
        String body = "{\"blob\":\"" + payload + "\"}";
        ThreadLocal<Jedis> conns = ThreadLocal.withInitial(() -> new Jedis(u.getHost(), u.getPort()));
        try (Jedis j = new Jedis(u.getHost(), u.getPort())) {
            j.xgroupCreate(stream, "g", new StreamEntryID(0, 0), true);
        }
        double[] pub = measuredPublish(u, publishers, events, i -> conns.get().xadd(stream, XAddParams.xAddParams(),
                Map.of("type", "bench", "data", body)));
        AtomicLong consumed = new AtomicLong();
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
            String name = "c" + c;
            Thread t = new Thread(() -> {
                try (Jedis j = new Jedis(u.getHost(), u.getPort())) {
                    while (consumed.get() < events) {
                        var got = j.xreadGroup("g", name, XReadGroupParams.xReadGroupParams().count(100).block(100),
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
        double cons = events / ((System.nanoTime() - t0) / 1e9);
        return new double[] {pub[0], cons, pub[1], pub[2]};
    }

    interface Op {
        void run(int i) throws Exception;
    }

    private static double parallel(int threads, int events, Op op) throws Exception {
        AtomicLong next = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        List<Exception> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                long i;
                while ((i = next.getAndIncrement()) < events) {
                    try {
                        op.run((int) i);
                    } catch (Exception e) {
                        errors.add(e);
                        return;
                    }
                }
            });
            th.start();
            ts.add(th);
        }
        for (Thread th : ts) {
            th.join();
        }
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
        return events / ((System.nanoTime() - t0) / 1e9);
    }
}
