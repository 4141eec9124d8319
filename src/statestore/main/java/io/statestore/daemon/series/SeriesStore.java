package io.statestore.daemon.series;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Storage of time series in one of two layouts with the same behaviour (docs/series.md): raw
 * samples kept for {@link Retention#raw()}, per-minute buckets (sum, count, min, max) kept for
 * {@link Retention#minute()}. Reading with aggregation is {@link SeriesReader}'s job.
 */
public interface SeriesStore {
    /** {@code timeseries} (the RedisTimeSeries module) or {@code portable} (sorted sets). */
    String layout();

    /** Lists the series as {@code name → description} (creating its entry when new). */
    void register(String name, String description);

    Map<String, String> series();

    /** Adds a sample; a second sample at the same millisecond replaces the first. */
    void add(String name, long time, double value);

    /** Raw samples with {@code from <= time <= to}, oldest first. */
    List<Point> raw(String name, long from, long to);

    /** Per-minute buckets starting in {@code [from, to]}, oldest first. */
    List<Partial> minutes(String name, long from, long to);

    /** The newest raw sample, if any. */
    java.util.Optional<Point> latest(String name);

    /** Samples skipped so far because the document or field was missing or not a number. */
    long skipped(String name);

    /** The time of the oldest raw sample kept, if any. */
    OptionalLong oldestRaw(String name);

    /**
     * Downsamples closed minutes and drops what is past retention, as of the store's clock. The
     * module does this itself on every add; the portable layout needs this call (the sampling job
     * makes it after each run).
     */
    void maintain(String name);
}
