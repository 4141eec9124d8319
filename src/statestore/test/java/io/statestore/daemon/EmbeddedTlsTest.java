package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreException;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.TlsException;
import io.statestore.client.TlsOptions;
import io.statestore.daemon.backup.EmbeddedRestore;
import io.statestore.daemon.config.ConfigException;
import io.statestore.daemon.redis.EmbeddedTls;
import io.statestore.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** embedded.tls: the daemon makes a CA and a server certificate, serves TLS only, and reaches its server over it. */
class EmbeddedTlsTest {
    @TempDir
    Path dir;

    private Daemon started(int port) throws Exception {
        Daemon daemon = new Daemon(TestSupport.load(dir, """
                dataDir: %s
                embedded:
                  port: %d
                  tls: true
                """.formatted(dir.resolve("data"), port)));
        daemon.start();
        return daemon;
    }

    @Test
    void theEmbeddedServerServesVerifiedTlsOnlyWithACertificateMadeOnFirstStart() throws Exception {
        TestCertificates.assumeOpenssl();
        int port = TestSupport.freePort();
        Path data = dir.resolve("data");
        Path ca = EmbeddedTls.caFile(data);
        Daemon daemon = started(port);
        byte[] caBefore;
        byte[] certBefore;
        try {
            assertEquals(
                    "rediss://127.0.0.1:" + port,
                    daemon.embedded().orElseThrow().uri());
            for (String host : new String[] {"127.0.0.1", "localhost"}) {
                try (StateStore store = StateStore.connect(StateStoreOptions.builder()
                        .uri("rediss://" + host + ":" + port)
                        .user("writer")
                        .passwordFile(data.resolve("secrets/writer.password"))
                        .tls(TlsOptions.builder().caFile(ca).build())
                        .build())) {
                    store.put("tls:" + host, Map.of("host", host));
                    assertTrue(store.get("tls:" + host, Map.class).isPresent());
                }
            }
            try (StateStore store =
                    StateStore.connect(daemon.config().redisOptions().build())) { // as `statestore status` does
                assertTrue(store.get("tls:localhost", Map.class).isPresent());
            }
            String connection = Files.readString(data.resolve("connection.json"));
            assertTrue(
                    connection.contains("\"url\" : \"rediss://127.0.0.1:" + port + "\"")
                            && connection.contains("\"tlsCa\" : \"" + ca + "\""),
                    "local clients find the URL and the CA: " + connection);
            // no plain port: a redis:// client gets no answer from the TLS port
            assertThrows(
                    StateStoreException.class,
                    () -> StateStore.connect(StateStoreOptions.builder()
                                    .uri("redis://127.0.0.1:" + port)
                                    .timeout(Duration.ofSeconds(2))
                                    .build())
                            .close());
            Path unrelated = dir.resolve("unrelated");
            Files.createDirectories(unrelated);
            TestCertificates other = TestCertificates.make(unrelated);
            TlsException wrongCa = assertThrows(
                    TlsException.class,
                    () -> StateStore.connect(StateStoreOptions.builder()
                            .uri("rediss://127.0.0.1:" + port)
                            .tls(TlsOptions.builder().caFile(other.ca).build())
                            .build()));
            assertTrue(wrongCa.getMessage().contains("is not signed by a CA in " + other.ca), wrongCa.getMessage());
            assertOwnerOnly(EmbeddedTls.dir(data));
            caBefore = Files.readAllBytes(ca);
            certBefore = Files.readAllBytes(EmbeddedTls.dir(data).resolve("server.pem"));
        } finally {
            daemon.stop();
        }
        Daemon again = started(port);
        try {
            assertArrayEquals(caBefore, Files.readAllBytes(ca), "the CA is reused");
            assertArrayEquals(
                    certBefore, Files.readAllBytes(EmbeddedTls.dir(data).resolve("server.pem")), "and the certificate");
            try (StateStore store =
                    StateStore.connect(again.config().redisOptions().build())) {
                assertTrue(store.get("tls:127.0.0.1", Map.class).isPresent(), "the data survived the restart");
            }
        } finally {
            again.stop();
        }
        // a restore (daemon stopped) starts the server on the same address, so with the same TLS
        Path backup = dir.resolve("backup.rdb");
        Files.copy(data.resolve("redis/dump.rdb"), backup);
        long keys = new EmbeddedRestore(again.config()).restore(backup).keys();
        assertTrue(keys >= 2, "the two documents (and statestore's own keys) were loaded, got " + keys);
    }

    private static void assertOwnerOnly(Path tls) throws java.io.IOException {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls)));
        try (var files = Files.list(tls)) {
            for (Path f : files.toList()) {
                assertEquals(
                        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
            }
        }
        for (String f : new String[] {"ca.pem", "ca.key", "server.pem", "server.key"}) {
            assertTrue(Files.exists(tls.resolve(f)), f);
        }
    }

    @Test
    void redisTlsSettingsWithoutATlsUrlAreRefusedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> TestSupport.load(dir, """
                redis:
                  tls:
                    ca: /etc/ssl/certs/ca-certificates.crt
                """));
        assertTrue(
                e.getMessage().contains("key 'redis.tls': goes with a rediss:// or rediss-sentinel:// redis.url"),
                e.getMessage());
        ConfigException half = assertThrows(ConfigException.class, () -> TestSupport.load(dir, """
                redis:
                  url: rediss://db.example:6380
                  tls:
                    cert: /nonexistent/client.pem
                """));
        assertTrue(
                half.getMessage().contains("key 'redis.tls.key': a client certificate needs both"), half.getMessage());
        assertTrue(
                half.getMessage().contains("key 'redis.tls.cert': cannot read /nonexistent/client.pem"),
                half.getMessage());
    }
}
