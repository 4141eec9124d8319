package io.statestore.daemon.web.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.statestore.client.StateStoreException;
import io.statestore.client.StrictJson;
import io.statestore.client.events.StreamStats;
import io.statestore.daemon.web.WebError;
import io.statestore.daemon.web.ops.OpsParams;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Pages through dead letters, oldest first, of one type or of all types merged. The cursor is
 * {@code ENTRY_ID/TYPE} of the last letter shown: entry IDs of different dead-letter streams can
 * be equal, so the type breaks the tie and no letter is skipped or shown twice across pages.
 * (The bus's own {@code deadLetters(type, limit)} has no cursor, so this reads the streams.)
 */
final class DeadLetterPages {
    private static final Comparator<Positioned> ORDER = Comparator.comparingLong((Positioned p) -> p.ms)
            .thenComparingLong(p -> p.seq)
            .thenComparing(p -> p.type);

    private DeadLetterPages() {}

    /** @param dlqs the dead-letter streams to read (already filtered by type) */
    static EventViews.DeadLetterPage read(Jedis j, List<StreamStats> dlqs, String after, int limit) {
        Positioned cursor = after == null ? null : cursor(after);
        List<Positioned> found = new ArrayList<>();
        for (StreamStats s : dlqs) {
            // inclusive start: the cursor's own entry comes back and is dropped below, hence +2
            List<StreamEntry> entries = j.xrange(s.key(), cursor == null ? "-" : cursor.id(), "+", limit + 2);
            for (StreamEntry e : entries) {
                Positioned p = new Positioned(e.getID().getTime(), e.getID().getSequence(), s.type(), e);
                if (cursor == null || ORDER.compare(p, cursor) > 0) {
                    found.add(p);
                }
            }
        }
        found.sort(ORDER);
        List<EventViews.DeadLetter> page =
                found.stream().limit(limit).map(DeadLetterPages::view).toList();
        String next = found.size() > limit
                ? page.get(page.size() - 1).dlqId() + "/"
                        + page.get(page.size() - 1).type()
                : null;
        return new EventViews.DeadLetterPage(page, next);
    }

    private static Positioned cursor(String after) {
        int slash = after.indexOf('/');
        if (slash < 0) {
            throw new WebError(
                    400,
                    "after \"" + after + "\" is not a dead-letter cursor (expected ENTRY_ID/TYPE, as 'next' gave it)");
        }
        String id = OpsParams.streamId(after.substring(0, slash), "after");
        String type = OpsParams.name(after.substring(slash + 1), "the event type in after");
        int dash = id.indexOf('-');
        long ms = OpsParams.idMillis(id);
        long seq = dash < 0 ? 0 : Long.parseUnsignedLong(id.substring(dash + 1));
        return new Positioned(ms, seq, type, null);
    }

    private static EventViews.DeadLetter view(Positioned p) {
        Map<String, String> f = p.entry.getFields();
        return new EventViews.DeadLetter(
                p.type,
                p.entry.getID().toString(),
                f.getOrDefault("id", ""),
                f.getOrDefault("origin", ""),
                f.getOrDefault("src", ""),
                number(f.get("time")),
                data(f.get("data")),
                f.getOrDefault("error", ""),
                number(f.get("deliveries")),
                f.getOrDefault("group", ""),
                f.getOrDefault("consumer", ""),
                number(f.get("redriven")));
    }

    /** The payload as JSON; text that is not JSON (written by another tool) is shown as a string. */
    private static JsonNode data(String text) {
        if (text == null) {
            return null;
        }
        try {
            return StrictJson.parse(text, "dead letter data");
        } catch (StateStoreException e) {
            return TextNode.valueOf(text);
        }
    }

    private static long number(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private record Positioned(long ms, long seq, String type, StreamEntry entry) {
        String id() {
            return ms + "-" + Long.toUnsignedString(seq);
        }
    }
}
