package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.CountingProxy;
import io.statestore.testing.TestCertificates;
import io.statestore.testing.TlsRedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rediss:// against real TLS redis-servers with certificates made by openssl at test time. */
class TlsConnectTest {
    @TempDir
    static Path dir;

    static TestCertificates certs;
    static TlsRedisServer good;
    static TlsRedisServer otherHost;
    static TlsRedisServer expired;
    static TlsRedisServer mutual;

    @BeforeAll
    static void startServers() throws Exception {
        certs = TestCertificates.make(dir);
        good = TlsRedisServer.start(dir, certs.cert("server"), certs.key("server"), certs.ca, "no");
        otherHost = TlsRedisServer.start(dir, certs.cert("otherhost"), certs.key("otherhost"), certs.ca, "no");
        expired = TlsRedisServer.start(dir, certs.cert("expired"), certs.key("expired"), certs.ca, "no");
        mutual = TlsRedisServer.start(dir, certs.cert("server"), certs.key("server"), certs.ca, "yes");
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (TlsRedisServer s : new TlsRedisServer[] {good, otherHost, expired, mutual}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static StateStore connect(String url, Consumer<TlsOptions.Builder> tls) {
        TlsOptions.Builder b = TlsOptions.builder();
        tls.accept(b);
        return StateStore.connect(StateStoreOptions.builder()
                .uri(url)
                .tls(b.build())
                .writer("tls-test")
                .build());
    }

    /**
     * Connects and expects a TlsException; returns its message. That it comes at the first
     * connect, not after retries, is counted by a proxy in the tests that say "not retried"
     * (a clock would fail under load).
     */
    private static String refused(String url, Consumer<TlsOptions.Builder> tls) {
        TlsException e =
                assertThrows(TlsException.class, () -> connect(url, tls).close());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line: " + e.getMessage());
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(!e.code().retryable());
        return e.getMessage();
    }

    @Test
    void theRightCaConnectsAndDocumentsRoundTrip() {
        try (StateStore store = connect(good.url("127.0.0.1"), b -> b.caFile(certs.ca))) {
            store.put("tls:doc", Map.of("over", "tls"));
            assertEquals(
                    "tls", store.get("tls:doc", Map.class).orElseThrow().value().get("over"));
        }
        try (StateStore store = connect(good.url("localhost"), b -> b.caFile(certs.ca))) {
            assertTrue(store.get("tls:doc", Map.class).isPresent(), "DNS:localhost is among the names too");
        }
    }

    @Test
    void anUnrelatedCaFailsOnceNamingTheCaFile() throws Exception {
        try (CountingProxy proxy = new CountingProxy(good.port())) {
            String m = refused("rediss://127.0.0.1:" + proxy.port(), b -> b.caFile(certs.otherCa));
            assertEquals(
                    "TLS: the server certificate of 127.0.0.1:" + proxy.port() + " is not signed by a CA in "
                            + certs.otherCa,
                    m);
            assertEquals(1, proxy.connections(), "one connection, refused: no second attempt, let alone a retry storm");
        }
    }

    @Test
    void aRefusedCertificateIsNotRetriedByWritesEither() throws Exception {
        try (CountingProxy proxy = new CountingProxy(expired.port())) {
            StateStoreOptions options = StateStoreOptions.builder()
                    .uri("rediss://127.0.0.1:" + proxy.port())
                    .tls(TlsOptions.builder().caFile(certs.ca).build())
                    .build();
            try (io.statestore.client.spi.RedisGateway gateway = new io.statestore.client.spi.RedisGateway(options)) {
                assertThrows(
                        TlsException.class,
                        () -> gateway.fcall("ss_put", java.util.List.of("k"), java.util.List.of(), "k"));
            }
            assertEquals(1, proxy.connections());
        }
    }

    @Test
    void withoutACaFileTheJvmTrustStoreIsUsedAndSaysSo() {
        String m = refused(good.url("127.0.0.1"), b -> {});
        assertTrue(
                m.contains(
                        "is not signed by a CA of the JVM's default trust store (give the server's CA with --tls-ca)"),
                m);
    }

    @Test
    void anExpiredCertificateFailsNamingTheDay() {
        String m = refused(expired.url("127.0.0.1"), b -> b.caFile(certs.ca));
        assertEquals("TLS: the server certificate of 127.0.0.1:" + expired.port() + " expired on 2020-01-02", m);
    }

    @Test
    void aHostNameMismatchFailsListingTheCertificatesNames() {
        String m = refused(otherHost.url("127.0.0.1"), b -> b.caFile(certs.ca));
        assertEquals(
                "TLS: the server certificate of 127.0.0.1:" + otherHost.port()
                        + ": host name 127.0.0.1 is not among the certificate's names [DNS:otherhost]",
                m);
    }

    @Test
    void mutualTlsWorksWithTheClientCertificate() {
        try (StateStore store = connect(
                mutual.url("127.0.0.1"),
                b -> b.caFile(certs.ca).certFile(certs.cert("client")).keyFile(certs.key("client")))) {
            store.put("tls:mutual", Map.of("n", 1));
            assertTrue(store.get("tls:mutual", Map.class).isPresent());
        }
    }

    @Test
    void anOrdinaryOutageAfterMutualTlsIsStillJustUnavailable() throws Exception {
        // what a handshake did about client certificates must not explain a later, unrelated failure
        try (StateStore store = connect(
                mutual.url("127.0.0.1"),
                b -> b.caFile(certs.ca).certFile(certs.cert("client")).keyFile(certs.key("client")))) {
            store.get("tls:mutual", Map.class);
        }
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThrows(
                UnavailableException.class,
                () -> StateStore.connect("redis://127.0.0.1:" + closed).close());
        assertThrows(
                UnavailableException.class,
                () -> connect("rediss://127.0.0.1:" + closed, b -> b.caFile(certs.ca))
                        .close());
    }

    @Test
    void mutualTlsWithoutAClientCertificateSaysWhatToGive() {
        String m = refused(mutual.url("127.0.0.1"), b -> b.caFile(certs.ca));
        assertEquals("TLS: the server requires a client certificate: give --tls-cert and --tls-key", m);
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefused() {
        String m = refused(
                mutual.url("127.0.0.1"),
                b -> b.caFile(certs.ca).certFile(certs.cert("stranger")).keyFile(certs.key("stranger")));
        assertTrue(m.startsWith("TLS: the server refused the client certificate"), m);
    }

    @Test
    void theInsecureFlagConnectsWhateverTheCertificate() {
        try (StateStore store = connect(otherHost.url("127.0.0.1"), b -> b.insecureSkipVerify(true))) {
            store.put("tls:insecure", Map.of("ok", true));
        }
        try (StateStore store = connect(expired.url("127.0.0.1"), b -> b.insecureSkipVerify(true))) {
            assertTrue(store.get("tls:insecure", Map.class).isEmpty(), "another server");
        }
    }

    @Test
    void tlsOptionsWithAPlainUrlAreRefused() {
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> StateStoreOptions.builder()
                        .uri("redis://127.0.0.1:6379")
                        .tls(TlsOptions.builder().caFile(certs.ca).build())
                        .build());
        assertTrue(e.getMessage().contains("go with a rediss:// or rediss-sentinel:// URL"), e.getMessage());
    }

    @Test
    void aKeyInTheOldFormIsRefusedWithTheConversionCommand() throws Exception {
        Path old = dir.resolve("client-traditional.key");
        Process p = new ProcessBuilder(
                        "openssl", "ec", "-in", certs.key("client").toString(), "-out", old.toString())
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        String m = refused(
                mutual.url("127.0.0.1"),
                b -> b.caFile(certs.ca).certFile(certs.cert("client")).keyFile(old));
        assertTrue(m.contains("EC PRIVATE KEY") && m.contains("openssl pkcs8 -topk8 -nocrypt"), m);
    }

    @Test
    void aPlainClientOnATlsPortIsNotRetriedEither() throws Exception {
        try (CountingProxy proxy = new CountingProxy(good.port())) {
            StateStoreException e = assertThrows(
                    StateStoreException.class,
                    () -> StateStore.connect(StateStoreOptions.builder()
                                    .uri("redis://127.0.0.1:" + proxy.port())
                                    .timeout(Duration.ofSeconds(1))
                                    .build())
                            .close());
            assertTrue(
                    proxy.connections() <= 2,
                    proxy.connections() + " connections, so it was retried: " + e.getMessage());
        }
    }
}
