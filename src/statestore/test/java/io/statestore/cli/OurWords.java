package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/** The check every error-wording test makes of a failed CLI run: one stderr line, ours, and its exit code. */
final class OurWords {
    /** What a library says in its own words (class names, parser and Redis replies): never shown to a user. */
    static final List<String> LIBRARY_WORDS = List.of(
            "com.fasterxml",
            "Jackson",
            "jedis",
            "Jedis",
            "redis.clients",
            "Unrecognized token",
            "DeserializationFeature",
            "Source: REDACTED",
            "StreamReadFeature",
            "snakeyaml",
            "SnakeYAML",
            "quartz",
            "Quartz",
            "Exception",
            "NOAUTH",
            "WRONGPASS",
            "HELLO must be called",
            "Authentication required",
            "SYNC refused");

    private OurWords() {}

    /** One stderr line starting "statestore: ", naming each fragment, no library wording, no trace; exit {@code exit}. */
    static void assertOurWords(CliRunner.Result r, int exit, String... fragments) {
        assertEquals(exit, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), "exactly one stderr line\n" + r);
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("statestore: "), r.toString());
        for (String f : fragments) {
            assertTrue(line.contains(f), "stderr names \"" + f + "\"\n" + r);
        }
        for (String w : LIBRARY_WORDS) {
            assertFalse(line.contains(w), "no library wording \"" + w + "\"\n" + r);
        }
        assertFalse(r.err().contains("\tat "), "no stack trace without --debug\n" + r);
    }
}
