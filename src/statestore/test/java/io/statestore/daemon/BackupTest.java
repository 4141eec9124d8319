package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStore;
import io.statestore.daemon.backup.BackupException;
import io.statestore.daemon.backup.BackupNames;
import io.statestore.daemon.backup.BackupResult;
import io.statestore.daemon.backup.BackupService;
import io.statestore.daemon.backup.Crc64;
import io.statestore.daemon.backup.RdbVerifier;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

class BackupTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable().withArgs("--enable-protected-configs", "yes");

    @TempDir
    Path tmp;

    private static DaemonConfig.Backup cfg(int keep, String source) {
        return new DaemonConfig.Backup(
                true, "0 0 3 * * ?", "", keep, 0, 0, source, Duration.ofSeconds(30), "redis-check-rdb");
    }

    @Test
    void crc64MatchesRedis() {
        Crc64 c = new Crc64();
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        c.update(b, 0, b.length);
        assertEquals(0xe9c6d914c4b8d9caL, c.value());
    }

    @Test
    void backupVerifiesAndLoadsIntoASecondServerWithTheSameData() throws Exception {
        StateStore store = redis.newStore();
        for (int i = 0; i < 50; i++) {
            store.put("doc:" + i, Map.of("i", i, "big", 12345678901234567L));
        }
        Map<String, String> expected = snapshot(redis.port());
        try (RedisAdmin admin = new RedisAdmin(store.options())) {
            for (String source : new String[] {"local", "replication"}) {
                Path dir = tmp.resolve(source);
                BackupResult r = new BackupService(admin, cfg(3, source), dir).backupNow();
                String how = new RdbVerifier("redis-check-rdb").verify(r.file());
                assertEquals(
                        "rw-------",
                        java.nio.file.attribute.PosixFilePermissions.toString(
                                java.nio.file.Files.getPosixFilePermissions(r.file())),
                        "a backup is the whole store: its owner's alone");
                assertEquals(
                        "rwx------",
                        java.nio.file.attribute.PosixFilePermissions.toString(
                                java.nio.file.Files.getPosixFilePermissions(
                                        r.file().getParent())));
                // Debian's 7.0 checker cannot read the RDB format of a newer server (Valkey 8, Redis 8).
                assertTrue(
                        how.equals("redis-check-rdb")
                                || how.endsWith("(redis-check-rdb is older than this RDB format)"),
                        how);
                assertTrue(RdbVerifier.verifyStructure(r.file()).contains("CRC-64"));
                assertEquals(expected, loadInSecondServer(r.file()), "data restored from the " + source + " backup");
            }
        }
    }

    @Test
    void failedSaveIsReportedAndLeavesNoFile() throws Exception {
        Path dir = tmp.resolve("fail");
        try (RedisAdmin admin = new RedisAdmin(redis.newStore().options());
                Jedis j = redis.jedis()) {
            String before = j.configGet("dir").get("dir");
            j.configSet("dir", "/proc");
            try {
                BackupException e = assertThrows(
                        BackupException.class, () -> new BackupService(admin, cfg(3, "local"), dir).backupNow());
                assertTrue(
                        e.getMessage().contains("BGSAVE") || e.getMessage().contains("not readable"), e.getMessage());
            } finally {
                j.configSet("dir", before);
            }
            try (Stream<Path> files = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
                assertEquals(0, files.count(), "no file, not even a partial one");
            }
        }
    }

    @Test
    void rotationKeepsExactlyN() throws Exception {
        Path dir = tmp.resolve("rot");
        try (RedisAdmin admin = new RedisAdmin(redis.newStore().options())) {
            BackupService s = new BackupService(admin, cfg(2, "auto"), dir);
            Set<Path> made = new java.util.HashSet<>();
            for (int i = 0; i < 4; i++) {
                made.add(s.backupNow().file());
            }
            assertEquals(4, made.size());
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(2, files.count());
            }
            assertEquals(2, BackupNames.list(dir).size());
        }
    }

    private static Map<String, String> snapshot(int port) {
        Map<String, String> m = new TreeMap<>();
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            for (String k : j.keys("*")) {
                if (j.type(k).equals("string")) {
                    m.put(k, j.get(k));
                } else if (j.type(k).equals("hash")) {
                    m.put(k, new TreeMap<>(j.hgetAll(k)).toString());
                } else {
                    m.put(k, j.type(k));
                }
            }
        }
        return m;
    }

    private Map<String, String> loadInSecondServer(Path rdb) throws Exception {
        Path d = Files.createTempDirectory(tmp, "second");
        Files.copy(rdb, d.resolve("dump.rdb"));
        int port = TestSupport.freePort();
        Process p = new ProcessBuilder(
                        RedisServerExtension.serverBinary(),
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--dir",
                        d.toString(),
                        "--dbfilename",
                        "dump.rdb",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(d.resolve("out").toFile())
                .start();
        try {
            TestSupport.await(Duration.ofSeconds(10), "second server", () -> {
                try (Jedis j = new Jedis("127.0.0.1", port)) {
                    return "PONG".equals(j.ping());
                } catch (RuntimeException e) {
                    return false;
                }
            });
            return snapshot(port);
        } finally {
            p.destroy();
            p.waitFor();
        }
    }
}
