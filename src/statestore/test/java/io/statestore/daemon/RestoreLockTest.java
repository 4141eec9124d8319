package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.cli.BackupCommand;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A restore replaces the data directory: never while a daemon runs on it, whatever port either names. */
class RestoreLockTest {
    @TempDir
    Path dir;

    @Test
    void aRestoreIsRefusedWhileADaemonHoldsTheDataDirectoryOnAnotherPort() throws Exception {
        int port = TestSupport.freePort();
        Path data = dir.resolve("data");
        Daemon daemon = new Daemon(TestSupport.load(dir, "dataDir: %s\nembedded:\n  port: %d\n".formatted(data, port)));
        daemon.start();
        try {
            try (StateStore store =
                    StateStore.connect(TestSupport.as(data, port, Role.WRITER).build())) {
                store.put("kept:doc", Map.of("n", 1));
            }
            try (redis.clients.jedis.Jedis admin = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                admin.save();
            }
            Path backup = Files.copy(data.resolve("redis/dump.rdb"), dir.resolve("backup.rdb"));
            Path other = Files.writeString(
                    dir.resolve("other-port.yaml"),
                    "dataDir: %s\nembedded:\n  port: %d\n".formatted(data, TestSupport.freePort()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = new CommandLine(new BackupCommand(
                            Map.of("HOME", dir.toString()),
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8)))
                    .execute("--config", other.toString(), "restore", backup.toString());
            assertEquals(1, code);
            assertTrue(
                    err.toString(StandardCharsets.UTF_8).contains("another statestore daemon"),
                    err.toString(StandardCharsets.UTF_8));
            try (StateStore store =
                    StateStore.connect(TestSupport.as(data, port, Role.READER).build())) {
                assertEquals(
                        1,
                        store.get("kept:doc").orElseThrow().value().get("n").asInt(),
                        "the data directory was not touched");
            }
            assertTrue(Files.exists(data.resolve("redis/appendonlydir")), "the AOF was not set aside");
        } finally {
            daemon.stop();
        }
    }
}
