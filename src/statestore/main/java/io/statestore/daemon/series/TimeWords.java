package io.statestore.daemon.series;

import io.statestore.client.Durations;
import io.statestore.client.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A point in time as the CLI and the dashboard write it: {@code now}, a duration before now
 * ({@code -1h}, {@code -30m}), an ISO-8601 instant ({@code 2026-12-06T10:00:00Z}) or epoch
 * milliseconds ({@code 1796551200000}).
 */
public final class TimeWords {
    static final String FORMS = "write now, a duration before now such as -1h or -30m, an ISO-8601 time such as"
            + " 2026-12-06T10:00:00Z, or epoch milliseconds";

    private TimeWords() {}

    /** Epoch milliseconds; {@code what} (e.g. {@code --from}) is named in the error. */
    public static long parse(String text, String what, Clock clock) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(what + " is empty: " + FORMS);
        }
        String t = text.strip();
        if (t.equalsIgnoreCase("now")) {
            return clock.millis();
        }
        if (t.startsWith("-")) {
            try {
                return clock.millis() - Durations.parse(t.substring(1)).toMillis();
            } catch (InvalidInputException e) {
                throw new InvalidInputException(what + " \"" + text + "\": " + e.getMessage());
            }
        }
        if (t.chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new InvalidInputException(what + " \"" + text + "\" is too large for epoch milliseconds");
            }
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new InvalidInputException(what + " \"" + text + "\" is not a time: " + FORMS);
        }
    }
}
