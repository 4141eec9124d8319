package io.statestore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Realistic JSON state documents of a target size: nested objects, arrays of objects, integers,
 * decimals, booleans and strings, padded with a note string to the exact byte count. The shape
 * is the same at every size; bigger documents have more line items.
 */
final class Documents {
    /** The number {@code increment} adds to. */
    static final String COUNTER_PATH = "$.stats.counter";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] COLORS = {"red", "green", "blue", "black", "white", "amber"};
    private static final String[] STATES = {"queued", "running", "paused", "done"};

    private Documents() {}

    /** Generated documents by size and seed; generating a 100 KB one takes a while. */
    private static final Map<String, ObjectNode> CACHE = new ConcurrentHashMap<>();

    /**
     * A fresh copy of the document whose compact UTF-8 serialization is exactly {@code targetBytes}
     * (at least ~600); the same size and seed always give the same document.
     */
    static ObjectNode generate(int targetBytes, long seed, ObjectMapper mapper) {
        return CACHE.computeIfAbsent(targetBytes + "/" + seed, k -> build(targetBytes, seed, mapper))
                .deepCopy();
    }

    private static ObjectNode build(int targetBytes, long seed, ObjectMapper mapper) {
        Random r = new Random(seed);
        ObjectNode doc = F.objectNode();
        doc.put("id", "order-" + seed);
        doc.put("type", "fulfilment-state");
        doc.put("seq", 0);
        ObjectNode status = doc.putObject("status");
        status.put("state", "queued");
        status.put("attempt", 1);
        status.put("updatedBy", "worker-0");
        status.put("healthy", true);
        ObjectNode stats = doc.putObject("stats");
        stats.put("counter", 0);
        stats.put("bytesIn", 1_234_567_890_123L);
        stats.put("ratio", new BigDecimal("0.8125"));
        ObjectNode owner = doc.putObject("owner");
        owner.put("team", "logistics");
        owner.put("email", "ops@example.com");
        owner.putArray("roles").add("admin").add("viewer");
        doc.putArray("tags").add("eu-west").add("priority").add("b2b");
        ArrayNode items = doc.putArray("items");
        doc.put("note", "");
        int i = 0;
        while (size(doc, mapper) < targetBytes) {
            ObjectNode item = item(r, i++);
            items.add(item);
            if (size(doc, mapper) > targetBytes) {
                items.remove(items.size() - 1);
                break;
            }
        }
        int missing = targetBytes - size(doc, mapper);
        if (missing > 0) {
            doc.put("note", "x".repeat(missing));
        }
        return doc;
    }

    private static ObjectNode item(Random r, int i) {
        ObjectNode item = F.objectNode();
        item.put("sku", "SKU-" + (100000 + r.nextInt(900000)));
        item.put("name", "Item number " + i);
        item.put("qty", 1 + r.nextInt(20));
        item.put("price", BigDecimal.valueOf(100 + r.nextInt(99900), 2));
        ObjectNode attrs = item.putObject("attrs");
        attrs.put("color", COLORS[r.nextInt(COLORS.length)]);
        attrs.putArray("dims").add(r.nextInt(100)).add(r.nextInt(100)).add(r.nextInt(100));
        attrs.put("fragile", r.nextBoolean());
        return item;
    }

    /** A small merge patch: three fields in a nested object and one at the top. */
    static ObjectNode patch(int client, long seq) {
        ObjectNode p = F.objectNode();
        ObjectNode status = p.putObject("status");
        status.put("state", STATES[(int) (seq % STATES.length)]);
        status.put("attempt", seq);
        status.put("updatedBy", "worker-" + client);
        p.put("seq", seq);
        return p;
    }

    /** RFC 7386 merge patch applied in place (the legacy side's own, as a legacy code base would have). */
    static void applyMerge(ObjectNode target, JsonNode patch) {
        patch.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            if (v.isNull()) {
                target.remove(e.getKey());
            } else if (v.isObject() && target.get(e.getKey()) instanceof ObjectNode child) {
                applyMerge(child, v);
            } else {
                target.set(e.getKey(), v.deepCopy());
            }
        });
    }

    /** Adds one to the counter ({@link #COUNTER_PATH}) in place. */
    static void increment(ObjectNode doc) {
        ObjectNode stats = (ObjectNode) doc.get("stats");
        stats.put("counter", stats.get("counter").longValue() + 1);
    }

    static int size(JsonNode doc, ObjectMapper mapper) {
        try {
            return mapper.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8).length;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
