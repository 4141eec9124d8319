package io.statestore.daemon.series;

/** One sample, or one aggregated bucket: epoch milliseconds and a value. */
public record Point(long time, double value) {}
