package io.statestore.daemon.series;

import io.statestore.client.InvalidInputException;
import io.statestore.client.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Reads a series over a time range, aggregated or raw, the same way on both layouts. An
 * aggregated range takes the minute buckets before the oldest kept raw minute and the raw samples
 * from there on, and combines them per output bucket: the answer is exact wherever raw samples are
 * kept, and at minute resolution before that.
 */
public final class SeriesReader {
    private final SeriesStore store;

    public SeriesReader(SeriesStore store) {
        this.store = store;
    }

    /** {@code aggregation} null: the raw samples. A series nobody registered is a {@link NotFoundException}. */
    public List<Point> range(String name, long from, long to, Aggregation aggregation) {
        SeriesKeys.checkName(name);
        if (from > to) {
            throw new InvalidInputException("the range starts after it ends (from " + from + " > to " + to + ")");
        }
        if (!store.series().containsKey(name)) {
            throw new NotFoundException(name, "no series named \"" + name + "\" (statestore ts ls lists them)");
        }
        if (aggregation == null) {
            return store.raw(name, from, to);
        }
        OptionalLong oldest = store.oldestRaw(name);
        // raw is trimmed at minute boundaries, so the minute of the oldest raw sample is whole in raw
        long cutoff = oldest.isPresent() ? Retention.minuteOf(oldest.getAsLong()) : Long.MAX_VALUE;
        TreeMap<Long, Partial> buckets = new TreeMap<>();
        if (from < cutoff) {
            for (Partial m : store.minutes(name, from, Math.min(to, cutoff - 1))) {
                fold(buckets, aggregation, m);
            }
        }
        if (to >= cutoff) {
            for (Point p : store.raw(name, Math.max(from, cutoff), to)) {
                fold(buckets, aggregation, Partial.of(p));
            }
        }
        List<Point> out = new ArrayList<>(buckets.size());
        buckets.forEach(
                (start, b) -> out.add(new Point(start, aggregation.kind().of(b))));
        return out;
    }

    private static void fold(TreeMap<Long, Partial> buckets, Aggregation aggregation, Partial p) {
        long start = aggregation.bucketOf(p.start());
        buckets.merge(start, new Partial(start, p.sum(), p.count(), p.min(), p.max()), (a, b) -> a.plus(b, start));
    }
}
