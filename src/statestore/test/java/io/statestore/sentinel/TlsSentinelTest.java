package io.statestore.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.TlsException;
import io.statestore.client.TlsOptions;
import io.statestore.testing.TestCertificates;
import io.statestore.testing.TlsRedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rediss-sentinel://: TLS to the Sentinel and to the primary it names, both verified. */
class TlsSentinelTest {
    static final String MASTER = "tlsprimary";

    @TempDir
    static Path dir;

    static TestCertificates certs;
    static TlsRedisServer primary;
    static Process sentinel;
    static int sentinelPort;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.make(dir);
        primary = TlsRedisServer.start(dir, certs.cert("server"), certs.key("server"), certs.ca, "no");
        sentinelPort = io.statestore.testing.FreePorts.pick();
        Path log = dir.resolve("sentinel.log");
        Path conf = dir.resolve("sentinel.conf");
        Files.write(
                conf,
                List.of(
                        "bind 127.0.0.1",
                        "port 0",
                        "tls-port " + sentinelPort,
                        "tls-cert-file " + certs.cert("server"),
                        "tls-key-file " + certs.key("server"),
                        "tls-ca-cert-file " + certs.ca,
                        "tls-auth-clients no",
                        "tls-replication yes",
                        "logfile " + log,
                        "sentinel monitor " + MASTER + " 127.0.0.1 " + primary.port() + " 1"));
        sentinel = new ProcessBuilder(io.statestore.testing.TlsRedisServer.binary(), conf.toString(), "--sentinel")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sentinel.out").toFile())
                .start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!(Files.exists(log) && Files.readString(log).contains("+monitor master " + MASTER))) {
            if (System.nanoTime() > deadline || !sentinel.isAlive()) {
                throw new AssertionError(
                        "the TLS Sentinel did not start: " + (Files.exists(log) ? Files.readString(log) : ""));
            }
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (sentinel != null) {
            sentinel.destroy();
            sentinel.waitFor();
        }
        if (primary != null) {
            primary.close();
        }
    }

    private static StateStoreOptions options(Path ca) {
        return StateStoreOptions.builder()
                .uri("rediss-sentinel://127.0.0.1:" + sentinelPort + "?master=" + MASTER)
                .tls(TlsOptions.builder().caFile(ca).build())
                .writer("tls-sentinel-test")
                .build();
    }

    @Test
    void theRightCaReachesThePrimaryThroughTheSentinel() {
        try (StateStore store = StateStore.connect(options(certs.ca))) {
            store.put("tls:sentinel", Map.of("via", "sentinel"));
            assertEquals(
                    "sentinel",
                    store.get("tls:sentinel", Map.class).orElseThrow().value().get("via"));
        }
    }

    @Test
    void aWrongCaNamesTheSentinelAndTheReason() {
        TlsException e = assertThrows(
                TlsException.class,
                () -> StateStore.connect(options(certs.otherCa)).close());
        assertEquals(
                "TLS: the server certificate of 127.0.0.1:" + sentinelPort + " is not signed by a CA in "
                        + certs.otherCa,
                e.getMessage());
        assertTrue(e.getMessage().indexOf('\n') < 0);
    }
}
