package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.Role;
import io.statestore.daemon.config.ConfigException;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.testing.RedisServerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Issue 16: restarts of the embedded server are bounded; then the daemon exits non-zero for systemd to act. */
class RestartBoundTest {
    @TempDir
    Path dir;

    @AfterEach
    void noServerLeft() throws java.io.IOException {
        RedisProcesses.killLeftovers(dir.resolve("data"));
    }

    private Path data;
    private int port;
    private int httpPort;

    private Path config(String backoff) throws IOException {
        data = dir.resolve("data");
        port = TestSupport.freePort();
        httpPort = TestSupport.freePort();
        return TestSupport.writeConfig(dir, """
                dataDir: %s
                embedded:
                  port: %d
                  restartBackoff: %s
                  maxRestartBackoff: %s
                  maxRestarts: 2
                  restartWindow: 1m
                http:
                  enabled: true
                  port: %d
                sweep:
                  enabled: false
                trim:
                  enabled: false
                backup:
                  enabled: false
                """.formatted(data, port, backoff, backoff, httpPort));
    }

    @Test
    void restartBoundDefaultsToFiveWithinFiveMinutesAndIsValidated() throws Exception {
        DaemonConfig.Embedded e =
                TestSupport.load(dir, "dataDir: " + dir + "\n").embedded();
        assertEquals(5, e.maxRestarts());
        assertEquals(Duration.ofMinutes(5), e.restartWindow());
        ConfigException bad = assertThrows(
                ConfigException.class,
                () -> TestSupport.load(dir, "embedded:\n  maxRestarts: -1\n  restartWindow: 0s\n"));
        assertTrue(
                bad.getMessage().contains("key 'embedded.maxRestarts': must be 0 or more, got -1"), bad.getMessage());
        assertTrue(
                bad.getMessage().contains("key 'embedded.restartWindow': must be a positive duration"),
                bad.getMessage());
    }

    @Test
    void thirdKillWithinTheWindowMakesTheDaemonExitNonZeroAfterReportingEachRestart() throws Exception {
        Path cfg = config("100ms");
        try (DaemonProcess daemon = DaemonProcess.start(cfg, dir.resolve("daemon.out"), false)) {
            awaitStarted(daemon);
            for (int kill = 1; kill <= 2; kill++) {
                long server = serverPid();
                DaemonProcess.kill("KILL", Long.toString(server));
                String restarts = Integer.toString(kill);
                TestSupport.await(Duration.ofSeconds(20), "restart " + kill + " in ss:status", () -> {
                    try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                        return restarts.equals(j.hget("ss:status", "embedded_restarts"));
                    } catch (RuntimeException e) {
                        return false;
                    }
                });
                try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                    assertEquals("killed by signal 9 (SIGKILL)", j.hget("ss:status", "embedded_last_exit"));
                }
                String metrics = metrics();
                assertTrue(metrics.contains("statestore_embedded_restarts " + kill), metrics);
                assertTrue(
                        metrics.contains("statestore_embedded_last_exit{reason=\"killed by signal 9 (SIGKILL)\"} 1"),
                        metrics);
            }
            DaemonProcess.kill("KILL", Long.toString(serverPid()));
            int code = daemon.exitWithinBound();
            String out = daemon.output();
            System.out.println(out);
            assertNotEquals(0, code, out);
            List<String> gaveUp =
                    out.lines().filter(l -> l.contains("giving up")).toList();
            assertEquals(1, gaveUp.size(), out);
            assertTrue(
                    gaveUp.get(0)
                            .contains(
                                    "giving up after 2 restarts within 1m (embedded.maxRestarts, embedded.restartWindow); last: (pid "),
                    gaveUp.get(0));
            assertTrue(gaveUp.get(0).contains("killed by signal 9 (SIGKILL)"), gaveUp.get(0));
            assertFalse(out.lines().anyMatch(l -> l.strip().startsWith("at ")), "no stack trace: " + out);
        }
        assertEquals(List.of(), RedisProcesses.of(data));
    }

    @Test
    void restartsRefusedBecauseThePortIsTakenCountAndSaySo() throws Exception {
        Path cfg = config("1s");
        Process foreign = null;
        try (DaemonProcess daemon = DaemonProcess.start(cfg, dir.resolve("daemon.out"), false)) {
            awaitStarted(daemon);
            // Something else takes the port before the daemon restarts its server. Raced against
            // the 1 s backoff, a redis-server exec slower than that (load 20) lost: the daemon
            // restarted its own server and never exited. So the daemon is stopped until the
            // foreign server answers, and only then sees its own server's death.
            daemon.signal("STOP", false);
            try {
                DaemonProcess.kill("KILL", Long.toString(serverPid()));
                // not onExit(): the killed server stays a zombie until its stopped parent reaps it
                TestSupport.await(DaemonProcess.JVM_BOUND, "the killed server's port closed", () -> !listening(port));
                foreign = startForeign();
                String foreignPid = "process_id:" + foreign.pid();
                TestSupport.await(DaemonProcess.JVM_BOUND, "the foreign server answering on the port", () -> {
                    try (Jedis j = new Jedis("127.0.0.1", port)) {
                        return j.info("server").lines().anyMatch(foreignPid::equals);
                    } catch (RuntimeException notYet) {
                        return false;
                    }
                });
            } finally {
                daemon.signal("CONT", false);
            }
            int code = daemon.exitWithinBound();
            String out = daemon.output();
            System.out.println(out);
            assertNotEquals(0, code, out);
            String afterKill = out.substring(out.indexOf("SIGKILL"));
            assertFalse(afterKill.contains("listening"), "no false 'listening': " + out);
            assertTrue(afterKill.contains("not restarted: port " + port + " is taken by another process"), out);
            assertTrue(
                    out.lines()
                            .filter(l -> l.contains("giving up"))
                            .findFirst()
                            .orElseThrow()
                            .contains("port " + port + " is taken by another process"),
                    out);
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                assertEquals(0, j.dbSize(), "nothing written to the server that took the port");
            }
        } finally {
            if (foreign != null) {
                foreign.destroy();
                foreign.waitFor();
            }
        }
    }

    private Process startForeign() throws IOException {
        return RedisServerExtension.startForeign(port, dir.resolve("foreign"));
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private long serverPid() throws IOException {
        return Long.parseLong(Files.readString(data.resolve("redis/redis.pid")).strip());
    }

    private void awaitStarted(DaemonProcess daemon) throws InterruptedException {
        TestSupport.await(DaemonProcess.JVM_BOUND, "daemon started", () -> {
            try {
                return daemon.output().contains(" started: ");
            } catch (IOException e) {
                return false;
            }
        });
    }

    private String metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
