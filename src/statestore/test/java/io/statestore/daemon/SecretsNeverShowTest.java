package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.statestore.client.Role;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * Issue 15: no password of any role shows in a command line, an environment, a log line,
 * ss:status, /metrics, the ACL or the connection file; also when the daemon is given its
 * password in a URL.
 */
class SecretsNeverShowTest {
    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void captureLogs() {
        log.start();
        root.addAppender(log);
    }

    @AfterEach
    void releaseLogs() {
        root.detachAppender(log);
        log.stop();
    }

    @Test
    void noPasswordShowsAnywhere() throws Exception {
        Path data = dir.resolve("data");
        int port = TestSupport.freePort();
        Daemon daemon = new Daemon(TestSupport.load(dir, """
                dataDir: %s
                embedded:
                  port: %d
                http:
                  enabled: true
                  port: %d
                """.formatted(data, port, TestSupport.freePort())));
        Daemon second = null;
        Process watch = null;
        try {
            daemon.start();
            Map<String, String> passwords = new LinkedHashMap<>();
            for (Role r : Role.values()) {
                passwords.put(
                        r.userName(),
                        Files.readString(data.resolve("secrets/" + r.userName() + ".password"))
                                .strip());
            }
            Map<String, String> places = new LinkedHashMap<>();
            long serverPid = daemon.embedded().orElseThrow().pid();
            places.put("redis-server cmdline", proc(serverPid, "cmdline"));
            places.put("redis-server environ", proc(serverPid, "environ"));
            places.put("daemon (test JVM) cmdline", proc(ProcessHandle.current().pid(), "cmdline"));
            places.put("daemon (test JVM) environ", proc(ProcessHandle.current().pid(), "environ"));
            watch = startWatch(data.resolve("connection.json"));
            places.put("CLI watch cmdline", proc(watch.pid(), "cmdline"));
            places.put("CLI watch environ", proc(watch.pid(), "environ"));
            watch.destroy();
            try (Jedis admin = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                places.put("ss:status", admin.hgetAll("ss:status").toString());
                places.put("ACL LIST", String.join("\n", admin.aclList()));
            }
            places.put(
                    "/metrics",
                    httpGet("http://127.0.0.1:" + daemon.http().orElseThrow().port() + "/metrics"));
            places.put("users.acl", Files.readString(data.resolve("redis/users.acl")));
            places.put("connection.json", Files.readString(data.resolve("connection.json")));
            places.put("daemon log", logText());
            assertNoneContains(places, passwords);

            // the same server reached by a second daemon through a URL with the admin's password
            log.list.clear();
            String admin = passwords.get("admin");
            Path data2 = dir.resolve("data2");
            Path dir2 = Files.createDirectories(dir.resolve("second"));
            second = new Daemon(TestSupport.load(dir2, """
                    redis:
                      url: redis://admin:%s@127.0.0.1:%d
                    dataDir: %s
                    daemon:
                      id: second
                    """.formatted(admin, port, data2)));
            second.start();
            String redisField;
            try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                redisField = j.hget("ss:status", "redis");
            }
            assertTrue(redisField.contains("127.0.0.1:" + port), redisField);
            second.stop();
            Map<String, String> secondPlaces = new LinkedHashMap<>();
            secondPlaces.put("ss:status redis (second daemon)", redisField);
            secondPlaces.put("connection.json (second daemon)", Files.readString(data2.resolve("connection.json")));
            secondPlaces.put("log (second daemon)", logText());
            // the start line names the server, so the scan above looked at a URL that once held the password
            assertTrue(
                    secondPlaces.get("log (second daemon)").contains("127.0.0.1:" + port),
                    secondPlaces.get("log (second daemon)"));
            assertNoneContains(secondPlaces, Map.of("admin", admin));
        } finally {
            if (watch != null) {
                watch.destroyForcibly();
            }
            if (second != null) {
                second.stop();
            }
            daemon.stop();
        }
    }

    private static void assertNoneContains(Map<String, String> places, Map<String, String> passwords) {
        List<String> leaks = new ArrayList<>();
        places.forEach((where, text) -> {
            assertFalse(text.isEmpty(), where + " was read");
            passwords.forEach((role, pw) -> {
                if (text.contains(pw)) {
                    leaks.add(role + " password in " + where);
                }
            });
        });
        assertEquals(List.of(), leaks);
    }

    /** A CLI that stays connected, as a dashboard's watch would; returned once it is watching. */
    private Process startWatch(Path connectionFile) throws Exception {
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "io.statestore.cli.Main",
                "watch");
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectError(dir.resolve("watch.err").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("STATESTORE_") || k.equals("CREDENTIALS_DIRECTORY"));
        pb.environment().put("STATESTORE_CONNECTION_FILE", connectionFile.toString());
        Process p = pb.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (java.io.IOException ignored) {
                // the process was destroyed
            }
        });
        reader.setDaemon(true);
        reader.start();
        TestSupport.await(Duration.ofSeconds(15), "the watch's first line (it has authenticated)", () -> {
            if (!p.isAlive()) {
                throw new AssertionError("watch exited: " + readQuietly(dir.resolve("watch.err")));
            }
            return !lines.isEmpty();
        });
        return p;
    }

    private static String readQuietly(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String proc(long pid, String what) throws java.io.IOException {
        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), what)), StandardCharsets.UTF_8)
                .replace('\0', ' ');
    }

    private static String httpGet(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    /** Every captured line: the formatted message and the messages of its exception and causes. */
    private String logText() {
        StringBuilder b = new StringBuilder();
        for (ILoggingEvent e : List.copyOf(log.list)) {
            b.append(e.getFormattedMessage()).append('\n');
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                b.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
            }
        }
        return b.toString();
    }
}
