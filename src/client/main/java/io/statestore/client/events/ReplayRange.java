package io.statestore.client.events;

import io.statestore.client.InvalidInputException;
import java.time.Instant;

/**
 * A range of stream entries, inclusive at both ends, as stream IDs ({@code -} and {@code +}
 * for the ends of the stream). A time is the ID range of that millisecond.
 */
public record ReplayRange(String fromId, String toId) {
    public ReplayRange {
        if (fromId == null || fromId.isEmpty() || toId == null || toId.isEmpty()) {
            throw new InvalidInputException("a replay range needs both ends");
        }
    }

    public static ReplayRange all() {
        return new ReplayRange("-", "+");
    }

    public static ReplayRange fromId(String id) {
        return new ReplayRange(id, "+");
    }

    public static ReplayRange ids(String from, String to) {
        return new ReplayRange(from, to);
    }

    public static ReplayRange since(Instant from) {
        return new ReplayRange(from.toEpochMilli() + "-0", "+");
    }

    public static ReplayRange between(Instant from, Instant to) {
        return new ReplayRange(from.toEpochMilli() + "-0", to.toEpochMilli() + "-18446744073709551615");
    }
}
