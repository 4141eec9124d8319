package io.statestore.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Iterator;
import java.util.Map;

/**
 * The JSON rules of statestore, in one place.
 *
 * <p>{@link #parse} accepts exactly the documents the server accepts (docs/json.md, "The one
 * definition of valid JSON"; the shared corpus in src/statestore/test/resources/json-corpus runs through
 * both): RFC 8259 with nothing after the value, no NaN/Infinity, leading zeros or duplicate
 * member names, valid UTF-8 without a byte order mark or NUL, no unpaired surrogates, no raw
 * control characters in strings, at most {@link #MAX_DEPTH} levels of nesting, number literals of
 * at most {@link #MAX_NUMBER_LENGTH} characters, at most {@link #MAX_BYTES} bytes. Anything else
 * is an {@link InvalidInputException} that names the input and says what is wrong.
 *
 * <p>Numbers are kept exactly: integers of any size as integers, decimals as
 * {@link java.math.BigDecimal} with their digits and scale. Output is compact, keeps key order
 * and writes non-ASCII characters as UTF-8.
 */
public final class StrictJson {
    /** Arrays and objects nest at most this deep: 128 nested arrays are valid, 129 are not. */
    public static final int MAX_DEPTH = 128;
    /** A number literal has at most this many characters: sign, digits, '.', exponent letter and exponent sign all count. */
    public static final int MAX_NUMBER_LENGTH = 100;
    /** A document has at most this many bytes (16 MiB) of UTF-8, whitespace included. */
    public static final int MAX_BYTES = 16 * 1024 * 1024;

    // Jackson's nesting limit is ours: 128 nested arrays pass, the 129th is refused. Its number
    // limit counts digits only (a float's integer, fraction and exponent digits, not the signs,
    // '.' or 'e'): CheckedTokens counts every character instead, so Jackson's is lifted and
    // cannot refuse first. Strings and names get no limit of their own either (Jackson's default
    // for names is 50,000 chars): in parse the document limit bounds them, and the mapper's
    // other readers (an event spool record holds event data as a string) need no smaller one.
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH)
            .maxNumberLength(Integer.MAX_VALUE)
            .maxStringLength(Integer.MAX_VALUE)
            .maxNameLength(Integer.MAX_VALUE)
            .build();

    private static final ObjectMapper MAPPER = JsonMapper.builder(
                    JsonFactory.builder().streamReadConstraints(LIMITS).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new JavaTimeModule())
            .build();

    private static final DocumentReader READER = new DocumentReader(MAPPER);

    private StrictJson() {}

    /** The mapper behind these rules, for typed binding (java.time supported). Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static JsonNode parse(String text) {
        return parse(text, "JSON");
    }

    /**
     * Parses text; {@code what} names the input in error messages (a key, a file, an argument).
     * The size limit is on the text's UTF-8 bytes.
     */
    public static JsonNode parse(String text, String what) {
        return READER.read(text, what);
    }

    /** Parses UTF-8 bytes; invalid UTF-8 is an error, not a replacement character. */
    public static JsonNode parse(byte[] utf8, String what) {
        return READER.read(utf8, what);
    }

    /**
     * Compact text of a value. Java objects are serialized directly, not through a tree first:
     * one pass instead of two, and a {@code float} keeps the digits Java prints for it (the tree
     * widened it to a {@code double}).
     */
    public static String write(Object value) {
        if (value instanceof JsonNode node) {
            // The text holds every char of every key and string as the tree does (below): one scan
            // of it is the tree walk's check, at about a third of its cost (docs/benchmarks.md).
            String text = writeChecked(node);
            checkString(text, "value");
            return text;
        }
        String text;
        try {
            text = MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidInputException(
                    "cannot convert " + value.getClass().getName() + " to JSON: " + e.getMessage(), e);
        }
        // The generator writes every char of a string as it is, so an unpaired surrogate in any
        // key or value is in the text: one scan of it is the check the tree walk makes.
        checkString(text, "value");
        return text;
    }

    private static String writeChecked(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("cannot write value as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Converts a Java value (a {@link JsonNode} passes as it is) to a tree, through its JSON text:
     * Jackson's direct conversion widens a {@code float} to a {@code double} on the way
     * ({@code 0.1f} became {@code 0.10000000149011612}), the text keeps what Java prints.
     */
    public static JsonNode toTree(Object value) {
        if (value instanceof JsonNode node) {
            requireValidUnicode(node, "value");
            return node;
        }
        try {
            return MAPPER.readTree(write(value));
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(
                    "cannot convert " + value.getClass().getName() + " to JSON: " + JsonProblems.describe(e, false), e);
        }
    }

    public static <T> T convert(JsonNode node, Class<T> type, String what) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidInputException(
                    "cannot read " + what + " as " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    static void requireValidUnicode(JsonNode node, String what) {
        if (node.isTextual()) {
            checkString(node.textValue(), what);
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                checkString(e.getKey(), what);
                requireValidUnicode(e.getValue(), what);
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                requireValidUnicode(child, what);
            }
        }
    }

    private static void checkString(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new InvalidInputException("invalid JSON in " + what + ": unpaired surrogate \\u"
                        + String.format("%04x", (int) c) + " in a string");
            }
            if (Character.isLowSurrogate(c)) {
                throw new InvalidInputException("invalid JSON in " + what + ": unpaired surrogate \\u"
                        + String.format("%04x", (int) c) + " in a string");
            }
        }
    }
}
