package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.daemon.backup.ClusterBackup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup verify/restore SET} on a set that is not one, or is damaged, and a set given with
 * a server that is not a cluster: refused in our words, naming what is wrong, before any server
 * is asked anything (the cluster URLs point nowhere; the one server only makes a real RDB).
 */
class BackupSetRefusalsTest {
    private static final String ENTRY = "{\"file\":\"slots-0.rdb\",\"node\":\"n1\",\"address\":\"h:1\","
            + "\"slots\":\"0-16383\",\"size\":9,\"sha256\":\"00\"}";

    @org.junit.jupiter.api.extension.RegisterExtension
    static io.statestore.testing.RedisServerExtension redis = io.statestore.testing.RedisServerExtension.portable();

    @TempDir
    Path dir;

    @Test
    void aSetWithAStandaloneServerIsAUsageErrorBeforeTheSetIsRead() throws Exception {
        Path set = Files.createDirectories(dir.resolve("statestore-cluster-x")); // not even a manifest
        String[] r = run(config("redis://127.0.0.1:1"), Map.of(), "restore", set.toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(
                r[2].contains("is a cluster backup set, and the server (redis://127.0.0.1:1) is not a cluster"), r[2]);
    }

    @Test
    void theServerGivenInTheEnvironmentDecidesNotTheConfigFile() throws Exception {
        Path set = Files.createDirectories(dir.resolve("statestore-cluster-x"));
        String[] r = run(
                config("redis://127.0.0.1:1"),
                Map.of("STATESTORE_REDIS_URL", "redis-cluster://127.0.0.1:1"),
                "restore",
                set.toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains(set + " is not a cluster backup set: it has no manifest.json"), r[2]);
    }

    @Test
    void oneServersBackupWithAClusterFromTheEnvironmentIsRefusedNotRestoredIntoTheEmbeddedServer() throws Exception {
        Path rdb = dir.resolve("dump.rdb"); // a real one: it passes the verifier
        try (redis.clients.jedis.Jedis j = redis.jedis()) {
            j.save();
        }
        Files.copy(redis.dataDir().resolve("dump.rdb"), rdb);
        int freePort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            freePort = s.getLocalPort(); // no embedded server runs there: a restore would go ahead
        }
        Path config = dir.resolve("embedded.yaml"); // no redis.url: the embedded server's data directory
        Files.writeString(config, """
                dataDir: %s
                embedded:
                  port: %d
                acl:
                  enabled: false
                http:
                  enabled: false
                """.formatted(Files.createDirectories(dir.resolve("data")), freePort));
        String[] r =
                run(config, Map.of("STATESTORE_REDIS_URL", "redis-cluster://127.0.0.1:1"), "restore", rdb.toString());
        assertEquals("2", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("is one server's backup; a cluster is restored from a set"), r[2]);
        try (var restored = Files.walk(dir.resolve("data"))) {
            assertEquals(List.of(), restored.filter(Files::isRegularFile).toList(), "nothing restored");
        }
    }

    @Test
    void aDamagedManifestIsNamedInOurWords() throws Exception {
        Path set = Files.createDirectories(dir.resolve("statestore-cluster-x"));
        Files.writeString(set.resolve("slots-0.rdb"), "REDIS0011");
        Map<String, String> damaged = Map.of(
                "{\"files\": [",
                "is damaged (not JSON: ",
                "{}",
                "is damaged (no \"files\" list)",
                "{\"files\": []}",
                "is damaged (no \"files\" list)",
                "{\"files\": [{\"file\": \"slots-0.rdb\"}]}",
                "is damaged (an entry without \"node\")",
                "{\"files\": [" + ENTRY.replace("slots-0.rdb", "../../etc/passwd") + "]}",
                "names \"../../etc/passwd\", which is not a file of the set",
                "{\"files\": [" + ENTRY.replace("slots-0.rdb", "/etc/passwd") + "]}",
                "names \"/etc/passwd\", which is not a file of the set");
        for (Map.Entry<String, String> d : damaged.entrySet()) {
            Files.writeString(set.resolve(ClusterBackup.MANIFEST), d.getKey());
            for (String action : List.of("verify", "restore")) {
                String[] r = run(config("redis-cluster://127.0.0.1:1"), Map.of(), action, set.toString());
                assertEquals("1", r[0], d.getKey() + ": " + r[2]);
                assertTrue(
                        r[2].startsWith(
                                "statestore: backup " + action + " failed: backup set " + set + ": manifest.json "),
                        d.getKey() + ": " + r[2]);
                assertTrue(r[2].contains(d.getValue()), d.getKey() + ": " + r[2]);
            }
        }
    }

    private Path config(String url) throws Exception {
        Path f = dir.resolve("statestore.yaml");
        Files.writeString(f, """
                redis:
                  url: %s
                dataDir: %s
                acl:
                  enabled: false
                http:
                  enabled: false
                """.formatted(url, Files.createDirectories(dir.resolve("data"))));
        return f;
    }

    private String[] run(Path config, Map<String, String> extraEnv, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", config.toString()));
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("HOME", dir.toString());
        int code = new picocli.CommandLine(new BackupCommand(
                        env,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(all.toArray(String[]::new));
        return new String[] {
            Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)
        };
    }
}
