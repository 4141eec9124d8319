package io.statestore.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * The JSON rules of statestore, in one place.
 *
 * <p>Parsing is strict: empty input, trailing content, NaN/Infinity, leading zeros, duplicate
 * keys, invalid UTF-8 and unpaired surrogates are rejected with an {@link InvalidInputException}
 * that says what is wrong. Numbers are kept exactly: integers of any size as integers, decimals
 * as {@link java.math.BigDecimal} with their digits and scale. Output is compact, keeps key order
 * and writes non-ASCII characters as UTF-8.
 */
public final class StrictJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
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

    private StrictJson() {
    }

    /** The mapper behind these rules, for typed binding (java.time supported). Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static JsonNode parse(String text) {
        return parse(text, "JSON");
    }

    /** Parses text; {@code what} names the input in error messages (a key, a file, an argument). */
    public static JsonNode parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("invalid JSON in " + what + ": empty input");
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            requireValidUnicode(node, what);
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("invalid JSON in " + what + ": " + withoutJacksonAdvice(e.getOriginalMessage())
                    + location(e), e);
        }
    }

    /** Parses UTF-8 bytes; invalid UTF-8 is an error, not a replacement character. */
    public static JsonNode parse(byte[] utf8, String what) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("invalid JSON in " + what + ": not valid UTF-8 (" + e.getMessage() + ")", e);
        }
        return parse(text, what);
    }

    /**
     * Compact text of a value. Java objects are serialized directly, not through a tree first:
     * one pass instead of two, and a {@code float} keeps the digits Java prints for it (the tree
     * widened it to a {@code double}).
     */
    public static String write(Object value) {
        if (value instanceof JsonNode node) {
            requireValidUnicode(node, "value");
            return writeChecked(node);
        }
        String text;
        try {
            text = MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidInputException("cannot convert " + value.getClass().getName() + " to JSON: " + e.getMessage(), e);
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
            throw new InvalidInputException("cannot convert " + value.getClass().getName() + " to JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T convert(JsonNode node, Class<T> type, String what) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidInputException("cannot read " + what + " as " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static void requireValidUnicode(JsonNode node, String what) {
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

    // Jackson suggests enabling lenient features ("enable `JsonReadFeature...` to allow"); callers must not.
    private static String withoutJacksonAdvice(String message) {
        return message == null ? "" : message.replaceAll(":? *\\(?(enable|set) `[A-Za-z_.]+`[^)\n]*\\)?", "").strip();
    }

    private static String location(JsonProcessingException e) {
        var loc = e.getLocation();
        if (loc == null || loc.getLineNr() < 1) {
            return "";
        }
        return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }
}
