package io.statestore.migrate;

import io.statestore.client.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping rule: a path glob with named captures and the key template they fill in, plus an
 * optional TTL. Works both ways: file path to key (import) and key to file path (export).
 */
public final class MappingRule {
    private static final Pattern CAPTURE = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");

    private final String path;
    private final String key;
    private final Duration ttl;
    private final Pattern pathPattern;
    private final Pattern keyPattern;
    private final List<String> pathCaptures;

    MappingRule(String path, String key, Duration ttl, String where) {
        this.path = path;
        this.key = key;
        this.ttl = ttl;
        this.pathCaptures = new ArrayList<>();
        this.pathPattern = Pattern.compile(globRegex(path, pathCaptures, where + ".path"));
        List<String> keyCaptures = new ArrayList<>();
        this.keyPattern = Pattern.compile(templateRegex(key, keyCaptures));
        Set<String> p = new LinkedHashSet<>(pathCaptures);
        Set<String> k = new LinkedHashSet<>(keyCaptures);
        if (p.size() != pathCaptures.size()) {
            throw new MappingException(where + ".path: a capture name is used twice in \"" + path + "\"");
        }
        if (k.size() != keyCaptures.size()) {
            throw new MappingException(where + ".key: a capture name is used twice in \"" + key + "\"");
        }
        for (String c : k) {
            if (!p.contains(c)) {
                throw new MappingException(where + ".key: {" + c + "} is not captured by path \"" + path + "\"");
            }
        }
        for (String c : p) {
            if (!k.contains(c)) {
                throw new MappingException(where + ".key: must use {" + c + "} captured by path \"" + path
                        + "\" (otherwise several files would share one key and export could not map it back)");
            }
        }
        if (path.contains("*") && !path.contains("{")) {
            throw new MappingException(where + ".path: wildcards (* and **) need a {capture} in the path"
                    + " so each file gets its own key");
        }
    }

    public String path() {
        return path;
    }

    public Optional<Duration> ttl() {
        return Optional.ofNullable(ttl);
    }

    /** The key for a relative path ("/" separators), or empty when this rule does not match it. */
    public Optional<String> keyFor(String relativePath) {
        Matcher m = pathPattern.matcher(relativePath);
        if (!m.matches()) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < pathCaptures.size(); i++) {
            values.put(pathCaptures.get(i), m.group("c" + i));
        }
        return Optional.of(fill(key, values));
    }

    /** The relative path for a key, or empty when the key does not come from this rule. */
    public Optional<String> pathFor(String documentKey) {
        Matcher m = keyPattern.matcher(documentKey);
        if (!m.matches()) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        templateRegex(key, names);
        for (int i = 0; i < names.size(); i++) {
            String v = m.group("c" + i);
            if (v.isEmpty() || v.contains("/") || v.equals(".") || v.equals("..") || v.indexOf('\0') >= 0) {
                return Optional.empty();
            }
            values.put(names.get(i), v);
        }
        String rel = fill(path, values);
        // the path must map back to the same key: rejects values the glob's shape does not allow
        return keyFor(rel).filter(documentKey::equals).map(k -> rel);
    }

    /** The literal start of the key template: every key of this rule begins with it. */
    public String keyPrefix() {
        int brace = key.indexOf('{');
        return brace < 0 ? key : key.substring(0, brace);
    }

    private static String fill(String template, Map<String, String> values) {
        Matcher m = CAPTURE.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String globRegex(String glob, List<String> captures, String where) {
        if (glob.isEmpty() || glob.startsWith("/") || glob.contains("\\") || glob.endsWith("/")) {
            throw new MappingException(where + ": must be a relative path with \"/\" separators, got \"" + glob + "\"");
        }
        for (String seg : glob.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new MappingException(where + ": empty, \".\" or \"..\" segment in \"" + glob + "\"");
            }
        }
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (c == '{') {
                int close = glob.indexOf('}', i);
                String name = close < 0 ? "" : glob.substring(i + 1, close);
                if (close < 0 || !name.matches("[A-Za-z][A-Za-z0-9_]*")) {
                    throw new MappingException(where + ": bad capture at position " + i + " in \"" + glob
                            + "\" (write {name}, letters, digits and _)");
                }
                re.append("(?<c").append(captures.size()).append(">[^/]+?)");
                captures.add(name);
                i = close + 1;
            } else if (c == '*' && glob.startsWith("**/", i)) {
                re.append("(?:[^/]+/)*");
                i += 3;
            } else if (c == '*') {
                re.append("[^/]*");
                i++;
            } else if (c == '?') {
                re.append("[^/]");
                i++;
            } else if (c == '}' || c == '[' || c == ']') {
                throw new MappingException(where + ": unsupported character '" + c + "' in \"" + glob + "\"");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return re.toString();
    }

    private static String templateRegex(String template, List<String> captures) {
        StringBuilder re = new StringBuilder();
        Matcher m = CAPTURE.matcher(template);
        int last = 0;
        while (m.find()) {
            re.append(Pattern.quote(template.substring(last, m.start())));
            re.append("(?<c").append(captures.size()).append(">.+?)");
            captures.add(m.group(1));
            last = m.end();
        }
        re.append(Pattern.quote(template.substring(last)));
        return re.toString();
    }

    @Override
    public String toString() {
        return path + " -> " + key + (ttl == null ? "" : " (ttl " + Durations.format(ttl) + ")");
    }
}
