package io.statestore.daemon.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * Why a schedule is not a cron expression, in our words: the field that is wrong and what it
 * should hold, rather than the scheduler's "Illegal characters for this position".
 */
final class CronWords {
    static final String EXPECTED = "expected six or seven fields: seconds minutes hours day-of-month month day-of-week"
            + " [year], e.g. \"0 0 3 * * ?\"";
    private static final String[] FIELDS = {
        "seconds", "minutes", "hours", "day-of-month", "month", "day-of-week", "year"
    };
    private static final Pattern ILLEGAL = Pattern.compile("Illegal characters for this position: '(.*)'");

    private CronWords() {}

    /** Null when {@code expr} is a valid expression, else the reason. */
    static String problem(String expr) {
        if (expr == null || expr.isBlank()) {
            return "the schedule is empty (" + EXPECTED + ")";
        }
        String[] fields = expr.strip().split("\\s+");
        if (fields.length < 6 || fields.length > 7) {
            return "\"" + expr + "\" has " + fields.length + " field" + (fields.length == 1 ? "" : "s")
                    + ", not a cron expression (" + EXPECTED + ")";
        }
        String why;
        try {
            CronExpression.validateExpression(expr);
            return null;
        } catch (java.text.ParseException | RuntimeException e) {
            why = reason(e.getMessage(), fields);
        }
        return "\"" + expr + "\" is not a cron expression: " + why + " (" + EXPECTED + ")";
    }

    private static String reason(String message, String[] fields) {
        String m = message == null ? "" : message.strip().replaceAll("\\.$", "");
        Matcher illegal = ILLEGAL.matcher(m);
        if (illegal.find()) {
            String bad = illegal.group(1);
            int i = fieldHolding(fields, bad);
            String which = i < 0 ? "a field" : "the " + FIELDS[i] + " field";
            String holds = i >= 0 && fields[i].equalsIgnoreCase(bad)
                    ? " \"" + bad + "\" is"
                    : " \"" + (i < 0 ? bad : fields[i]) + "\" holds \"" + bad + "\", which is";
            return which + holds + " no number, name, range (1-5), list (1,3), step (*/5), * or ?";
        }
        if (m.contains("day-of-week AND a day-of-month")) {
            return "it gives both day-of-month and day-of-week; one of them must be ?";
        }
        if (m.contains("Unexpected end of expression")) {
            return "it ends too early";
        }
        return m.isEmpty() ? "it cannot be read" : Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }

    private static int fieldHolding(String[] fields, String bad) {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].toUpperCase(Locale.ROOT).contains(bad.toUpperCase(Locale.ROOT))) {
                return i;
            }
        }
        return -1;
    }
}
