package io.statestore.daemon.config;

import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Collection;
import java.util.Map;

/**
 * A value of the wrong kind, in our words: what the file gave at that key and what the setting
 * takes ("the list [1] is not a whole number"), not the binder's Java types and tokens.
 */
final class BindingWords {
    private BindingWords() {}

    /** @param given the value the settings hold at the failing key (null if unknown) */
    static String describe(JsonMappingException e, JsonNode given) {
        if (e instanceof UnrecognizedPropertyException) {
            return "unknown setting";
        }
        if (e.getCause() instanceof InputCoercionException
                || e.getOriginalMessage().contains("out of range")) {
            return shown(given) + " is out of range (expected a whole number up to 2147483647)";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return shown(given) + " is not " + expected(m.getTargetType());
        }
        // a value our own deserializers refused (durations): their message is already ours
        String msg = e.getOriginalMessage();
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }

    private static String shown(JsonNode given) {
        if (given == null || given.isMissingNode()) {
            return "the value";
        }
        if (given.isArray()) {
            return "the list " + given;
        }
        if (given.isObject()) {
            return "the mapping " + given;
        }
        if (given.isTextual()) {
            return "\"" + given.asText() + "\"";
        }
        return given.toString();
    }

    private static String expected(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a single text value";
        }
        if (type == java.time.Duration.class) {
            return "a duration (e.g. 500ms, 30s, 5m, 2h, 90d)";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type.isEnum()) {
            return "one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(java.util.Locale.ROOT);
        }
        if (Map.class.isAssignableFrom(type)
                || type.isRecord()
                || type.getName().startsWith("io.statestore.")) {
            return "a mapping of settings";
        }
        return "a value of the right kind";
    }
}
