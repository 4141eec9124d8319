package io.statestore.bench;

/**
 * What one system achieved on one workload.
 *
 * @param ops       operations completed in the measured window
 * @param seconds   length of the measured window
 * @param p50Nanos  median latency
 * @param p99Nanos  99th percentile latency
 * @param errors    operations that threw (not counted in {@code ops})
 */
record CellResult(long ops, double seconds, long p50Nanos, long p99Nanos, long errors) {

    double opsPerSecond() {
        return seconds <= 0 ? 0 : ops / seconds;
    }
}
