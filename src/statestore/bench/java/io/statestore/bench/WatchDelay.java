package io.statestore.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Commit-to-callback delay: one writer puts documents at a fixed rate over 100 keys of a group,
 * a watcher on the group notes when each reaches its callback; the delay is from the writer's
 * acknowledgement (the change is committed) to the callback, as in WatchBenchmark, so the
 * systems are compared on what happens after the commit. The first 10% are warm-up.
 */
final class WatchDelay {
    /** p50 and p99 in nanoseconds (of the changes that arrived), the rate reached, and how many changes never arrived. */
    record Result(long p50, long p99, double rate, int missing) {}

    private static final String GROUP = "w";
    private static final int KEYS = 100;

    private WatchDelay() {}

    static Result run(Peer peer, ObjectNode template, int rate, long millis) throws Exception {
        int n = (int) (rate * millis / 1000);
        long[] acked = new long[n];
        long[] seen = new long[n];
        CountDownLatch all = new CountDownLatch(n);
        CountDownLatch probed = new CountDownLatch(1);
        ObjectNode doc = template.deepCopy();
        try (AutoCloseable watch = peer.watch(GROUP, value -> {
            long now = System.nanoTime();
            int seq = value.path("seq").asInt(Integer.MIN_VALUE);
            if (seq == -1) {
                probed.countDown();
            } else if (seq >= 0 && seq < n && seen[seq] == 0) {
                seen[seq] = now;
                all.countDown();
            }
        })) {
            awaitSubscribed(peer, doc, probed);
            long interval = 1_000_000_000L / rate;
            long t0 = System.nanoTime();
            for (int seq = 0; seq < n; seq++) {
                long due = t0 + seq * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                doc.put("seq", seq);
                peer.put(GROUP + "." + (seq % KEYS), doc);
                acked[seq] = System.nanoTime();
            }
            double achieved = n / ((System.nanoTime() - t0) / 1e9);
            all.await(10, TimeUnit.SECONDS);
            int warmup = n / 10;
            long[] delays = new long[n - warmup];
            int count = 0;
            for (int i = warmup; i < n; i++) {
                if (seen[i] != 0) {
                    // The callback may run before the writer's thread sees its reply: that is no delay.
                    delays[count++] = Math.max(0, seen[i] - acked[i]);
                }
            }
            Percentiles p = Percentiles.of(delays, count);
            return new Result(p.at(50), p.at(99), achieved, (int) all.getCount());
        }
    }

    /** Some watches start asynchronously: probe documents (seq -1) until one arrives, so the measured writes are all seen. */
    private static void awaitSubscribed(Peer peer, ObjectNode doc, CountDownLatch probed) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        doc.put("seq", -1);
        do {
            peer.put(GROUP + ".probe", doc);
            if (probed.await(100, TimeUnit.MILLISECONDS)) {
                return;
            }
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException(peer.name() + ": the watch saw no change within 20 s of subscribing");
    }
}
