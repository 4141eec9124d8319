package io.statestore.client.internal.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.statestore.client.StateStoreException;
import io.statestore.client.StrictJson;
import io.statestore.client.events.DeadLetter;
import io.statestore.client.events.Event;
import java.time.Instant;
import java.util.Map;
import redis.clients.jedis.resps.StreamEntry;

/** Stream entries to events. */
final class Entries {
    private Entries() {}

    static Event toEvent(String entryId, Map<String, String> f, long deliveries) {
        String dataText = f.getOrDefault("data", "null");
        JsonNode data;
        try {
            data = StrictJson.parse(dataText, "event " + f.get("id") + " data");
        } catch (StateStoreException e) {
            data = NullNode.getInstance();
        }
        long time = 0;
        try {
            time = Long.parseLong(f.getOrDefault("time", "0"));
        } catch (NumberFormatException ignored) {
            // written by something else than statestore: keep 0
        }
        return new Event(
                f.getOrDefault("id", entryId),
                entryId,
                f.getOrDefault("type", ""),
                f.getOrDefault("src", ""),
                Instant.ofEpochMilli(time),
                data,
                deliveries);
    }

    static Event toEvent(StreamEntry e, long deliveries) {
        return toEvent(e.getID().toString(), e.getFields(), deliveries);
    }

    static DeadLetter toDeadLetter(StreamEntry e) {
        Map<String, String> f = e.getFields();
        Event ev = toEvent(f.getOrDefault("origin", ""), f, 0);
        long deliveries = 0;
        try {
            deliveries = Long.parseLong(f.getOrDefault("deliveries", "0"));
        } catch (NumberFormatException ignored) {
            // keep 0
        }
        return new DeadLetter(
                e.getID().toString(),
                ev,
                f.getOrDefault("error", ""),
                deliveries,
                f.getOrDefault("group", ""),
                f.getOrDefault("consumer", ""));
    }
}
