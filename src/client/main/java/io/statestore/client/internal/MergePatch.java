package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * RFC 7386 JSON Merge Patch. The target is left untouched: objects on patched paths are copied,
 * everything else is shared with the target (trees this client keeps are never mutated, so
 * sharing is safe and a small patch to a large document copies little).
 */
final class MergePatch {
    private MergePatch() {}

    /** The result of applying {@code patch} to {@code target} (null target: no document yet). */
    static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        if (target != null && target.isObject()) {
            result.setAll((ObjectNode) target);
        }
        Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), apply(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }
}
