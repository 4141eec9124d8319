package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: the daemon says what went wrong in our words. A Redis restart is logged one line per
 * event at WARN, without stack traces or the client library's wording unless the daemon runs with
 * --debug; an HTTP port already taken is named with the key to change.
 */
class DaemonErrorWordsTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private static final List<String> LIBRARY_WORDS = List.of(
            "redis.clients",
            "Jedis",
            "jedis",
            "Exception",
            "Unexpected end of stream",
            "Failed to connect",
            "Failed to create socket",
            "org.quartz");

    @TempDir
    Path dir;

    private Path config(String extra) throws IOException {
        return TestSupport.writeConfig(dir, """
                dataDir: %s
                redis:
                  url: %s
                daemon:
                  heartbeatInterval: 1s
                  heartbeatTtl: 3s
                %s
                """.formatted(dir.resolve("data"), redis.uri(), extra));
    }

    /** Runs a daemon across a Redis restart and returns its log once it has seen Redis back. */
    private String logAcrossARedisRestart(List<String> options) throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(config(""), dir.resolve("daemon.out"), false, options)) {
            TestSupport.await(
                    Duration.ofSeconds(60),
                    "the daemon started",
                    () -> output(daemon).contains("started"));
            redis.kill();
            try {
                TestSupport.await(
                        Duration.ofSeconds(60),
                        "a failed heartbeat logged",
                        () -> output(daemon).contains("heartbeat failed"));
            } finally {
                redis.start();
            }
            TestSupport.await(
                    Duration.ofSeconds(60),
                    "Redis seen back",
                    () -> output(daemon).contains("problem gone"));
            return output(daemon);
        }
    }

    private static String output(DaemonProcess d) {
        try {
            return d.output();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRedisRestartIsLoggedInOneLinePerEventWithoutStackTraces() throws Exception {
        String log = logAcrossARedisRestart(List.of());
        assertFalse(log.contains("\tat "), "no stack trace at the default level:\n" + log);
        for (String w : LIBRARY_WORDS) {
            assertFalse(log.contains(w), "no library wording \"" + w + "\":\n" + log);
        }
        String port = "127.0.0.1:" + redis.port();
        assertTrue(
                log.lines()
                        .anyMatch(
                                l -> l.contains("WARN") && l.contains("heartbeat failed: nothing listens on " + port)),
                log);
        assertTrue(log.contains("expiry listener disconnected: "), log);
    }

    @Test
    void withDebugTheStackTracesShow() throws Exception {
        String log = logAcrossARedisRestart(List.of("--debug"));
        assertTrue(log.contains("heartbeat failed: nothing listens on 127.0.0.1:" + redis.port()), log);
        assertTrue(log.contains("\tat "), "--debug logs the stack traces:\n" + log);
    }

    @Test
    void anHttpPortTakenIsNamedWithTheKeyToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Path cfg = config("http:\n  enabled: true\n  bind: 127.0.0.1\n  port: " + port + "\n");
            try (DaemonProcess daemon = DaemonProcess.start(cfg, dir.resolve("http.out"), false)) {
                assertEquals(1, daemon.exitWithin(60), daemon.output());
                String out = daemon.output();
                assertTrue(
                        out.contains("statestore: daemon failed to start: the HTTP endpoint cannot listen on 127.0.0.1:"
                                + port + ": the port is in use"),
                        out);
                assertTrue(out.contains("http.port"), out);
                assertFalse(out.contains("Address already in use"), out);
                assertFalse(out.contains("\tat "), out);
            }
        }
    }

    @Test
    void aServerThatWantsAPasswordIsNamedWithWhatToGive() throws Exception {
        int port = TestSupport.freePort();
        Process locked =
                RedisServerExtension.startForeign(port, dir.resolve("locked"), "--requirepass", "the-right-password");
        try {
            TestSupport.await(Duration.ofSeconds(10), "the server up", () -> {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            String url = "redis://127.0.0.1:" + port;
            Path cfg =
                    TestSupport.writeConfig(dir, "dataDir: " + dir.resolve("data") + "\nredis:\n  url: " + url + "\n");
            try (DaemonProcess daemon = DaemonProcess.start(cfg, dir.resolve("locked-daemon.out"), false)) {
                assertEquals(1, daemon.exitWithin(60), daemon.output());
                String out = daemon.output().strip();
                assertEquals(
                        "statestore: daemon failed to start: Redis at " + url + " requires a password: give"
                                + " --password-file FILE or set redis.passwordFile (docs/security.md)",
                        out);
            }
        } finally {
            locked.destroy();
            locked.waitFor();
        }
    }
}
