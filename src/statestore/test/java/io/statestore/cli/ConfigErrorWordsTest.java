package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: a bad daemon config file is reported in one line in our words, by every command that
 * loads it: the file, the line and column of a syntax error, the key of a wrong value, what was
 * given and what was expected; no YAML parser, binder or scheduler wording.
 */
class ConfigErrorWordsTest {
    private static final List<String> LIBRARY_WORDS = List.of(
            "com.fasterxml",
            "Jackson",
            "jackson",
            "snakeyaml",
            "SnakeYAML",
            "org.yaml",
            "quartz",
            "Quartz",
            "Exception",
            "<block",
            "in 'reader'",
            "Cannot deserialize",
            "JsonToken",
            "`int`",
            "Illegal characters for this position",
            "Unexpected end of expression");

    @TempDir
    Path dir;

    private Path config(String name, String yaml) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    /** One stderr line naming the file and each fragment, exit 1, no library wording, no stack trace. */
    private CliRunner.Result assertOneLine(Path file, String command, String... fragments) {
        CliRunner.Result r = command.equals("daemon")
                ? daemon(file)
                : new CliRunner("redis://127.0.0.1:1", dir).runRaw(new byte[0], command, "--config", file.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), "exactly one stderr line\n" + r);
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("statestore: invalid configuration in " + file + ": "), r.toString());
        for (String f : fragments) {
            assertTrue(line.contains(f), "stderr names \"" + f + "\"\n" + r);
        }
        for (String w : LIBRARY_WORDS) {
            assertFalse(line.contains(w), "no library wording \"" + w + "\"\n" + r);
        }
        assertFalse(r.err().contains("\tat "), r.toString());
        return r;
    }

    // the daemon writes to the process's stderr (it runs as a process of its own): given a stream here
    private static CliRunner.Result daemon(Path file) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = new picocli.CommandLine(new DaemonCommand(
                        java.util.Map.of(),
                        new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8),
                        false))
                .execute("--config", file.toString());
        return new CliRunner.Result(code, "", err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aYamlSyntaxErrorIsOneLineWithLineAndColumnForStatusAndDaemon() throws IOException {
        Path f = config("bad.yaml", "redis:\n  keyPrefix: \"ss:\"\n bad: x\n");
        for (String command : List.of("status", "daemon")) {
            assertOneLine(f, command, "line 3, column 2", "the indentation does not line up", "(not valid YAML)");
        }
    }

    @Test
    void aSecondColonAndATabAreExplained() throws IOException {
        assertOneLine(
                config("colon.yaml", "backup:\n  schedule: a: b\n"),
                "status",
                "line 2, column 14",
                "quote a value that holds \": \"");
        assertOneLine(config("tab.yaml", "backup:\n\tkeep: 3\n"), "status", "line 2", "a tab character");
        assertOneLine(config("open.yaml", "backup: [1,\n"), "status", "the file ends before the value is complete");
    }

    @Test
    void aValueOfTheWrongKindNamesItsKeyWhatWasGivenAndWhatIsExpected() throws IOException {
        assertOneLine(
                config("port.yaml", "embedded:\n  port: abc\n"),
                "status",
                "key 'embedded.port': \"abc\" is not a whole number");
        assertOneLine(
                config("keep.yaml", "backup:\n  keep: [1]\n"),
                "status",
                "key 'backup.keep': the list [1] is not a whole number");
        assertOneLine(config("section.yaml", "backup: 3\n"), "status", "key 'backup': 3 is not a mapping of settings");
        assertOneLine(
                config("flag.yaml", "http:\n  enabled: maybe\n"),
                "status",
                "key 'http.enabled': \"maybe\" is not true or false");
        assertOneLine(
                config("big.yaml", "embedded:\n  port: 99999999999\n"),
                "status",
                "key 'embedded.port': 99999999999 is out of range");
        assertOneLine(config("unknown.yaml", "backup:\n  kep: 3\n"), "status", "key 'backup.kep': unknown setting");
    }

    @Test
    void aBadCronScheduleNamesTheFieldAndTheExpectedForm() throws IOException {
        Path f = config("cron.yaml", "backup:\n  schedule: \"0 0 BOG * * ?\"\n");
        for (String command : List.of("status", "daemon")) {
            assertOneLine(
                    f,
                    command,
                    "key 'backup.schedule': \"0 0 BOG * * ?\" is not a cron expression",
                    "the hours field \"BOG\"",
                    "expected six or seven fields",
                    "e.g. \"0 0 3 * * ?\"");
        }
        assertOneLine(
                config("five.yaml", "sweep:\n  schedule: \"0 3 * * *\"\n"),
                "status",
                "key 'sweep.schedule': \"0 3 * * *\" has 5 fields",
                "expected six or seven fields");
        assertOneLine(
                config("both.yaml", "trim:\n  schedule: \"0 0 3 1 * 2\"\n"),
                "status",
                "key 'trim.schedule'",
                "both day-of-month and day-of-week; one of them must be ?");
    }
}
