package io.statestore.client;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jackson's reasons for refusing a document, said in our words: no Jackson class or feature
 * names, no advice to enable lenient features. The wording depends on Jackson's messages;
 * JsonCorpusTest fails when a Jackson upgrade changes one this class relies on.
 */
final class JsonProblems {
    private record Rule(Pattern pattern, Function<Matcher, String> words) {
        static Rule of(String regex, Function<Matcher, String> words) {
            return new Rule(Pattern.compile(regex, Pattern.DOTALL), words);
        }
    }

    private static final Pattern CTRL_CHAR =
            Pattern.compile("^Unexpected character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)");
    private static final String CHAR = "\\('.*?' \\(code (\\d+)[^)]*\\)\\)";

    private static final List<Rule> RULES = List.of(
            Rule.of(
                    "^Unexpected character " + CHAR + ": Expected space separating root-level values.*",
                    m -> "content after the value (" + character(m.group(1)) + " right after it)"),
            Rule.of(
                    "^Unexpected character " + CHAR + " in numeric value: (.*)",
                    m -> "unexpected " + character(m.group(1)) + " in a number" + numberReason(m.group(2))),
            Rule.of(
                    "^Unexpected character " + CHAR + ": (.*)",
                    m -> "unexpected " + character(m.group(1)) + place(m.group(2))),
            Rule.of("^Invalid numeric value: Leading zeroes not allowed.*", m -> "number with a leading zero"),
            Rule.of("^Non-standard token '(.*?)'.*", m -> "'" + m.group(1) + "' is not a JSON value"),
            Rule.of(
                    "^Unrecognized token '(.*?)'.*",
                    m -> "'" + m.group(1)
                            + "' is not a JSON value (expected an object, array, string, number, true, false or null)"),
            Rule.of(
                    "^Unrecognized character escape .*?\\(code (\\d+)\\).*",
                    m -> "invalid escape: backslash followed by " + character(m.group(1))),
            Rule.of(
                    "^Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\).*",
                    m -> "raw control character " + codePoint(m.group(1)) + " inside a string"),
            Rule.of(
                    "^Illegal character \\(\\(CTRL-CHAR, code (\\d+)\\)\\).*",
                    m -> "control character " + codePoint(m.group(1))
                            + " between tokens (only space, tab, line feed and carriage return may be there)"),
            Rule.of(
                    "^.*surrogate.*",
                    m -> "unpaired surrogate escape in a "
                            + (m.group().contains("field name") ? "member name" : "string")),
            Rule.of("^Duplicate field '(.*)'$", m -> "duplicate member name " + quoted(m.group(1))),
            Rule.of(
                    "^Unexpected close marker '(.)': expected '(.)'.*",
                    m -> "unexpected '" + m.group(1) + "' (expected '" + m.group(2) + "' to close the "
                            + (m.group(2).equals("]") ? "array" : "object") + ")"),
            Rule.of("^Unexpected close marker '(.)'.*", m -> "unexpected '" + m.group(1) + "'"));

    private JsonProblems() {}

    /**
     * The problem in our words, with its line and column when known; {@code afterValue}: it was
     * met reading past the complete value.
     */
    static String describe(JsonProcessingException e, boolean afterValue) {
        String problem = afterValue ? "content after the value" : problem(e);
        return problem + location(e.getLocation());
    }

    private static String problem(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof CheckedTokens.Problem) {
            return message;
        }
        if (e instanceof StreamConstraintsException) {
            return message.contains("nesting depth")
                    ? "nested deeper than " + StrictJson.MAX_DEPTH + " levels"
                    : "over a limit (" + withoutJacksonNames(message) + ")";
        }
        if (e instanceof MismatchedInputException && message.startsWith("Trailing token")) {
            return "content after the value";
        }
        if (e instanceof JsonEOFException eof) {
            return "the input ends before the value is complete" + unfinished(eof.getTokenBeingDecoded(), message);
        }
        // An unexpected control character is written differently from the others.
        message = CTRL_CHAR.matcher(message).replaceFirst("Unexpected character ('?' (code $1))");
        for (Rule r : RULES) {
            Matcher m = r.pattern().matcher(message);
            if (m.matches()) {
                return r.words().apply(m);
            }
        }
        return "not valid JSON (" + withoutJacksonNames(message) + ")";
    }

    private static String place(String expectation) {
        if (expectation.startsWith("expected a valid value") || expectation.startsWith("expected a value")) {
            return " where a value should be";
        } else if (expectation.contains("double-quote to start field name")) {
            return " where a member name in double quotes should be";
        } else if (expectation.contains("comma to separate Array entries")) {
            return " after an array element (expected ',' or ']')";
        } else if (expectation.contains("comma to separate Object entries")) {
            return " after an object member (expected ',' or '}')";
        } else if (expectation.contains("colon to separate field name and value")) {
            return " after a member name (expected ':')";
        } else if (expectation.contains("separating root-level values")) {
            return " right after the value";
        } else if (expectation.contains("comment")) {
            return " (comments are not JSON)";
        } else if (expectation.contains("hex-digit for character escape")) {
            return " in a \\u escape (expected 4 hex digits)";
        }
        return "";
    }

    private static String numberReason(String reason) {
        if (reason.contains("plus sign")) {
            return " (a number cannot start with '+')";
        } else if (reason.contains("Decimal point not followed by a digit")) {
            return " (a '.' must be followed by a digit)";
        } else if (reason.contains("follow minus sign")) {
            return " (a '-' must be followed by a digit)";
        } else if (reason.contains("Exponent indicator not followed by a digit")) {
            return " (an exponent needs digits)";
        }
        return "";
    }

    private static String unfinished(JsonToken token, String message) {
        if (token == JsonToken.VALUE_STRING || message.contains("String value")) {
            return " (inside a string)";
        } else if (token == JsonToken.FIELD_NAME || message.contains("field name")) {
            return " (inside a member name)";
        } else if (token != null && token.isNumeric()) {
            return " (inside a number)";
        } else if (message.contains("close marker for Array")) {
            return " (the array" + opened(message) + " is not closed)";
        } else if (message.contains("close marker for Object")) {
            return " (the object" + opened(message) + " is not closed)";
        }
        return "";
    }

    private static final Pattern START_MARKER =
            Pattern.compile("start marker at .*?line: (\\d+), column: (\\d+)", Pattern.DOTALL);

    // Jackson names where the unclosed array or object starts; we say it in our words.
    private static String opened(String message) {
        Matcher m = START_MARKER.matcher(message);
        return m.find() ? " opened at line " + m.group(1) + ", column " + m.group(2) : "";
    }

    private static String character(String code) {
        int c = Integer.parseInt(code);
        if (c == '\'') {
            return "character \"'\"";
        }
        return c > 0x20 && c < 0x7f ? "character '" + (char) c + "'" : "character " + codePoint(code);
    }

    private static String codePoint(String code) {
        return String.format(Locale.ROOT, "U+%04X", Integer.parseInt(code));
    }

    private static String quoted(String name) {
        StringBuilder b = new StringBuilder("\"");
        name.codePoints().forEach(c -> {
            if (c < 0x20 || c == '"' || c == '\\') {
                b.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('"').toString();
    }

    // The rest of an unexpected message, without what names Jackson's classes, features or sources.
    private static String withoutJacksonNames(String message) {
        return message.replaceAll("\\s*\\(?\\[?Source:[^\\]]*\\]\\)?", "")
                .replaceAll("\\s*\\(?[^()`]*`[^`]*`[^()]*\\)?", "")
                .strip();
    }

    private static String location(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 1) {
            return "";
        }
        return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }
}
