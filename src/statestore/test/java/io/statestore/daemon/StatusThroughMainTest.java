package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.cli.Main;
import io.statestore.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's commands run through Main print to the streams Main was given, like every other command. */
class StatusThroughMainTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Test
    void statusWithoutADaemonExitsOneAndSaysSoOnMainsErrorStream(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("statestore.yaml");
        Files.writeString(cfg, "redis:\n  url: " + redis.uri() + "\ndataDir: " + dir + "\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                "status",
                "--config",
                cfg.toString());
        assertEquals(1, exit);
        assertTrue(
                err.toString(StandardCharsets.UTF_8).contains("no daemon is alive"),
                err.toString(StandardCharsets.UTF_8));
        assertTrue(
                out.toString(StandardCharsets.UTF_8).contains("daemons alive: none"),
                out.toString(StandardCharsets.UTF_8));
    }
}
