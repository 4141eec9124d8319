package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.cli.BackupCommand;
import io.statestore.cli.StatusCommand;
import io.statestore.client.StrictJson;
import io.statestore.client.Version;
import io.statestore.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

class CommandsTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Callable<Integer> cmd, String... args) {
        out.reset();
        err.reset();
        return new CommandLine(cmd).execute(args);
    }

    private PrintStream ps(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }

    @Test
    void statusReflectsLivenessAndLastBackupAndBackupCommandsWork() throws Exception {
        Path cfg = TestSupport.writeConfig(dir, """
                redis:
                  url: %s
                dataDir: %s
                daemon:
                  id: cli-test
                backup:
                  keep: 2
                seriesStore:
                  enabled: false
                """.formatted(redis.uri(), dir.resolve("data")));
        // the series job writes keys every few seconds: the restored key count below is compared with the live server's
        Map<String, String> env = Map.of("HOME", dir.toString());
        String c = cfg.toString();
        Daemon daemon = new Daemon(new io.statestore.daemon.config.ConfigLoader().load(cfg, env));
        daemon.start();
        try {
            TestSupport.await(java.time.Duration.ofSeconds(30), "heartbeat", () -> {
                try (Jedis j = redis.jedis()) {
                    return j.exists("ss:heartbeat:cli-test");
                }
            });
            assertEquals(0, run(new StatusCommand(env, ps(out), ps(err)), "--config", c, "--json"), err.toString());
            JsonNode s = StrictJson.mapper().readTree(out.toString(StandardCharsets.UTF_8));
            assertTrue(s.get("alive").asBoolean());
            assertEquals("portable", s.get("status").get("mode").asText());
            assertEquals(
                    Version.current(),
                    s.get("status").get("version").asText(),
                    "ss:status carries the build's version");

            assertEquals(0, run(new BackupCommand(env, ps(out), ps(err)), "--config", c, "now"), err.toString());
            String file = out.toString(StandardCharsets.UTF_8).split("\t")[0];
            try (Jedis j = redis.jedis()) { // recorded like the daemon's job, naming the CLI
                assertEquals("ok", j.hget("ss:status", "backup_result"));
                assertTrue(
                        j.hget("ss:status", "backup_daemon").startsWith("cli:"), j.hget("ss:status", "backup_daemon"));
            }
            assertEquals(
                    0, run(new BackupCommand(env, ps(out), ps(err)), "--config", c, "verify", file), err.toString());
            String verified = out.toString(StandardCharsets.UTF_8);
            assertTrue(
                    verified.contains("ok (redis-check-rdb)") || verified.contains("older than this RDB format"),
                    verified);
            assertEquals(0, run(new BackupCommand(env, ps(out), ps(err)), "--config", c, "list"));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains(file));
            assertEquals(0, run(new BackupCommand(env, ps(out), ps(err)), "--config", c, "restore", file));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("external"), "prints the manual steps");
            assertEquals(2, run(new BackupCommand(env, ps(out), ps(err)), "--config", c, "sideways"));

            // restore into an embedded server's data directory (daemon not running)
            Path embeddedCfg = dir.resolve("embedded.yaml");
            // The same server binary as the test server, so the restored RDB format matches.
            java.nio.file.Files.writeString(
                    embeddedCfg,
                    "dataDir: %s\nembedded:\n  port: %d\n  binary: %s\n"
                            .formatted(
                                    dir.resolve("emb"), TestSupport.freePort(), RedisServerExtension.serverBinary()));
            long keys;
            try (Jedis j = redis.jedis()) {
                keys = j.dbSize();
            }
            assertEquals(
                    0,
                    run(new BackupCommand(env, ps(out), ps(err)), "--config", embeddedCfg.toString(), "restore", file),
                    err.toString());
            assertTrue(
                    out.toString(StandardCharsets.UTF_8).contains("restored " + file + ": " + keys + " keys"),
                    out.toString());
            var emb = new io.statestore.daemon.config.ConfigLoader().load(embeddedCfg, env);
            try (var server = new io.statestore.daemon.redis.EmbeddedRedis(emb.embedded(), emb.redisDataPath())) {
                server.start(); // the normal way, AOF on: the data must come back from the rebuilt AOF
                try (Jedis j = new Jedis("127.0.0.1", emb.embedded().port())) {
                    assertEquals(keys, j.dbSize());
                }
            }

            try (Jedis j = redis.jedis()) {
                j.hset("ss:status", Map.of("backup_result", "failed", "backup_error", "disk full"));
            }
            assertEquals(1, run(new StatusCommand(env, ps(out), ps(err)), "--config", c));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("last backup failed"));
        } finally {
            daemon.stop();
        }
        try (Jedis j = redis.jedis()) {
            j.hset("ss:status", "backup_result", "ok");
        }
        assertEquals(1, run(new StatusCommand(env, ps(out), ps(err)), "--config", c));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no daemon is alive"));
    }
}
