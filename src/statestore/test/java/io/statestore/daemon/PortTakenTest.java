package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Issue 16: a port held by a server that is not this data directory's: one line, exit 1, nothing written there. */
class PortTakenTest {
    @TempDir
    Path dir;

    @AfterEach
    void noServerLeft() throws java.io.IOException {
        RedisProcesses.killLeftovers(dir.resolve("data"));
    }

    @Test
    void foreignRedisServerOnThePortIsLeftUntouchedAndTheDaemonExitsNamingThePort() throws Exception {
        int port = TestSupport.freePort();
        Path foreignDir = Files.createDirectories(dir.resolve("foreign"));
        Process foreign = RedisServerExtension.startForeign(port, foreignDir);
        try {
            TestSupport.await(Duration.ofSeconds(10), "foreign server up", () -> {
                try (Jedis j = new Jedis("127.0.0.1", port)) {
                    return "PONG".equals(j.ping());
                } catch (RuntimeException e) {
                    return false;
                }
            });
            Path data = dir.resolve("data");
            Path cfg = TestSupport.writeConfig(dir, """
                    dataDir: %s
                    embedded:
                      port: %d
                    http:
                      enabled: false
                    """.formatted(data, port));
            try (DaemonProcess daemon = DaemonProcess.start(cfg, dir.resolve("daemon.out"), false)) {
                int code = daemon.exitWithinBound();
                String out = daemon.output().strip();
                System.out.println("daemon exit " + code + ": " + out);
                assertNotEquals(0, code, out);
                assertEquals(1, out.lines().count(), "one line: " + out);
                assertTrue(
                        out.contains("port " + port + " is taken by another process (not this data directory's"
                                + " redis-server); stop it or set embedded.port"),
                        out);
            }
            assertTrue(foreign.isAlive(), "the foreign server was not stopped");
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                assertEquals(0, j.dbSize(), "no key written to the foreign server");
                assertEquals(List.of(), j.functionList(), "no function library installed there");
            }
            assertEquals(List.of(), RedisProcesses.of(data), "no redis-server of ours started");
            assertFalse(Files.exists(data.resolve("connection.json")), "no connection file naming the foreign server");
        } finally {
            foreign.destroy();
            foreign.waitFor();
        }
    }
}
