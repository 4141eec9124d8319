package io.statestore.bench;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * N threads calling one operation back to back (the next call starts when the previous returns)
 * through a warm-up and a measured window; the successes in the window per second, and the CPU
 * each success cost this JVM and the server.
 */
final class ClosedLoop {
    /** One call of client {@code thread}; true when it succeeded, false on a conflict (not an error). */
    interface Call {
        boolean run(int thread, long seq) throws Exception;
    }

    /** A cell's figures (errors: over warm-up and window); the CPU figures are -1 when a clock could not be read. */
    record Result(
            double perSecond,
            long successes,
            long conflicts,
            long errors,
            String firstError,
            double clientMicros,
            double serverMicros) {}

    private ClosedLoop() {}

    static Result run(int threads, long warmupMillis, long measuredMillis, long serverPid, Call call)
            throws InterruptedException {
        LongAdder successes = new LongAdder();
        LongAdder conflicts = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicReference<String> firstError = new AtomicReference<>();
        Thread[] clients = new Thread[threads];
        Flag running = new Flag();
        for (int t = 0; t < threads; t++) {
            int id = t;
            clients[t] = new Thread(
                    () -> {
                        long seq = 0;
                        while (running.on) {
                            try {
                                if (call.run(id, seq++)) {
                                    successes.increment();
                                } else {
                                    conflicts.increment();
                                }
                            } catch (Exception | AssertionError e) {
                                errors.increment();
                                firstError.compareAndSet(null, e.toString());
                                pauseAfterError();
                            }
                        }
                    },
                    "peers-client-" + t);
            clients[t].setDaemon(true);
            clients[t].start();
        }
        CpuClock cpu = new CpuClock(serverPid);
        Thread.sleep(warmupMillis);
        long s0 = successes.sum();
        long c0 = conflicts.sum();
        CpuClock.Reading r0 = cpu.read();
        long t0 = System.nanoTime();
        Thread.sleep(measuredMillis);
        long s1 = successes.sum();
        long c1 = conflicts.sum();
        CpuClock.Reading r1 = cpu.read();
        long t1 = System.nanoTime();
        running.on = false;
        for (Thread c : clients) {
            // a call that never returns (a hung server) must not hang the run: it is an error
            c.join(30_000);
            if (c.isAlive()) {
                errors.increment();
                firstError.compareAndSet(null, c.getName() + ": a call did not return within 30 s of the cell's end");
            }
        }
        long n = s1 - s0;
        return new Result(
                n / ((t1 - t0) / 1e9),
                n,
                c1 - c0,
                errors.sum(),
                firstError.get(),
                perOp(r0.jvm(), r1.jvm(), n),
                perOp(r0.server(), r1.server(), n));
    }

    private static final class Flag {
        volatile boolean on = true;
    }

    private static double perOp(long before, long after, long ops) {
        return before < 0 || after < 0 || ops == 0 ? -1 : (after - before) / 1e3 / ops;
    }

    /** A failing system should not be spun against at full speed; errors are counted and reported. */
    private static void pauseAfterError() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
