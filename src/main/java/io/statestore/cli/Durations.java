package io.statestore.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them on a command line: {@code 500ms}, {@code 30s}, {@code 15m},
 * {@code 24h}, {@code 7d}, or several parts together such as {@code 1h30m}. A bare {@code 0}
 * is zero.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** Parses {@code text}; {@code what} names the option in the error (e.g. "--ttl"). */
    public static Duration parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw bad(text, what, "empty");
        }
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int pos = 0;
        try {
            while (pos < text.length()) {
                if (!m.find(pos) || m.start() != pos) {
                    throw bad(text, what, reason(text.substring(pos)));
                }
                long n = Long.parseLong(m.group(1));
                Duration part = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                total = total.plus(part);
                pos = m.end();
            }
            // Redis keeps expiry times in milliseconds; beyond this they cannot be represented.
            total.toMillis();
        } catch (NumberFormatException | ArithmeticException e) {
            throw bad(text, what, "too large");
        }
        return total;
    }

    /**
     * {@code d} the way {@link #parse} reads it and the config is written: {@code 3s}, {@code 5m},
     * {@code 1h30m}, {@code 2d}, {@code 1500ms} becomes {@code 1s500ms}; zero is {@code 0}.
     */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        String sign = d.isNegative() ? "-" : "";
        long ms = d.abs().toMillis();
        StringBuilder sb = new StringBuilder(sign);
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            long n = ms / sizes[i];
            if (n > 0) {
                sb.append(n).append(units[i]);
                ms -= n * sizes[i];
            }
        }
        return sb.length() == sign.length() ? "0" : sb.toString();
    }

    private static String reason(String rest) {
        if (rest.startsWith("-")) {
            return "must not be negative";
        }
        if (rest.matches("\\d+")) {
            return "missing unit after " + rest + " (use ms, s, m, h or d)";
        }
        return "expected a number followed by ms, s, m, h or d at \"" + rest + "\"";
    }

    private static CliException bad(String text, String what, String reason) {
        return new CliException("invalid duration for " + what + " \"" + text + "\": " + reason
                + " (examples: 500ms, 30s, 15m, 24h, 7d)");
    }
}
