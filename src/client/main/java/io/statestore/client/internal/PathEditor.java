package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.InvalidInputException;
import io.statestore.client.JsonPath;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Path operations on a document tree, for portable mode where the client computes the new
 * document. Each method edits a copy and leaves its input untouched; the rules match the
 * server-side steps of module mode, so both modes accept and refuse the same requests.
 */
final class PathEditor {
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private PathEditor() {}

    static JsonNode set(String key, JsonNode doc, JsonPath path, JsonNode value) {
        if (path.isRoot()) {
            return value.deepCopy();
        }
        JsonNode copy = copyAlong(doc, path.parent());
        JsonNode parent = resolve(copy, path.parent());
        JsonPath.Segment last = path.last();
        if (last instanceof JsonPath.Member m) {
            if (parent == null || !parent.isObject()) {
                throw new InvalidInputException(
                        "bad path: \"" + key + "\": " + path.parent() + " does not exist or is not an object");
            }
            ((ObjectNode) parent).set(m.name(), value.deepCopy());
        } else {
            int index = ((JsonPath.Index) last).index();
            if (parent == null || !parent.isArray()) {
                throw new InvalidInputException(
                        "bad path: \"" + key + "\": " + path.parent() + " does not exist or is not an array");
            }
            if (index >= parent.size()) {
                throw new InvalidInputException("bad path: \"" + key + "\": index " + index + " is out of range for "
                        + path.parent() + " (length " + parent.size() + ")");
            }
            ((ArrayNode) parent).set(index, value.deepCopy());
        }
        return copy;
    }

    static JsonNode remove(String key, JsonNode doc, JsonPath path) {
        if (path.isRoot()) {
            throw new InvalidInputException("bad path: \"" + key + "\": cannot remove $; delete the document instead");
        }
        JsonNode copy = copyAlong(doc, path.parent());
        JsonNode parent = resolve(copy, path.parent());
        JsonPath.Segment last = path.last();
        boolean removed = false;
        if (last instanceof JsonPath.Member m && parent != null && parent.isObject()) {
            removed = ((ObjectNode) parent).remove(m.name()) != null;
        } else if (last instanceof JsonPath.Index i
                && parent != null
                && parent.isArray()
                && i.index() < parent.size()) {
            ((ArrayNode) parent).remove(i.index());
            removed = true;
        }
        if (!removed) {
            throw new InvalidInputException("bad path: \"" + key + "\": " + path + " does not exist");
        }
        return copy;
    }

    /** Returns {new document, new number}. Integers stay exact at any size; decimals keep their digits. */
    static JsonNode[] increment(String key, JsonNode doc, JsonPath path, Number delta) {
        JsonNode current = resolve(doc, path);
        if (current == null) {
            throw new InvalidInputException("bad path: \"" + key + "\": " + path + " does not exist");
        }
        if (!current.isNumber()) {
            throw new InvalidInputException(
                    "wrong type at path: \"" + key + "\": " + path + " is " + typeName(current) + ", not a number");
        }
        JsonNode sum = add(current, delta);
        return new JsonNode[] {set(key, doc, path, sum), sum};
    }

    static JsonNode append(String key, JsonNode doc, JsonPath path, JsonNode value, int maxLength) {
        JsonNode copy = copyAlong(doc, path);
        JsonNode target = resolve(copy, path);
        if (target == null) {
            throw new InvalidInputException("bad path: \"" + key + "\": " + path + " does not exist");
        }
        if (!target.isArray()) {
            throw new InvalidInputException(
                    "wrong type at path: \"" + key + "\": " + path + " is " + typeName(target) + ", not an array");
        }
        ArrayNode array = (ArrayNode) target;
        array.add(value.deepCopy());
        while (maxLength > 0 && array.size() > maxLength) {
            array.remove(0);
        }
        return copy;
    }

    static JsonNode numberNode(Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            return JsonNodeFactory.instance.numberNode(n.longValue());
        }
        if (n instanceof BigInteger b) {
            return integral(b);
        }
        return JsonNodeFactory.instance.numberNode(decimal(n));
    }

    private static JsonNode add(JsonNode current, Number delta) {
        boolean integralDelta = delta instanceof Integer
                || delta instanceof Long
                || delta instanceof Short
                || delta instanceof Byte
                || delta instanceof BigInteger;
        if (current.isIntegralNumber() && integralDelta) {
            BigInteger d = delta instanceof BigInteger b ? b : BigInteger.valueOf(delta.longValue());
            return integral(current.bigIntegerValue().add(d));
        }
        return JsonNodeFactory.instance.numberNode(current.decimalValue().add(decimal(delta)));
    }

    private static JsonNode integral(BigInteger value) {
        if (value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0) {
            return JsonNodeFactory.instance.numberNode(value.longValue());
        }
        return JsonNodeFactory.instance.numberNode(value);
    }

    private static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal b) {
            return b;
        }
        if (n instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new InvalidInputException("increment must be a finite number, got " + d);
            }
            return BigDecimal.valueOf(d);
        }
        return BigDecimal.valueOf(n.longValue());
    }

    /**
     * A new root in which every container from the root down to {@code path} is a fresh shallow
     * copy, safe to change; everything else is shared with {@code doc}, which stays untouched.
     */
    static JsonNode copyAlong(JsonNode doc, JsonPath path) {
        JsonNode root = shallow(doc);
        JsonNode node = root;
        for (JsonPath.Segment s : path.segments()) {
            JsonNode child;
            if (s instanceof JsonPath.Member m) {
                child = node.isObject() ? node.get(m.name()) : null;
                if (child == null || !child.isContainerNode()) {
                    break;
                }
                child = shallow(child);
                ((ObjectNode) node).set(m.name(), child);
            } else {
                int i = ((JsonPath.Index) s).index();
                child = node.isArray() && i < node.size() ? node.get(i) : null;
                if (child == null || !child.isContainerNode()) {
                    break;
                }
                child = shallow(child);
                ((ArrayNode) node).set(i, child);
            }
            node = child;
        }
        return root;
    }

    private static JsonNode shallow(JsonNode n) {
        if (n.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.setAll((ObjectNode) n);
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode(n.size());
            a.addAll((ArrayNode) n);
            return a;
        }
        return n;
    }

    /** The node at {@code path}, or null when any step is missing. */
    static JsonNode resolve(JsonNode doc, JsonPath path) {
        JsonNode node = doc;
        for (JsonPath.Segment s : path.segments()) {
            if (node == null) {
                return null;
            }
            if (s instanceof JsonPath.Member m) {
                node = node.isObject() ? node.get(m.name()) : null;
            } else {
                int i = ((JsonPath.Index) s).index();
                node = node.isArray() && i < node.size() ? node.get(i) : null;
            }
        }
        return node;
    }

    static String typeName(JsonNode n) {
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "an array";
        }
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        if (n.isNull()) {
            return "null";
        }
        return "a number";
    }
}
