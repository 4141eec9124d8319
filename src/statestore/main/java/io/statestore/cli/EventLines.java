package io.statestore.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.StrictJson;
import io.statestore.client.events.DeadLetter;
import io.statestore.client.events.Event;

/** Events and dead letters as one-line JSON objects (what {@code events tail} and {@code events dlq} print). */
final class EventLines {
    private EventLines() {}

    static ObjectNode json(Event e) {
        ObjectNode o = StrictJson.mapper().createObjectNode();
        o.put("id", e.id())
                .put("entry", e.entryId())
                .put("type", e.type())
                .put("source", e.source())
                .put("time", e.time().toString())
                .set("data", e.data());
        return o;
    }

    static String line(Event e) {
        return StrictJson.write(json(e));
    }

    static String line(DeadLetter d) {
        ObjectNode o = json(d.event());
        o.put("dlq", d.dlqId())
                .put("error", d.error())
                .put("deliveries", d.deliveries())
                .put("group", d.group())
                .put("consumer", d.consumer());
        return StrictJson.write(o);
    }
}
