package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one duration syntax: what the CLI, the daemon's config and the migration mapping all accept. */
class DurationsTest {

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("500ms", Duration.ofMillis(500)),
                Arguments.of("30s", Duration.ofSeconds(30)),
                Arguments.of("15m", Duration.ofMinutes(15)),
                Arguments.of("24h", Duration.ofHours(24)),
                Arguments.of("7d", Duration.ofDays(7)),
                Arguments.of("2w", Duration.ofDays(14)),
                Arguments.of("90d", Duration.ofDays(90)),
                Arguments.of("1h30m", Duration.ofMinutes(90)),
                Arguments.of("1w2d", Duration.ofDays(9)),
                Arguments.of(
                        "1d2h3m4s5ms",
                        Duration.ofDays(1)
                                .plusHours(2)
                                .plusMinutes(3)
                                .plusSeconds(4)
                                .plusMillis(5)),
                Arguments.of("1s500ms", Duration.ofMillis(1500)),
                Arguments.of("30m30m", Duration.ofHours(1)),
                Arguments.of(" 30 s ", Duration.ofSeconds(30)),
                Arguments.of("1h 30m", Duration.ofMinutes(90)),
                Arguments.of("0", Duration.ZERO),
                Arguments.of("0s", Duration.ZERO),
                Arguments.of("PT3S", Duration.ofSeconds(3)),
                Arguments.of("PT1H30M", Duration.ofMinutes(90)),
                Arguments.of("P1D", Duration.ofDays(1)),
                Arguments.of("PT0.5S", Duration.ofMillis(500)),
                Arguments.of("pt12h", Duration.ofHours(12)));
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void acceptsTheShortFormsCompoundsAndIso8601(String text, Duration expected) {
        assertEquals(expected, Durations.parse(text));
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("24x", "unknown unit \"x\" after 24 (use e.g."),
                Arguments.of("10", "missing unit after 10"),
                Arguments.of("1h30", "missing unit after 30"),
                Arguments.of("-5s", "must not be negative"),
                Arguments.of("PT-5S", "must not be negative"),
                Arguments.of("-P1D", "must not be negative"),
                Arguments.of("1.5h", "whole numbers only, e.g. 1h30m"),
                Arguments.of("h", "expected a number at \"h\""),
                Arguments.of("soon", "expected a number at \"soon\""),
                Arguments.of("5 minutes", "unknown unit \"minutes\" after 5"),
                Arguments.of("30 sec", "unknown unit \"sec\" after 30"),
                Arguments.of("1h30mins", "unknown unit \"mins\" after 30"),
                Arguments.of("P2W", "not an ISO-8601 duration"),
                Arguments.of("P1M", "not an ISO-8601 duration"),
                Arguments.of("", "empty"),
                Arguments.of("   ", "empty"),
                Arguments.of("99999999999999999999d", "too large"),
                Arguments.of("999999999999999w", "too large"),
                Arguments.of("9223372036854775807d", "too large"));
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void rejectsGarbageNamingTheValueTheReasonAndTheFormsAccepted(String text, String reason) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().startsWith("invalid duration \"" + text + "\": "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().contains("500ms, 30s, 15m, 1h30m, 7d, 2w or ISO-8601 such as PT3S"), e.getMessage());
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
    }

    @Test
    void nullIsEmptyAndTheSettingIsNamedWhenGiven() {
        assertTrue(assertThrows(InvalidInputException.class, () -> Durations.parse(null))
                .getMessage()
                .contains("empty"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Durations.parse("2x", "--ttl"));
        assertTrue(e.getMessage().startsWith("invalid duration for --ttl \"2x\": "), e.getMessage());
    }

    @Test
    void formatsForPeopleInTheFormsParseReads() {
        Map<Duration, String> table = Map.of(
                Duration.ofSeconds(3),
                "3s",
                Duration.ofMinutes(5),
                "5m",
                Duration.ofMinutes(90),
                "1h30m",
                Duration.ofDays(2),
                "2d",
                Duration.ofDays(14),
                "14d",
                Duration.ofMillis(1500),
                "1s500ms",
                Duration.ZERO,
                "0s",
                Duration.ofSeconds(-3),
                "-3s",
                Duration.ofNanos(500_000),
                "500us",
                Duration.ofNanos(1_000_001),
                "1ms1ns");
        table.forEach((d, text) -> assertEquals(text, Durations.format(d), d.toString()));
    }

    @Test
    void whatFormatWritesParseReadsBack() {
        for (String s : List.of("500ms", "30s", "15m", "23h", "7d", "1h30m", "1d2h3m4s5ms", "0s")) {
            assertEquals(s, Durations.format(Durations.parse(s)));
        }
        for (Duration d : List.of(
                Duration.ofMillis(1),
                Duration.ofMillis(86_399_999),
                Duration.ofDays(400).plusSeconds(1))) {
            assertEquals(d, Durations.parse(Durations.format(d)));
        }
    }
}
