package io.statestore.daemon.series;

import io.statestore.client.Durations;
import io.statestore.client.InvalidInputException;
import java.time.Duration;
import java.util.Locale;

/** An aggregation over fixed buckets aligned to the epoch, written {@code avg:1m}. */
public record Aggregation(Kind kind, Duration bucket) {
    public enum Kind {
        AVG,
        MIN,
        MAX,
        SUM,
        COUNT;

        double of(Partial p) {
            return switch (this) {
                case AVG -> p.sum() / p.count();
                case MIN -> p.min();
                case MAX -> p.max();
                case SUM -> p.sum();
                case COUNT -> p.count();
            };
        }

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Aggregation {
        if (bucket.isNegative() || bucket.isZero() || bucket.toMillis() < 1) {
            throw new InvalidInputException(
                    "an aggregation bucket must be at least 1ms, got " + Durations.format(bucket));
        }
    }

    /** Parses {@code avg:1m}; bad input gets an error naming what is wrong and what is accepted. */
    public static Aggregation parse(String text) {
        String words = "avg, min, max, sum or count, a colon and a bucket duration, e.g. avg:1m";
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("an aggregation is required: " + words);
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new InvalidInputException("aggregation \"" + text + "\" has no bucket: write " + words);
        }
        Kind kind;
        try {
            kind = Kind.valueOf(text.substring(0, colon).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("aggregation \"" + text + "\": unknown function \""
                    + text.substring(0, colon) + "\"; write " + words);
        }
        Duration bucket =
                Durations.parse(text.substring(colon + 1).trim(), "the bucket of aggregation \"" + text + "\"");
        return new Aggregation(kind, bucket);
    }

    public long bucketMillis() {
        return bucket.toMillis();
    }

    /** The start of the bucket {@code time} falls in. */
    public long bucketOf(long time) {
        return Math.floorDiv(time, bucketMillis()) * bucketMillis();
    }

    @Override
    public String toString() {
        return kind.word() + ":" + Durations.format(bucket);
    }
}
