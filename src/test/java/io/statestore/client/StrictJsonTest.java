package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|empty input",
        "'   '|empty input",
        "'{\"a\":1} x'|Unrecognized token",
        "'{\"a\":1}{}'|Trailing token",
        "'{\"a\":NaN}'|NaN",
        "'[Infinity]'|Infinity",
        "'{\"a\":1,\"a\":2}'|Duplicate field 'a'",
        "'[01]'|Leading zeroes",
        "'{\"a\":\"\\ud800\"}'|unpaired surrogate",
        "'{\"a\":1'|end-of-input",
        "'{a:1}'|double-quote"})
    void rejectsWhatLooseParsersAccept(String text, String reason) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> StrictJson.parse(text, "test input"));
        assertTrue(e.getMessage().contains("test input"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains(reason.toLowerCase()), e.getMessage());
    }

    @Test
    void rejectsInvalidUtf8Bytes() {
        byte[] bytes = {'"', (byte) 0xC3, (byte) 0x28, '"'};
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> StrictJson.parse(bytes, "file x.json"));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775807", "-9223372036854775808", "18446744073709551616", "0.30000000000000004",
        "1.0", "100.50", "[]", "{}", "[[],{}]", "\"😀é\"", "{\"b\":1,\"a\":2}", "12345678901234567890123456789"})
    void writesBackExactlyWhatItRead(String text) {
        assertEquals(text, StrictJson.write(StrictJson.parse(text.getBytes(StandardCharsets.UTF_8), "v")));
    }
}
