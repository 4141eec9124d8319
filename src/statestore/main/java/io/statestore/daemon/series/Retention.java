package io.statestore.daemon.series;

import io.statestore.client.InvalidInputException;
import java.time.Duration;

/** How long raw samples and per-minute buckets are kept. */
public record Retention(Duration raw, Duration minute) {
    public static final long MINUTE = 60_000L;
    public static final Retention DEFAULT = new Retention(Duration.ofDays(1), Duration.ofDays(30));

    public Retention {
        if (raw == null || raw.toMillis() < MINUTE || minute == null || minute.toMillis() < MINUTE) {
            throw new InvalidInputException(
                    "series retention must be at least a minute for raw samples and for" + " per-minute buckets");
        }
    }

    static long minuteOf(long time) {
        return Math.floorDiv(time, MINUTE) * MINUTE;
    }
}
