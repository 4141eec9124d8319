package io.statestore.bench;

/**
 * What one system achieved on one workload.
 *
 * @param ops           operations completed in the measured window
 * @param seconds       length of the measured window
 * @param p50Nanos      median latency
 * @param p99Nanos      99th percentile latency
 * @param errors        operations that threw (not counted in {@code ops})
 * @param clientCpuNs   JVM CPU (all threads) per operation over the measured window, NaN if unknown
 * @param serverCpuNs   redis-server CPU per operation, likewise; NaN if unknown or not used
 */
record CellResult(
        long ops, double seconds, long p50Nanos, long p99Nanos, long errors, double clientCpuNs, double serverCpuNs) {

    double opsPerSecond() {
        return seconds <= 0 ? 0 : ops / seconds;
    }

    /** Client plus server CPU per operation in microseconds (the client's alone when the server's is unknown). */
    double cpuMicros() {
        return ((Double.isNaN(serverCpuNs) ? 0 : serverCpuNs) + clientCpuNs) / 1000;
    }
}
