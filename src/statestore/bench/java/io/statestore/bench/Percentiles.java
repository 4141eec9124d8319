package io.statestore.bench;

import java.util.Arrays;

/**
 * Exact latency percentiles: every latency is kept (in nanoseconds) and sorted, then read with
 * the nearest-rank method, so p99 of 100 samples is the 99th smallest. No bucketing, no error.
 */
final class Percentiles {
    private final long[] sorted;

    private Percentiles(long[] sorted) {
        this.sorted = sorted;
    }

    /** Sorts a copy of the first {@code count} values. */
    static Percentiles of(long[] values, int count) {
        long[] copy = Arrays.copyOf(values, count);
        Arrays.sort(copy);
        return new Percentiles(copy);
    }

    int count() {
        return sorted.length;
    }

    /**
     * The nearest-rank percentile: the smallest value with at least {@code p} percent of the
     * samples at or below it; 0 when there are no samples.
     */
    long at(double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
