package io.statestore.client;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as statestore reads and writes them everywhere: the CLI's options, the daemon's
 * config, the migration mapping and every message. Read: {@code 500ms}, {@code 30s}, {@code 15m},
 * {@code 24h}, {@code 7d}, {@code 2w}, several parts together ({@code 1h30m}), ISO-8601
 * ({@code PT3S}, {@code P1D}), and a bare {@code 0}. Written: {@code 3s}, {@code 5m}, {@code 1h30m},
 * never {@code PT3S}. It lives in the client's API because the client words its own messages
 * with it and a service may want to read its settings the way statestore does.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("\\s*(\\d+)\\s*(ms|s|m|h|d|w)(?![A-Za-z])\\s*");
    private static final Pattern LEADING_NUMBER = Pattern.compile("\\d+");
    private static final String FORMS = "use e.g. 500ms, 30s, 15m, 1h30m, 7d, 2w or ISO-8601 such as PT3S";
    private static final long[] SIZES = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
    private static final String[] UNITS = {"d", "h", "m", "s", "ms"};

    private Durations() {}

    /**
     * Parses {@code text}; zero is allowed (callers that need more check it), negative durations
     * are not. Throws {@link InvalidInputException} naming the text and the forms accepted.
     */
    public static Duration parse(String text) {
        return parse(text, null);
    }

    /** The same; {@code what} (an option or setting, e.g. {@code --ttl}) is named in the error. */
    public static Duration parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw bad(text, what, "empty");
        }
        String t = text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Duration d;
        try {
            d = isIso(t) ? iso(t, text, what) : parts(t, text, what);
            // Redis keeps expiry times in milliseconds; beyond this they cannot be represented.
            d.toMillis();
        } catch (NumberFormatException | ArithmeticException e) {
            throw bad(text, what, "too large");
        }
        if (d.isNegative()) {
            throw bad(text, what, "must not be negative");
        }
        return d;
    }

    private static boolean isIso(String t) {
        String s = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
        return s.startsWith("P") || s.startsWith("p");
    }

    private static Duration iso(String t, String text, String what) {
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            if (e.getCause() instanceof ArithmeticException a) {
                throw a;
            }
            throw bad(
                    text,
                    what,
                    "not an ISO-8601 duration in days, hours, minutes and seconds such as P1DT12H"
                            + " (months and years have no fixed length; write weeks as 2w)");
        }
    }

    private static Duration parts(String t, String text, String what) {
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int pos = 0;
        while (pos < t.length()) {
            if (!m.find(pos) || m.start() != pos) {
                throw bad(text, what, reason(t.substring(pos)));
            }
            long n = Long.parseLong(m.group(1));
            Duration part = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(Math.multiplyExact(7, n));
            };
            total = total.plus(part);
            pos = m.end();
        }
        return total;
    }

    private static String reason(String rest) {
        String r = rest.strip();
        Matcher number = LEADING_NUMBER.matcher(r);
        if (r.startsWith("-")) {
            return "must not be negative";
        }
        if (!number.lookingAt()) {
            return "expected a number at \"" + r + "\"";
        }
        String after = r.substring(number.end()).strip();
        if (after.isEmpty()) {
            return "missing unit after " + r;
        }
        if (after.matches("[.,]\\d.*")) {
            return "whole numbers only, e.g. 1h30m rather than 1.5h";
        }
        return "unknown unit \"" + after + "\" after " + number.group();
    }

    private static InvalidInputException bad(String text, String what, String reason) {
        return new InvalidInputException("invalid duration" + (what == null ? "" : " for " + what) + " \"" + text
                + "\": " + reason + " (" + FORMS + ")");
    }

    /**
     * {@code d} the way {@link #parse} reads it: {@code 3s}, {@code 5m}, {@code 1h30m}, {@code 2d},
     * {@code 1s500ms}, {@code 0s}, {@code -3s}. Days are the largest unit (retention reads as
     * {@code 90d}, not in weeks). A part below a millisecond, which only ISO-8601 can give, is
     * shown in {@code us} or {@code ns} rather than dropped.
     */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        Duration abs = d.abs();
        StringBuilder sb = new StringBuilder(d.isNegative() ? "-" : "");
        long ms = abs.toMillis();
        for (int i = 0; i < SIZES.length; i++) {
            long n = ms / SIZES[i];
            if (n > 0) {
                sb.append(n).append(UNITS[i]);
                ms -= n * SIZES[i];
            }
        }
        int subMillis = abs.getNano() % 1_000_000;
        if (subMillis != 0) {
            sb.append(subMillis % 1000 == 0 ? subMillis / 1000 + "us" : subMillis + "ns");
        }
        return sb.toString();
    }
}
