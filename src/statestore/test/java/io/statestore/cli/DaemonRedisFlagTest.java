package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.daemon.Daemon;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.status.DaemonRegistry;
import io.statestore.testing.RedisServerExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/** Issue 17: {@code daemon --redis URL} runs against that server and starts no embedded redis-server. */
class DaemonRedisFlagTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    private DaemonCommand parse(String... args) {
        PrintStream ps = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CommandLine cli = new CommandLine(new Main(new CliIo(new ByteArrayInputStream(new byte[0]), ps, ps, dir)));
        Subcommands.addTo(cli, args);
        cli.setExpandAtFiles(false);
        CommandLine.ParseResult pr = cli.parseArgs(args);
        return (DaemonCommand) pr.subcommand().commandSpec().userObject();
    }

    @Test
    void daemonWithRedisFlagRunsAgainstThatServerWithoutAnEmbeddedOne() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        Path cfg = dir.resolve("statestore.yaml");
        Files.writeString(
                cfg,
                "redis:\n  url: redis://127.0.0.1:" + dead + "\ndataDir: " + dir.resolve("data")
                        + "\ndaemon:\n  id: flag-test\n");
        DaemonConfig c = parse("daemon", "--redis", redis.uri(), "--config", cfg.toString())
                .loadConfig();
        assertEquals(redis.uri(), c.redis().url());
        // before the command too, and with no config file at all (the built-in default is the embedded server)
        DaemonConfig noFile = parse("--redis", redis.uri(), "daemon").loadConfig();
        assertFalse(noFile.redis().embedded(), "--redis must turn the embedded server off");
        assertTrue(parse("daemon").loadConfig().redis().embedded(), "without --redis the default stays embedded");

        Daemon daemon = new Daemon(c);
        try {
            daemon.start();
            assertTrue(daemon.embedded().isEmpty(), "no embedded redis-server");
            boolean registered = false;
            for (long until = System.nanoTime() + 30_000_000_000L; // a hang guard: a heartbeat takes ms
                    !registered && System.nanoTime() < until;
                    Thread.sleep(50)) {
                try (Jedis j = redis.jedis()) {
                    registered = j.hexists(DaemonRegistry.key("ss:"), "flag-test");
                }
            }
            assertTrue(registered, "the daemon registered on the flag's server");
        } finally {
            daemon.stop();
        }
    }

    @Test
    void passwordFileFlagIsTheDaemonsRedisPasswordFile() throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "x\n");
        DaemonConfig c =
                parse("daemon", "--redis", redis.uri(), "--password-file", "pw").loadConfig();
        assertEquals(dir.resolve("pw").toString(), c.redis().passwordFile());
    }
}
