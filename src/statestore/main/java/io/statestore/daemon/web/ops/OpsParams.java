package io.statestore.daemon.web.ops;

import io.statestore.daemon.web.WebError;
import io.statestore.daemon.web.WebRequest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks of the path and query parameters the event-bus, task and daemon pages send; each
 * failure is a {@link WebError} 400 naming the parameter and what it must be.
 */
public final class OpsParams {
    /** Event types, group and task names (docs/events.md): the same rule as the client's. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");

    private static final Pattern STREAM_ID = Pattern.compile("\\d{1,19}(-\\d{1,20})?");

    private OpsParams() {}

    /** An event type or task ID, checked before it is made into a key. */
    public static String name(String value, String what) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new WebError(
                    400,
                    what + " \"" + value + "\" is not valid: use 1 to 200 letters, digits and . _ : / -,"
                            + " starting with a letter or digit");
        }
        return value;
    }

    /** A stream entry ID ({@code MS} or {@code MS-SEQ}) given as {@code param}, if present. */
    public static Optional<String> streamId(WebRequest request, String param) {
        Optional<String> v = request.query(param).filter(s -> !s.isEmpty());
        v.ifPresent(id -> streamId(id, param));
        return v;
    }

    public static String streamId(String id, String param) {
        if (!STREAM_ID.matcher(id).matches()) {
            throw new WebError(
                    400, param + " \"" + id + "\" is not a stream entry ID (expected MS-SEQ, e.g. 1795307409913-0)");
        }
        return id;
    }

    /** A whole number in {@code [min, max]} from the query, {@code fallback} when absent. */
    public static int intParam(WebRequest request, String param, int fallback, int min, int max) {
        Optional<String> v = request.query(param).filter(s -> !s.isEmpty());
        if (v.isEmpty()) {
            return fallback;
        }
        return inRange(v.get(), param, min, max);
    }

    public static int inRange(String text, String what, int min, int max) {
        long n;
        try {
            n = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new WebError(400, what + " \"" + text + "\" is not a whole number (" + min + " to " + max + ")");
        }
        if (n < min || n > max) {
            throw new WebError(400, what + " " + n + " is out of range: " + min + " to " + max);
        }
        return (int) n;
    }

    /** The millisecond part of a stream entry ID: when the entry was added, by the server's clock. */
    public static long idMillis(String entryId) {
        int dash = entryId.indexOf('-');
        return Long.parseLong(dash < 0 ? entryId : entryId.substring(0, dash));
    }
}
