package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.statestore.client.Version;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * One version, from the build: every command's --version. The daemon's ss:status and start-up log
 * line are pinned by CommandsTest and OrderlyStopTest.
 */
class CliVersionTest {
    @Test
    void everyCommandAnswersVersionWithTheBuildsVersion() {
        assertFalse(Version.current().contains("${"), "the build filled in the version: " + Version.current());
        for (String[] args : new String[][] {
            {"--version"}, {"get", "--version"}, {"events", "tail", "--version"}, {"acl", "--version"}
        }) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Main.run(
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream()),
                    args);
            assertEquals(0, code, String.join(" ", args));
            assertEquals(
                    "statestore " + Version.current() + "\n",
                    out.toString(StandardCharsets.UTF_8),
                    String.join(" ", args));
        }
    }
}
