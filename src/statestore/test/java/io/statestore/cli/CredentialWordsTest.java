package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Issue 17: a server that wants a password, asked without one or with a wrong one, is answered in
 * our words (the URL, what to give, exit 6) by every command, including status and backup now,
 * which talk to Redis on their own connections; and a restore refused because the embedded server
 * runs names it as host:port.
 */
class CredentialWordsTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static Path rdb;

    @BeforeAll
    static void aPasswordIsRequired() throws IOException {
        try (Jedis j = redis.jedis()) {
            j.set("k", "v");
            j.save();
            rdb = Files.copy(
                    redis.dataDir().resolve("dump.rdb"),
                    shared.resolve("saved.rdb"),
                    StandardCopyOption.REPLACE_EXISTING);
            j.configSet("requirepass", "the-right-password");
        }
    }

    /**
     * For backup: a config whose data directory is this test's, since a backup made ready its
     * directory under the real home's default data directory before Redis refused it.
     */
    private List<String> ownDataDir(List<String> command) {
        if (!command.get(0).equals("backup")) {
            return List.of();
        }
        try {
            Path config = Files.writeString(dir.resolve("own-data.yaml"), "dataDir: " + dir.resolve("data") + "\n");
            return List.of("--config", config.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private CliRunner.Result run(String... args) {
        return new CliRunner(redis.uri(), dir).runRaw(new byte[0], args);
    }

    @Test
    void noPasswordIsNamedByEveryCommandWithWhatToGive() {
        for (List<String> command : List.of(List.of("get", "k"), List.of("status"), List.of("backup", "now"))) {
            List<String> args = new java.util.ArrayList<>(List.of("--redis", redis.uri()));
            args.addAll(command);
            args.addAll(ownDataDir(command));
            OurWords.assertOurWords(
                    run(args.toArray(String[]::new)),
                    6,
                    "Redis at " + redis.uri() + " requires a credential",
                    "--password-file",
                    "docs/security.md");
        }
    }

    @Test
    void aWrongPasswordIsNamedByStatusAndBackup() throws IOException {
        Files.writeString(dir.resolve("wrong.pw"), "not-the-password\n");
        for (List<String> command : List.of(List.of("status"), List.of("backup", "now"))) {
            List<String> args =
                    new java.util.ArrayList<>(List.of("--redis", redis.uri(), "--password-file", "wrong.pw"));
            args.addAll(command);
            args.addAll(ownDataDir(command));
            OurWords.assertOurWords(
                    run(args.toArray(String[]::new)),
                    6,
                    "Redis at " + redis.uri() + " refused the password",
                    "wrong password, or the user is off");
        }
    }

    @Test
    void aMissingPasswordFileIsNamedOnceWithNoSuchFile() {
        CliRunner.Result r = run("--redis", redis.uri(), "--password-file", "missing.pw", "get", "k");
        assertEquals(1, r.errLines().size(), r.toString());
        String line = r.errLines().get(0);
        assertTrue(
                line.contains("cannot read Redis password file " + dir.resolve("missing.pw") + ": no such file"), line);
        assertEquals(1, line.split("missing.pw", -1).length - 1, "the file named once: " + line);
    }

    @Test
    void aRestoreRefusedWhileTheEmbeddedServerRunsNamesItAsHostAndPort() throws IOException {
        try (ServerSocket running = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = running.getLocalPort();
            Path config = dir.resolve("embedded.yaml");
            Files.writeString(
                    config,
                    "dataDir: " + dir.resolve("data") + "\nembedded:\n  bind: 127.0.0.1\n  port: " + port + "\n");
            CliRunner.Result r = run("backup", "restore", rdb.toString(), "--config", config.toString());
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().contains("the embedded server is running (127.0.0.1:" + port + ")"), r.toString());
            assertFalse(r.err().contains("/127.0.0.1"), r.toString());
        }
    }
}
