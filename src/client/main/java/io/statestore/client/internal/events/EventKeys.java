package io.statestore.client.internal.events;

import io.statestore.client.InvalidInputException;
import java.util.regex.Pattern;

/**
 * Where the event bus and task streams live (docs/events.md). Every event-bus key carries the
 * hash tag {@code {ev}}, so a publish (type stream, global stream, ID set) is one slot.
 */
public final class EventKeys {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");
    private final String prefix;

    public EventKeys(String prefix) {
        this.prefix = prefix;
    }

    /** Checks an event type or task ID: 1-200 characters of letters, digits and {@code . _ : / -}. */
    public static String validName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("invalid " + what + " \"" + name
                    + "\": use 1 to 200 letters, digits and . _ : / -," + " starting with a letter or digit");
        }
        return name;
    }

    /** The type's stream; "" is the global stream. */
    public String stream(String type) {
        return type.isEmpty() ? all() : prefix + "{ev}:t:" + validName(type, "event type");
    }

    public String all() {
        return prefix + "{ev}:all";
    }

    public String dlq(String type) {
        return prefix + "{ev}:dlq:" + validName(type, "event type");
    }

    public String ids() {
        return prefix + "{ev}:ids";
    }

    public String types() {
        return prefix + "{ev}:types";
    }

    public String task(String taskId) {
        return prefix + "task:{" + validName(taskId, "task ID") + "}";
    }

    /** The ID just before {@code id}, for "from ID inclusive" reads and group starts; "-" and "0" give "0". */
    public static String before(String id) {
        if (id.equals("-") || id.equals("0") || id.equals("0-0")) {
            return "0";
        }
        int dash = id.indexOf('-');
        try {
            long ms = Long.parseLong(dash < 0 ? id : id.substring(0, dash));
            String seqText = dash < 0 ? "0" : id.substring(dash + 1);
            if (!seqText.equals("0")) {
                return ms + "-" + Long.toUnsignedString(Long.parseUnsignedLong(seqText) - 1);
            }
            return ms == 0 ? "0" : (ms - 1) + "-18446744073709551615";
        } catch (NumberFormatException e) {
            throw new InvalidInputException("not a stream ID: \"" + id + "\" (expected MS-SEQ or MS)");
        }
    }
}
