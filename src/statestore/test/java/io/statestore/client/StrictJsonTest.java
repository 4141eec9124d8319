package io.statestore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJsonTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|empty input",
                "'   '|empty input",
                "'{\"a\":1} x'|content after the value",
                "'{\"a\":1}{}'|content after the value",
                "'{\"a\":NaN}'|NaN",
                "'[Infinity]'|Infinity",
                "'{\"a\":1,\"a\":2}'|duplicate member name \"a\"",
                "'[01]'|leading zero",
                "'{\"a\":\"\\ud800\"}'|unpaired surrogate",
                "'{\"a\":1'|ends before the value is complete",
                "'{a:1}'|member name in double quotes"
            })
    void rejectsWhatLooseParsersAccept(String text, String reason) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> StrictJson.parse(text, "test input"));
        assertTrue(e.getMessage().contains("test input"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains(reason.toLowerCase()), e.getMessage());
    }

    @Test
    void aNumberWhoseExponentBigDecimalCannotHoldIsRefusedInOurWords() {
        // valid JSON and under the 100-character limit, so the server's check takes it; Jackson's
        // BigDecimal threw a bare NumberFormatException (found by the server check's differential test)
        String text = "{\"x\":-1.555E5555555555555555555555555555555}";
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> StrictJson.parse(text, "document \"k\""));
        assertTrue(
                e.getMessage().startsWith("cannot read document \"k\": it holds a number whose exponent is too large"),
                e.getMessage());
        assertThrows(InvalidInputException.class, () -> StrictJson.parse(text.getBytes(UTF_8), "file k.json"));
    }

    @Test
    void rejectsInvalidUtf8Bytes() {
        byte[] bytes = {'"', (byte) 0xC3, (byte) 0x28, '"'};
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> StrictJson.parse(bytes, "file x.json"));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "9223372036854775807",
                "-9223372036854775808",
                "18446744073709551616",
                "0.30000000000000004",
                "1.0",
                "100.50",
                "[]",
                "{}",
                "[[],{}]",
                "\"😀é\"",
                "{\"b\":1,\"a\":2}",
                "12345678901234567890123456789"
            })
    void writesBackExactlyWhatItRead(String text) {
        assertEquals(text, StrictJson.write(StrictJson.parse(text.getBytes(StandardCharsets.UTF_8), "v")));
    }

    @Test
    void javaValuesAreWrittenAsTheirTreeWouldBe() throws Exception {
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("z", new java.math.BigDecimal("0.10"));
        v.put("max", Long.MAX_VALUE);
        v.put("big", new java.math.BigInteger("18446744073709551616"));
        v.put("d", 0.1);
        v.put("e", java.util.List.of());
        v.put("o", java.util.Map.of());
        v.put("u", "😀é\u2028\t\"");
        v.put("when", java.time.Instant.parse("2026-11-22T07:00:00.123Z"));
        v.put("nothing", null);
        v.put("nested", java.util.List.of(java.util.Map.of("a", 1)));
        String direct = StrictJson.write(v);
        assertEquals(StrictJson.mapper().writeValueAsString(StrictJson.toTree(v)), direct);
        assertEquals(
                StrictJson.mapper().writeValueAsString(StrictJson.mapper().valueToTree(v)),
                direct,
                "as Jackson's own tree");
        assertTrue(direct.startsWith("{\"z\":0.10,\"max\":9223372036854775807,\"big\":18446744073709551616,"), direct);
        // a float as Java prints it (the tree widened it to a double: 0.10000000149011612)
        assertEquals("{\"f\":0.1}", StrictJson.write(java.util.Map.of("f", 0.1f)));
        assertEquals("{\"f\":0.1}", StrictJson.write(StrictJson.toTree(java.util.Map.of("f", 0.1f))));
    }

    @Test
    void anUnpairedSurrogateInAJavaValuesKeyOrStringIsRefused() {
        for (Object bad : java.util.List.of(
                java.util.Map.of("k", "a\ud800"),
                java.util.Map.of("\udc00", 1),
                java.util.List.of("ok", java.util.Map.of("deep", "\ud83d")))) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> StrictJson.write(bad));
            assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
        }
        assertEquals("\"😀\"", StrictJson.write("😀"), "a pair is fine");
    }

    @Test
    void aValueJacksonCannotSerializeIsAnInvalidInput() {
        Object noProperties = new Object();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> StrictJson.write(noProperties));
        assertTrue(e.getMessage().startsWith("cannot convert java.lang.Object to JSON"), e.getMessage());
    }
}
