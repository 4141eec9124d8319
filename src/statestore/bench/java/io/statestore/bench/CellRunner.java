package io.statestore.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one contender on one workload: one thread per client, each calling its update in a
 * closed loop (next call when the previous returns). Calls started during the warm-up are not
 * recorded; the measured window ends after {@code seconds} or when each client has done its
 * share of {@code maxOps}, whichever comes first.
 */
final class CellRunner {
    private final double warmupSeconds;
    private final double seconds;
    private final long maxOps;

    private final CpuClock cpu;

    CellRunner(double warmupSeconds, double seconds, long maxOps, CpuClock cpu) {
        this.warmupSeconds = warmupSeconds;
        this.seconds = seconds;
        this.maxOps = maxOps;
        this.cpu = cpu;
    }

    CellResult run(Contender contender, Workload w) throws Exception {
        contender.prepare(w);
        int clients = w.clients();
        long perClient = Math.max(1, maxOps / clients);
        List<LatencyLog> logs = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        AtomicLong lastFinish = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            LatencyLog log = new LatencyLog();
            logs.add(log);
            ClientOp op = contender.client(w, c);
            Thread t = new Thread(
                    () -> {
                        ready.countDown();
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        long measureFrom = window[0];
                        long end = window[1];
                        long seq = 0;
                        while (log.size() < perClient) {
                            long t0 = System.nanoTime();
                            if (t0 >= end) {
                                break;
                            }
                            try {
                                op.run(++seq);
                            } catch (Exception | Error e) {
                                errors.incrementAndGet();
                                firstError.compareAndSet(null, e);
                                continue;
                            }
                            long t1 = System.nanoTime();
                            if (t0 >= measureFrom) {
                                log.add(t1 - t0);
                            }
                        }
                        lastFinish.accumulateAndGet(System.nanoTime(), Math::max);
                    },
                    "bench-" + contender.name() + "-" + c);
            threads.add(t);
            t.start();
        }
        ready.await();
        long start = System.nanoTime();
        window[0] = start + (long) (warmupSeconds * 1e9);
        window[1] = window[0] + (long) (seconds * 1e9);
        go.countDown();
        // CPU is read over the measured window only, so the warm-up's JIT compiling stays out.
        long untilWindow = window[0] - System.nanoTime();
        if (untilWindow > 0) {
            Thread.sleep(untilWindow / 1_000_000, (int) (untilWindow % 1_000_000));
        }
        CpuClock.Reading before = cpu.read();
        for (Thread t : threads) {
            t.join();
        }
        CpuClock.Reading after = cpu.read();
        if (firstError.get() != null) {
            System.err.println("  " + contender.name() + " " + w.label() + ": " + errors.get()
                    + " failed calls, first: " + firstError.get());
        }
        long[] all = LatencyLog.concat(logs);
        Percentiles p = Percentiles.of(all, all.length);
        double measured = Math.max(0, lastFinish.get() - window[0]) / 1e9;
        return new CellResult(
                all.length,
                measured,
                p.at(50),
                p.at(99),
                errors.get(),
                perOp(before.jvm(), after.jvm(), all.length),
                contender.usesServer() ? perOp(before.server(), after.server(), all.length) : Double.NaN);
    }

    private static double perOp(long before, long after, long ops) {
        return before < 0 || after < 0 || ops == 0 ? Double.NaN : (after - before) / (double) ops;
    }
}
