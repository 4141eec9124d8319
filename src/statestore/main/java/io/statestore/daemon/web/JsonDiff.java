package io.statestore.daemon.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The paths at which two JSON documents differ, as JSONPath ({@code $.a.b[2]}): a value added,
 * removed, or changed. Objects are compared member by member and arrays element by element, so
 * the page can highlight the deepest path that changed rather than a whole subtree.
 */
final class JsonDiff {
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** One difference: {@code kind} added, removed or changed; {@code before}/{@code after} null where absent. */
    record Change(String path, String kind, JsonNode before, JsonNode after) {}

    private JsonDiff() {}

    static List<Change> between(JsonNode before, JsonNode after) {
        List<Change> out = new ArrayList<>();
        walk("$", before, after, out);
        return out;
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<Change> out) {
        if (a == null || a.isMissingNode()) {
            if (b != null && !b.isMissingNode()) {
                out.add(new Change(path, "added", null, b));
            }
            return;
        }
        if (b == null || b.isMissingNode()) {
            out.add(new Change(path, "removed", a, null));
            return;
        }
        if (a.isObject() && b.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                walk(path + member(name), a.get(name), b.get(name), out);
            }
        } else if (a.isArray() && b.isArray()) {
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                walk(path + "[" + i + "]", a.get(i), b.get(i), out);
            }
        } else if (!same(a, b)) {
            out.add(new Change(path, "changed", a, b));
        }
    }

    /** Equal as JSON values: 1 and 1.0 are the same number. */
    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    static String member(String name) {
        if (PLAIN_NAME.matcher(name).matches()) {
            return "." + name;
        }
        return "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }
}
