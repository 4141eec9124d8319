package io.statestore.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Environment overrides, one naming rule: {@code STATESTORE_} followed by the setting's path,
 * path segments joined by a double underscore, each camelCase name written in UPPER_SNAKE case,
 * list positions as numbers. {@code backup.keepDaily} is {@code STATESTORE_BACKUP__KEEP_DAILY};
 * {@code sweep.policies[0].maxAge} is {@code STATESTORE_SWEEP__POLICIES__0__MAX_AGE};
 * {@code dataDir} is {@code STATESTORE_DATA_DIR}. Values are YAML scalars (a list can be given
 * as a YAML flow sequence, e.g. {@code [a, b]}).
 */
public final class EnvOverrides {
    public static final String PREFIX = "STATESTORE_";
    /**
     * Variables with the prefix that are not settings (plus {@code STATESTORE_TEST_*} of the test
     * harness): the config file, the log level, and the CLI's own connection variables, which a
     * user's shell may well set while the CLI also loads this config ({@code statestore daemon},
     * {@code status}); the daemon's Redis is {@code STATESTORE_REDIS__URL}.
     */
    public static final java.util.Set<String> RESERVED = java.util.Set.of(
            "STATESTORE_CONFIG",
            "STATESTORE_LOG_LEVEL",
            "STATESTORE_REDIS_URL",
            "STATESTORE_WRITER",
            "STATESTORE_PASSWORD_FILE",
            "STATESTORE_SENTINEL_PASSWORD_FILE",
            "STATESTORE_USER",
            "STATESTORE_CONNECTION_FILE",
            "STATESTORE_TLS_CA",
            "STATESTORE_TLS_CERT",
            "STATESTORE_TLS_KEY");

    private EnvOverrides() {}

    /** The variable name for a dotted path such as {@code backup.keepDaily}. */
    public static String variableFor(String path) {
        StringBuilder sb = new StringBuilder(PREFIX);
        String[] parts = path.replace("[", ".").replace("]", "").split("\\.");
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append("__");
            }
            sb.append(parts[i].replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }

    /**
     * Applies the variables to {@code tree}; returns, per dotted path set, the variable that set it.
     * Variables that name no known setting are reported as problems.
     */
    public static Map<String, String> apply(
            ObjectNode tree, Map<String, String> env, ScalarParser parser, List<String> problems) {
        Map<String, String> origins = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(PREFIX) || RESERVED.contains(name) || name.startsWith("STATESTORE_TEST_")) {
                continue;
            }
            List<String> segments = new ArrayList<>();
            for (String seg : name.substring(PREFIX.length()).split("__", -1)) {
                segments.add(camel(seg));
            }
            String path = dotted(segments);
            if (!set(tree, segments, parser.parse(e.getValue()))) {
                problems.add("key '" + path + "' (from environment variable " + name + "): unknown setting");
                continue;
            }
            origins.put(path, name);
        }
        return origins;
    }

    static String camel(String upperSnake) {
        String[] words = upperSnake.toLowerCase(java.util.Locale.ROOT).split("_");
        StringBuilder sb = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            if (!words[i].isEmpty()) {
                sb.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
            }
        }
        return sb.toString();
    }

    static String dotted(List<String> segments) {
        StringBuilder sb = new StringBuilder();
        for (String s : segments) {
            if (s.chars().allMatch(Character::isDigit) && !s.isEmpty()) {
                sb.append('[').append(s).append(']');
            } else {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(s);
            }
        }
        return sb.toString();
    }

    /** Sets a known path only: objects must already have the member (defaults define every setting). */
    private static boolean set(JsonNode root, List<String> segments, JsonNode value) {
        JsonNode node = root;
        boolean inList = false; // members of list elements are checked when binding
        for (int i = 0; i < segments.size(); i++) {
            String seg = segments.get(i);
            boolean last = i == segments.size() - 1;
            if (node instanceof ObjectNode obj) {
                if (!obj.has(seg) && !inList) {
                    return false;
                }
                if (last) {
                    obj.set(seg, value);
                    return true;
                }
                if (!obj.has(seg)) {
                    obj.set(seg, JsonNodeFactory.instance.objectNode());
                }
                node = obj.get(seg);
            } else if (node instanceof ArrayNode arr
                    && !seg.isEmpty()
                    && seg.chars().allMatch(Character::isDigit)) {
                int idx = Integer.parseInt(seg);
                while (arr.size() <= idx) {
                    arr.add(JsonNodeFactory.instance.objectNode());
                }
                if (last) {
                    arr.set(idx, value);
                    return true;
                }
                node = arr.get(idx);
                inList = true;
            } else {
                return false;
            }
        }
        return false;
    }

    /** Parses an environment value as a YAML scalar or flow collection. */
    @FunctionalInterface
    public interface ScalarParser {
        JsonNode parse(String text);
    }
}
