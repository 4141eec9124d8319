package io.statestore.client.internal.events;

import io.statestore.client.InvalidInputException;
import java.util.regex.Pattern;

/**
 * Where the event bus and task streams live (docs/events.md). On a standalone server or Sentinel
 * every event-bus key carries the hash tag {@code {ev}}, so a publish (type stream, global stream,
 * ID set) is one slot. On Redis Cluster each type has its own tag {@code {ev:<type>}}, so types
 * spread over the primaries; the global stream is then one shard per type, in that type's slot
 * (docs/cluster.md, "The event bus and tasks on a cluster").
 */
public final class EventKeys {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");
    private final String prefix;
    private final boolean cluster;

    /** The standalone layout. */
    public EventKeys(String prefix) {
        this(prefix, false);
    }

    public EventKeys(String prefix, boolean cluster) {
        this.prefix = prefix;
        this.cluster = cluster;
    }

    /** Whether this is the cluster layout (one slot per type). */
    public boolean cluster() {
        return cluster;
    }

    /** Checks an event type or task ID: 1-200 characters of letters, digits and {@code . _ : / -}. */
    public static String validName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("invalid " + what + " \"" + name
                    + "\": use 1 to 200 letters, digits and . _ : / -," + " starting with a letter or digit");
        }
        return name;
    }

    /** What every key of a type's events begins with: {@code P{ev}}, on a cluster {@code P{ev:<type>}}. */
    private String base(String type) {
        return cluster ? prefix + "{ev:" + type + "}" : prefix + "{ev}";
    }

    /**
     * The type's stream; "" is the global stream (on a standalone server: on a cluster it has one
     * shard per type, {@link #all(String)}, and "" is refused here: callers merge the shards).
     */
    public String stream(String type) {
        if (type.isEmpty()) {
            return all();
        }
        validName(type, "event type");
        return base(type) + ":t:" + type;
    }

    /** The global stream of a standalone server. */
    public String all() {
        if (cluster) {
            throw new IllegalStateException("on Redis Cluster the global stream is one shard per type: use all(type)");
        }
        return prefix + "{ev}:all";
    }

    /** The global stream's part that {@code type}'s publishes write: the one global stream, or on a cluster its shard. */
    public String all(String type) {
        return base(validName(type, "event type")) + ":all";
    }

    public String dlq(String type) {
        return base(validName(type, "event type")) + ":dlq:" + type;
    }

    /** The IDs recently published with events of {@code type} (on a standalone server, of every type). */
    public String ids(String type) {
        return base(validName(type, "event type")) + ":ids";
    }

    /** The set a publish of {@code type} adds its type to: the registry, or on a cluster the shard's own. */
    public String publishTypes(String type) {
        return base(validName(type, "event type")) + ":types";
    }

    /** The registry of every type published ({@code P{ev}:types}, in both layouts). */
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
