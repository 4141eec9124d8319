package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.JsonPath;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns updates into the in-place steps of {@code ss_jop}/{@code ss_jwrite} (module mode). Merge patches are
 * decomposed into set/delete steps because valkey-json has no JSON.MERGE.
 *
 * <p>valkey-json mishandles new members whose name holds {@code ~} or {@code /} (it reads them as
 * JSON Pointer escapes), so updates touching such names return {@code null} and the caller
 * writes the whole document instead.
 */
final class ModuleSteps {
    private ModuleSteps() {}

    static List<String> merge(JsonNode patch) {
        List<String> steps = new ArrayList<>();
        if (!patch.isObject()) {
            steps.add("root");
            steps.add(TreeText.of(patch));
            return steps;
        }
        steps.add("obj");
        steps.add("$");
        steps.add("$");
        return mergeInto(patch, JsonPath.root(), steps) ? steps : null;
    }

    private static boolean mergeInto(JsonNode patch, JsonPath at, List<String> steps) {
        Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!safeName(e.getKey())) {
                return false;
            }
            JsonPath child = at.member(e.getKey());
            JsonNode v = e.getValue();
            if (v.isNull()) {
                steps.add("del");
                steps.add(child.toString());
            } else if (v.isObject()) {
                steps.add("obj");
                steps.add(child.toString());
                steps.add(at.toString());
                if (!mergeInto(v, child, steps)) {
                    return false;
                }
            } else {
                steps.add("set");
                steps.add(child.toString());
                steps.add(at.toString());
                steps.add("m");
                steps.add(TreeText.of(v));
            }
        }
        return true;
    }

    static List<String> set(JsonPath path, JsonNode value) {
        if (path.isRoot()) {
            return List.of("root", TreeText.of(value));
        }
        if (!safe(path)) {
            return null;
        }
        String slot = path.last() instanceof JsonPath.Index i ? Integer.toString(i.index()) : "m";
        return List.of("set", path.toString(), path.parent().toString(), slot, TreeText.of(value));
    }

    static List<String> remove(JsonPath path) {
        return safe(path) ? List.of("rm", path.toString()) : null;
    }

    static List<String> increment(JsonPath path, JsonNode delta) {
        return safe(path) ? List.of("incr", path.toString(), TreeText.of(delta)) : null;
    }

    static List<String> append(JsonPath path, JsonNode value, int maxLength) {
        return safe(path) ? List.of("append", path.toString(), Integer.toString(maxLength), TreeText.of(value)) : null;
    }

    private static boolean safe(JsonPath path) {
        for (JsonPath.Segment s : path.segments()) {
            if (s instanceof JsonPath.Member m && !safeName(m.name())) {
                return false;
            }
        }
        return true;
    }

    private static boolean safeName(String name) {
        return name.indexOf('~') < 0 && name.indexOf('/') < 0;
    }
}
