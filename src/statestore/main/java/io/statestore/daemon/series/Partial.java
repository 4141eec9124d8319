package io.statestore.daemon.series;

/**
 * What is kept of a bucket of samples so that any aggregation of coarser buckets stays exact:
 * sum, count, min and max (an average of averages would not be).
 */
public record Partial(long start, double sum, long count, double min, double max) {
    public static Partial of(Point p) {
        return new Partial(p.time(), p.value(), 1, p.value(), p.value());
    }

    /** This bucket and {@code other} as one bucket starting at {@code start}. */
    public Partial plus(Partial other, long start) {
        return new Partial(
                start, sum + other.sum, count + other.count, Math.min(min, other.min), Math.max(max, other.max));
    }
}
