package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every entry of the shared corpus (src/statestore/test/resources/json-corpus/corpus.tsv) gets its verdict
 * from the Java strict reader, from bytes and, where the bytes are UTF-8, from text. The server
 * gets the same entries in ServerJsonCorpusTest.
 */
class JsonCorpusTest {
    private static final String WHAT = "corpus input";

    /** What the message says for each problem the reader detects in its own words; syntax and number vary. */
    private static final Map<String, String> SAYS = Map.of(
            "empty", "empty input",
            "trailing", "content after the value",
            "nul", "NUL character",
            "bom", "byte order mark",
            "utf8", "not valid UTF-8",
            "surrogate", "unpaired surrogate",
            "control", "raw control character",
            "depth", "nested deeper than 128 levels",
            "number-length", "number longer than 100 characters",
            "duplicate", "duplicate member name");

    private static final String SIZE_SAYS = "larger than 16 MiB";

    /** What a message must not carry: Jackson's names, its source excerpts and its advice. */
    private static final Pattern JACKSON = Pattern.compile(
            "`|jackson|fasterxml|Feature|Source:|REDACTED|StreamRead|JsonToken|VALUE_|START_|END_|enable|CTRL-CHAR",
            Pattern.CASE_INSENSITIVE);

    @TestFactory
    Stream<DynamicTest> everyEntryGetsItsVerdictFromTheStrictReader() {
        return JsonCorpus.entries().stream()
                .map(e -> DynamicTest.dynamicTest(e.toString(), () -> {
                    byte[] bytes = e.bytes();
                    assertVerdict(e, () -> StrictJson.parse(bytes, WHAT), "from bytes");
                    String text = utf8(bytes);
                    if (text != null) {
                        assertVerdict(e, () -> StrictJson.parse(text, WHAT), "from text");
                    }
                }));
    }

    private static void assertVerdict(JsonCorpus.Entry e, Runnable parse, String how) {
        if (e.valid()) {
            try {
                parse.run();
            } catch (InvalidInputException refused) {
                fail(e + " " + how + ": refused: " + refused.getMessage(), refused);
            }
            return;
        }
        InvalidInputException refused =
                assertThrows(InvalidInputException.class, parse::run, e + " " + how + ": accepted");
        String m = refused.getMessage();
        assertTrue(m.startsWith("invalid JSON in " + WHAT + ": "), e + " " + how + ": " + m);
        assertFalse(JACKSON.matcher(m).find(), e + " " + how + ": not in our words: " + m);
        String says = e.problem().equals("size") ? SIZE_SAYS : SAYS.get(e.problem());
        if (says != null) {
            assertTrue(m.contains(says), e + " " + how + ": expected \"" + says + "\" in: " + m);
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            return null;
        }
    }

    @Test
    void theCorpusIsWellFormed() {
        List<JsonCorpus.Entry> entries = JsonCorpus.entries();
        Set<String> names = new HashSet<>();
        Set<String> problems = new HashSet<>();
        for (JsonCorpus.Entry e : entries) {
            String at = JsonCorpus.RESOURCE + " line " + e.line() + " (" + e.name() + ")";
            assertTrue(e.name().matches("[a-z0-9-]+"), at + ": name");
            assertTrue(names.add(e.name()), at + ": name used twice");
            if (e.valid()) {
                assertEquals("-", e.problem() == null ? "-" : e.problem(), at);
            } else {
                assertTrue(JsonCorpus.PROBLEMS.contains(e.problem()), at + ": unknown class " + e.problem());
                problems.add(e.problem());
            }
            assertTrue(
                    e.input().matches("-|([0-9a-f]{2})+(\\*[1-9][0-9]*)?( ([0-9a-f]{2})+(\\*[1-9][0-9]*)?)*"),
                    at + ": input must be lower-case hex parts, each optionally *N, or '-'");
            byte[] bytes = e.bytes();
            if (bytes.length > 0 && bytes.length <= JsonCorpus.SHOWN_UP_TO) {
                assertEquals(JsonCorpus.render(bytes), e.shown(), at + ": shown column");
            } else {
                assertEquals("-", e.shown(), at + ": shown column of an input of " + bytes.length + " bytes");
            }
        }
        assertEquals(JsonCorpus.PROBLEMS, problems, "every problem class has an entry");
        long valid = entries.stream().filter(JsonCorpus.Entry::valid).count();
        System.out.printf(
                Locale.ROOT,
                "JSON corpus: %d entries, %d valid, %d invalid%n",
                entries.size(),
                valid,
                entries.size() - valid);
    }
}
