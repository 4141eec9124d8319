package io.statestore.client;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A path to one place inside a document, in the JSONPath subset RedisJSON users know:
 * {@code $} (the whole document), {@code $.name}, {@code $["any name"]}, {@code $['any name']}
 * and {@code $.list[3]}. Wildcards, filters, slices and recursive descent are not supported:
 * every path names exactly one place. Immutable.
 */
public final class JsonPath {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final JsonPath ROOT = new JsonPath(List.of());

    /** One step of a path: an object member or an array index. */
    public sealed interface Segment permits Member, Index {}

    public record Member(String name) implements Segment {}

    public record Index(int index) implements Segment {}

    private final List<Segment> segments;

    private JsonPath(List<Segment> segments) {
        this.segments = List.copyOf(segments);
    }

    public static JsonPath root() {
        return ROOT;
    }

    /** Parses a path; a malformed one gives an {@link InvalidInputException} naming the position. */
    public static JsonPath parse(String text) {
        return new Parser(text).parse();
    }

    public List<Segment> segments() {
        return segments;
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    public JsonPath parent() {
        if (isRoot()) {
            throw new InvalidInputException("the root path $ has no parent");
        }
        return new JsonPath(segments.subList(0, segments.size() - 1));
    }

    public Segment last() {
        if (isRoot()) {
            throw new InvalidInputException("the root path $ has no last segment");
        }
        return segments.get(segments.size() - 1);
    }

    public JsonPath member(String name) {
        List<Segment> s = new ArrayList<>(segments);
        s.add(new Member(name));
        return new JsonPath(s);
    }

    public JsonPath index(int index) {
        List<Segment> s = new ArrayList<>(segments);
        s.add(new Index(index));
        return new JsonPath(s);
    }

    /** The canonical text: dotted names where they are identifiers, {@code ["..."]} otherwise. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("$");
        for (Segment s : segments) {
            if (s instanceof Member m) {
                if (IDENTIFIER.matcher(m.name()).matches()) {
                    sb.append('.').append(m.name());
                } else {
                    sb.append('[');
                    appendQuoted(sb, m.name());
                    sb.append(']');
                }
            } else {
                sb.append('[').append(((Index) s).index()).append(']');
            }
        }
        return sb.toString();
    }

    private static void appendQuoted(StringBuilder sb, String name) {
        sb.append('"');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonPath p && p.segments.equals(segments);
    }

    @Override
    public int hashCode() {
        return segments.hashCode();
    }

    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        JsonPath parse() {
            if (text == null || text.isEmpty()) {
                throw error("a path must start with $");
            }
            if (text.charAt(0) != '$') {
                throw error("a path must start with $");
            }
            pos = 1;
            List<Segment> out = new ArrayList<>();
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '.') {
                    pos++;
                    out.add(new Member(identifier()));
                } else if (c == '[') {
                    pos++;
                    out.add(bracket());
                } else {
                    throw error("expected . or [");
                }
            }
            return new JsonPath(out);
        }

        private String identifier() {
            int start = pos;
            while (pos < text.length() && text.charAt(pos) != '.' && text.charAt(pos) != '[') {
                pos++;
            }
            String name = text.substring(start, pos);
            if (!IDENTIFIER.matcher(name).matches()) {
                pos = start;
                throw error("a name after . must be letters, digits and _ (use [\"...\"] for others)");
            }
            return name;
        }

        private Segment bracket() {
            if (pos >= text.length()) {
                throw error("unclosed [");
            }
            char c = text.charAt(pos);
            Segment s;
            if (c == '"' || c == '\'') {
                s = new Member(quoted(c));
            } else {
                int start = pos;
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
                if (start == pos) {
                    throw error("expected an array index or a quoted name");
                }
                try {
                    s = new Index(Integer.parseInt(text.substring(start, pos)));
                } catch (NumberFormatException e) {
                    pos = start;
                    throw error("array index too large");
                }
            }
            if (pos >= text.length() || text.charAt(pos) != ']') {
                throw error("expected ]");
            }
            pos++;
            return s;
        }

        private String quoted(char quote) {
            pos++;
            StringBuilder sb = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == quote) {
                    return sb.toString();
                }
                if (c == '\\') {
                    if (pos >= text.length()) {
                        break;
                    }
                    char e = text.charAt(pos++);
                    switch (e) {
                        case '"', '\'', '\\', '/' -> sb.append(e);
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            if (pos + 4 > text.length()) {
                                throw error("bad \\u escape");
                            }
                            try {
                                sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                            } catch (NumberFormatException ex) {
                                throw error("bad \\u escape");
                            }
                            pos += 4;
                        }
                        default -> throw error("unknown escape \\" + e);
                    }
                } else {
                    sb.append(c);
                }
            }
            throw error("unclosed quote");
        }

        private InvalidInputException error(String what) {
            return new InvalidInputException("invalid path \"" + text + "\" at position " + pos + ": " + what);
        }
    }
}
