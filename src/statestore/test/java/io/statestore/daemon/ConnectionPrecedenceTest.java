package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.cli.BackupCommand;
import io.statestore.cli.Main;
import io.statestore.cli.StatusCommand;
import io.statestore.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/**
 * Issue 17, "connection options ignored": status and backup reach the server --redis or
 * STATESTORE_REDIS_URL names, not the config file's, and a refused connection names the server.
 */
class ConnectionPrecedenceTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Path cfg;
    private String deadUrl;

    @BeforeEach
    void setUp() throws IOException {
        deadUrl = "redis://127.0.0.1:" + freePort();
        // the config names a server nobody runs: only the flag or the environment leads to the test server
        cfg = TestSupport.writeConfig(dir, "redis:\n  url: " + deadUrl + "\ndataDir: " + dir.resolve("data") + "\n");
        try (Jedis j = redis.jedis()) {
            j.hset("ss:status", "marker", "the flag's server");
        }
    }

    static int freePort() throws IOException {
        return io.statestore.testing.FreePorts.pick();
    }

    private int main(String... args) {
        out.reset();
        err.reset();
        return Main.run(ps(out), ps(err), args);
    }

    private int run(Object cmd, String... args) {
        out.reset();
        err.reset();
        return new CommandLine(cmd).execute(args);
    }

    private static PrintStream ps(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statusReachesTheFlagsServerNotTheConfigs() {
        main("status", "--redis", redis.uri(), "--config", cfg.toString());
        assertTrue(out().contains("marker: the flag's server"), out() + err());
        assertFalse(err().contains("cannot reach"), err());
        // before the command too
        main("--redis", redis.uri(), "status", "--config", cfg.toString());
        assertTrue(out().contains("marker: the flag's server"), out() + err());
    }

    @Test
    void statusReachesTheEnvironmentsServer() {
        Map<String, String> env = Map.of("HOME", dir.toString(), "STATESTORE_REDIS_URL", redis.uri());
        run(new StatusCommand(env, ps(out), ps(err)), "--config", cfg.toString());
        assertTrue(out().contains("marker: the flag's server"), out() + err());
    }

    @Test
    void statusWithoutFlagOrEnvironmentUsesTheConfigAndNamesItWhenRefused() {
        assertEquals(1, main("status", "--config", cfg.toString()));
        assertTrue(err().contains("cannot reach Redis at " + deadUrl), err());
        assertEquals(1, main("status", "--redis", deadUrl + "/0", "--config", cfg.toString()));
        assertTrue(err().contains(deadUrl + "/0"), err());
    }

    @Test
    void backupNowReachesTheFlagsServer() throws Exception {
        assertEquals(0, main("backup", "now", "--redis", redis.uri(), "--config", cfg.toString()), err());
        try (var files = Files.list(dir.resolve("data").resolve("backups"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".rdb")), out());
        }
    }

    @Test
    void backupNowReachesTheEnvironmentsServer() {
        Map<String, String> env = Map.of("HOME", dir.toString(), "STATESTORE_REDIS_URL", redis.uri());
        assertEquals(0, run(new BackupCommand(env, ps(out), ps(err)), "--config", cfg.toString(), "now"), err());
        assertTrue(out().contains(".rdb"), out());
    }

    @Test
    void aRefusedBackupNamesTheServerItTried() {
        assertEquals(1, main("backup", "now", "--config", cfg.toString()));
        assertTrue(err().contains(deadUrl), err());
        String withPassword = deadUrl.replace("redis://", "redis://someone:secret@");
        assertEquals(1, main("backup", "now", "--redis", withPassword, "--config", cfg.toString()));
        assertTrue(err().contains("redis://someone:***@127.0.0.1"), err());
        assertFalse(err().contains("secret"), err());
    }

    @Test
    void withoutFlagEnvironmentOrConfigFileStatusFollowsTheConnectionFile() throws Exception {
        Path pw = dir.resolve("admin.password");
        Files.writeString(pw, "s3cret-admin\n");
        Path state = Files.createDirectories(dir.resolve(".local/share/statestore"));
        Files.writeString(state.resolve("connection.json"), """
                {"version": 1, "url": "%s", "passwordFiles": {"admin": "%s"}, "defaultUser": "writer"}
                """.formatted(redis.uri(), pw));
        Map<String, String> env = Map.of("HOME", dir.toString());
        try (Jedis j = redis.jedis()) {
            j.aclSetUser("admin", "on", ">s3cret-admin", "~*", "&*", "+@all");
        }
        try {
            run(new StatusCommand(env, ps(out), ps(err)));
            assertTrue(out().contains("marker: the flag's server"), out() + err());
            // a config file comes before the connection file
            assertEquals(1, run(new StatusCommand(env, ps(out), ps(err)), "--config", cfg.toString()));
            assertTrue(err().contains("cannot reach Redis at " + deadUrl), err());
        } finally {
            try (Jedis j = redis.jedis()) {
                j.aclDelUser("admin");
            }
        }
    }
}
