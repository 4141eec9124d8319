package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.daemon.redis.EmbeddedRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

class EmbeddedServerTest {
    @TempDir
    Path dir;

    @Test
    void embeddedServerSurvivesKillNineWithDataFromAofAndStopsCleanly() throws Exception {
        int port = TestSupport.freePort();
        int httpPort = TestSupport.freePort();
        Daemon daemon = started("""
                embedded:
                  port: %d
                  restartBackoff: 100ms
                http:
                  enabled: true
                  port: %d
                """.formatted(port, httpPort));
        try {
            checkKillNineAndHttp(daemon, port, httpPort);
        } finally {
            daemon.stop(); // also when an assertion failed: never leave the child running
        }
        EmbeddedRedis server = daemon.embedded().orElseThrow();
        assertFalse(server.alive());
        assertTrue(
                Files.readString(dir.resolve("data/redis/redis.log")).contains("DB saved on disk"),
                "stopped with a save");
        assertOwnerOnly(dir.resolve("data"));
    }

    /** Whatever the umask (the suite runs with 022): the state is the daemon user's alone. */
    private static void assertOwnerOnly(Path data) throws java.io.IOException {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)), data.toString());
        try (var all = Files.walk(data)) {
            for (Path p : all.filter(p -> !Files.isSymbolicLink(p)
                            && !p.getFileName().toString().endsWith(".sock"))
                    .toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                boolean others = mode.substring(3).chars().anyMatch(c -> c != '-');
                assertFalse(others, p + " is " + mode + ": readable or writable by group or others");
            }
        }
        assertTrue(Files.exists(data.resolve("redis/dump.rdb")), "the RDB was written and checked");
        assertTrue(Files.list(data.resolve("redis/appendonlydir")).findAny().isPresent(), "the AOF files were checked");
    }

    @Test
    void anEmbeddedServerWithAPasswordStartsServesAndStops() throws Exception {
        int port = TestSupport.freePort();
        Path pw = dir.resolve("redis-password");
        Files.writeString(pw, "s3cret-for-test\n");
        Daemon daemon =
                started("""
                acl:
                  enabled: false
                redis:
                  passwordFile: %s
                embedded:
                  port: %d
                  extraArgs: [--requirepass, s3cret-for-test]
                """.formatted(pw, port)); // its start-up PING used to go without the password and time out
        try {
            try (StateStore store = StateStore.connect(io.statestore.client.StateStoreOptions.builder()
                    .uri("redis://127.0.0.1:" + port)
                    .passwordFile(pw)
                    .build())) {
                assertEquals(1, store.put("secured:doc", Map.of("n", 1)).revision());
            }
            try (Jedis anonymous = new Jedis("127.0.0.1", port)) {
                assertTrue(org.junit.jupiter.api.Assertions.assertThrows(
                                redis.clients.jedis.exceptions.JedisDataException.class,
                                () -> anonymous.get("secured:doc"))
                        .getMessage()
                        .startsWith("NOAUTH"));
            }
        } finally {
            daemon.stop();
        }
        assertFalse(daemon.embedded().orElseThrow().alive());
        assertTrue(
                Files.readString(dir.resolve("data/redis/redis.log")).contains("DB saved on disk"),
                "stopped with a save");
    }

    @Test
    void httpEndpointsBeyondLoopbackAskForTheGeneratedBearerToken() throws Exception {
        int port = TestSupport.freePort();
        int httpPort = TestSupport.freePort();
        Daemon daemon = started("""
                embedded:
                  port: %d
                http:
                  enabled: true
                  bind: 0.0.0.0
                  port: %d
                """.formatted(port, httpPort));
        try {
            Path tokenFile = dir.resolve("data").resolve(io.statestore.daemon.status.HttpToken.FILE);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            String token = Files.readString(tokenFile).strip();
            assertEquals(64, token.length(), "256 random bits, hex");
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + httpPort + "/health");
            assertEquals(
                    401,
                    http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            assertEquals(
                    401,
                    http.send(
                                    HttpRequest.newBuilder(health)
                                            .header("Authorization", "Bearer wrong")
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            assertEquals(
                    200,
                    http.send(
                                    HttpRequest.newBuilder(health)
                                            .header("Authorization", "Bearer " + token)
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, metrics.statusCode());
            assertFalse(metrics.body().contains(token), "the refusal does not tell the token");
        } finally {
            daemon.stop();
        }
    }

    @Test
    void theDaemonSetsTheStoreSettingsFromItsConfig() throws Exception {
        int port = TestSupport.freePort();
        Daemon daemon = started("""
                redis:
                  feedMaxLength: 500
                  jsonCheck: false
                embedded:
                  port: %d
                trim:
                  events:
                    maxLength: 7000
                """.formatted(port));
        try (Jedis j = TestSupport.jedisAs(dir.resolve("data"), port, Role.READER)) {
            assertEquals(Map.of("feedmax", "500", "jsoncheck", "off"), j.hgetAll("ss:config"));
            assertEquals("7000", j.hget("ss:{ev}:config", "maxlen"));
        } finally {
            daemon.stop();
        }
    }

    /** A daemon on this test's data directory with the given YAML (dataDir added), started. */
    private Daemon started(String yaml) throws Exception {
        Daemon daemon = new Daemon(TestSupport.load(dir, "dataDir: " + dir.resolve("data") + "\n" + yaml));
        daemon.start();
        return daemon;
    }

    private void checkKillNineAndHttp(Daemon daemon, int port, int httpPort) throws Exception {
        EmbeddedRedis server = daemon.embedded().orElseThrow();
        Path data = dir.resolve("data");
        try (StateStore store =
                StateStore.connect(TestSupport.as(data, port, Role.WRITER).build())) {
            for (int i = 0; i < 100; i++) {
                store.put("quantum:day:" + i, Map.of("n", i));
            }
            assertTrue(Files.exists(server.socket()), "unix socket");
            try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                assertEquals("yes", j.configGet("appendonly").get("appendonly"));
                assertEquals("everysec", j.configGet("appendfsync").get("appendfsync"));
                assertTrue(j.configGet("notify-keyspace-events")
                        .get("notify-keyspace-events")
                        .contains("x"));
                assertTrue(j.hgetAll("ss:status").containsKey("server_version"));
            }
            long pid = server.pid();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            TestSupport.await(
                    Duration.ofSeconds(20), "restart after kill -9", () -> server.restarts() == 1 && server.alive());
            assertTrue(server.pid() != pid);
        }
        // a fresh client: the core client's pooled connections do not survive a server restart (see report)
        try (StateStore store =
                StateStore.connect(TestSupport.as(data, port, Role.READER).build())) {
            Map<String, JsonNode> after = new java.util.HashMap<>();
            for (int i = 0; i < 100; i++) {
                after.put(
                        "quantum:day:" + i,
                        store.get("quantum:day:" + i).orElseThrow().value());
            }
            assertEquals(100, after.size());
            assertEquals(42, after.get("quantum:day:42").get("n").asInt());
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        String metrics = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertTrue(metrics.contains("statestore_embedded_restarts 1"), metrics);
        assertTrue(metrics.contains("statestore_feed_length 100"), metrics);
        assertTrue(metrics.contains("statestore_feed_entries_added 100"), metrics);
    }
}
