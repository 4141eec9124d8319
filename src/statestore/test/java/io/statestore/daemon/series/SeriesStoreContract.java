package io.statestore.daemon.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.NotFoundException;
import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour both layouts share, against a real server and a fake clock. Every step that
 * moves the clock also adds a sample at the new time: the module compacts and trims on add
 * (relative to the newest sample), the portable layout on {@code maintain} (relative to the clock);
 * with a sample at "now" the two agree.
 */
abstract class SeriesStoreContract {
    static final long MIN = 60_000L;
    /** A minute boundary, so that bucket arithmetic in the expectations stays readable. */
    static final long T0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

    final FakeClock clock = new FakeClock(Instant.ofEpochMilli(T0));
    RedisAdmin admin;
    SeriesStore store;
    SeriesReader reader;

    abstract RedisServerExtension redis();

    abstract String expectedLayout();

    @BeforeEach
    void open() {
        redis().flushAll();
        admin = new RedisAdmin(StateStoreOptions.of(redis().uri()));
        store = SeriesStores.open(admin, "ss:", new Retention(Duration.ofDays(1), Duration.ofDays(30)), clock);
        reader = new SeriesReader(store);
        store.register("q", "test series");
    }

    @AfterEach
    void close() {
        admin.close();
    }

    /** Adds a sample at the clock's time after moving it to {@code t}, then maintains. */
    private void sampleAt(long t, double v) {
        clock.set(Instant.ofEpochMilli(t));
        store.add("q", t, v);
        store.maintain("q");
    }

    @Test
    void picksTheLayoutTheServerSupports() {
        assertEquals(expectedLayout(), store.layout());
    }

    @Test
    void rawSamplesComeBackInOrderAndASecondSampleAtTheSameTimeReplacesTheFirst() {
        store.add("q", T0 + 2000, 2);
        store.add("q", T0 + 1000, 1.5);
        store.add("q", T0 + 3000, 3);
        store.add("q", T0 + 3000, 4);
        assertEquals(
                List.of(new Point(T0 + 1000, 1.5), new Point(T0 + 2000, 2), new Point(T0 + 3000, 4)),
                store.raw("q", T0, T0 + 10_000));
        assertEquals(List.of(new Point(T0 + 2000, 2)), store.raw("q", T0 + 1500, T0 + 2500));
    }

    @Test
    void closedMinutesAreDownsampledToSumCountMinMax() {
        // minute 0: 1, 2, 6; minute 1: 10; minute 2 (still open): 7
        store.add("q", T0 + 1_000, 1);
        store.add("q", T0 + 20_000, 2);
        store.add("q", T0 + 59_999, 6);
        store.add("q", T0 + MIN + 5_000, 10);
        sampleAt(T0 + 2 * MIN + 1_000, 7);
        List<Partial> minutes = store.minutes("q", T0, T0 + 10 * MIN);
        assertEquals(List.of(new Partial(T0, 9, 3, 1, 6), new Partial(T0 + MIN, 10, 1, 10, 10)), minutes);
    }

    @Test
    void everyAggregationOverBuckets() {
        for (int i = 0; i < 10; i++) {
            store.add("q", T0 + i * 30_000L, i); // two samples a minute: 0..9 over five minutes
        }
        sampleAt(T0 + 5 * MIN, 100);
        long to = T0 + 5 * MIN - 1;
        assertEquals(
                List.of(
                        new Point(T0, 0.5),
                        new Point(T0 + MIN, 2.5),
                        new Point(T0 + 2 * MIN, 4.5),
                        new Point(T0 + 3 * MIN, 6.5),
                        new Point(T0 + 4 * MIN, 8.5)),
                reader.range("q", T0, to, Aggregation.parse("avg:1m")));
        assertEquals(
                List.of(new Point(T0, 0), new Point(T0 + 2 * MIN, 4), new Point(T0 + 4 * MIN, 8)),
                reader.range("q", T0, to, Aggregation.parse("min:2m")));
        assertEquals(
                List.of(new Point(T0, 3), new Point(T0 + 2 * MIN, 7), new Point(T0 + 4 * MIN, 9)),
                reader.range("q", T0, to, Aggregation.parse("max:2m")));
        assertEquals(List.of(new Point(T0, 45)), reader.range("q", T0, to, Aggregation.parse("sum:1h")));
        assertEquals(List.of(new Point(T0, 11)), reader.range("q", T0, T0 + 5 * MIN, Aggregation.parse("count:1d")));
    }

    @Test
    void rawIsKeptForItsRetentionAndMinuteBucketsForTheirs() {
        // an hour of samples a day ago: 10 a minute, values 0..9 each minute
        for (int m = 0; m < 60; m++) {
            for (int s = 0; s < 10; s++) {
                store.add("q", T0 + m * MIN + s * 6_000L, s);
            }
        }
        long dayLater = T0 + Duration.ofDays(1).toMillis() + 30 * MIN;
        sampleAt(dayLater, 42);
        // raw from a day ago is gone: the first 30 minutes are past retention
        assertTrue(store.raw("q", T0, T0 + 29 * MIN + 59_999).isEmpty(), "raw samples past a day are dropped");
        assertEquals(300, store.raw("q", T0 + 30 * MIN, T0 + 60 * MIN).size(), "raw samples within the day are kept");
        // ...but the whole hour still reads at minute resolution, from minute buckets and raw alike
        List<Point> hourly = reader.range("q", T0, T0 + 60 * MIN - 1, Aggregation.parse("avg:1h"));
        assertEquals(List.of(new Point(T0, 4.5)), hourly);
        assertEquals(
                List.of(new Point(T0, 600)), reader.range("q", T0, T0 + 60 * MIN - 1, Aggregation.parse("count:1h")));
        assertEquals(
                new Point(T0 + 5 * MIN, 9),
                reader.range("q", T0, T0 + 60 * MIN - 1, Aggregation.parse("max:1m"))
                        .get(5));
        // a month later the minute buckets go too; the newest sample stays
        long monthLater = T0 + Duration.ofDays(31).toMillis();
        sampleAt(monthLater, 43);
        assertTrue(
                store.minutes("q", T0, T0 + Duration.ofDays(1).toMillis() - 1).isEmpty(),
                "minute buckets past 30 days are dropped");
        assertEquals(
                1, store.minutes("q", T0, monthLater).size(), "the minute of the sample a day later is within 30 days");
        assertEquals(List.of(new Point(monthLater, 43)), reader.range("q", T0, monthLater, null));
    }

    @Test
    void anUnknownSeriesOrABackwardsRangeIsRefusedInOurWords() {
        NotFoundException nf = assertThrows(NotFoundException.class, () -> reader.range("nope", T0, T0 + 1, null));
        assertEquals("no series named \"nope\" (statestore ts ls lists them)", nf.getMessage());
        var e = assertThrows(
                io.statestore.client.InvalidInputException.class, () -> reader.range("q", T0 + 1, T0, null));
        assertTrue(e.getMessage().contains("starts after it ends"), e.getMessage());
    }
}
