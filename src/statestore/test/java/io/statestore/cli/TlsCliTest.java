package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.TestCertificates;
import io.statestore.testing.TlsRedisServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's --tls-* options against a real TLS redis-server that requires client certificates. */
class TlsCliTest {
    @TempDir
    static Path dir;

    static TestCertificates certs;
    static TlsRedisServer server;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.make(dir);
        server = TlsRedisServer.start(dir, certs.cert("server"), certs.key("server"), certs.ca, "yes");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private CliRunner.Result run(String... args) {
        return new CliRunner(server.url("127.0.0.1"), dir).run(args);
    }

    @Test
    void theTlsOptionsWorkBeforeAndAfterTheCommand() {
        // relative paths are resolved against the working directory, like the other file options
        CliRunner.Result put = new CliRunner(server.url("127.0.0.1"), dir)
                .runWithStdin(
                        "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
                        "--tls-ca",
                        "ca.pem",
                        "--tls-cert",
                        "client.pem",
                        "--tls-key",
                        "client.key",
                        "put",
                        "cli:tls",
                        "-");
        assertEquals(0, put.exitCode(), put.toString());
        CliRunner.Result get = run(
                "get",
                "cli:tls",
                "--tls-ca",
                certs.ca.toString(),
                "--tls-cert",
                certs.cert("client").toString(),
                "--tls-key",
                certs.key("client").toString());
        assertEquals(0, get.exitCode(), get.toString());
        assertEquals("{\"a\":1}", get.out().strip());
    }

    @Test
    void aFailedVerificationIsOneLineAndExitCode1() {
        CliRunner.Result r = run("--tls-ca", certs.otherCa.toString(), "get", "cli:tls");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertEquals(
                "statestore: get cli:tls: TLS: the server certificate of 127.0.0.1:" + server.port()
                        + " is not signed by a CA in " + certs.otherCa,
                r.errLines().get(0));
    }

    @Test
    void withoutAClientCertificateTheMessageNamesTheOptions() {
        CliRunner.Result r = run("--tls-ca", certs.ca.toString(), "get", "cli:tls");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(
                r.err().contains("the server requires a client certificate: give --tls-cert and --tls-key"),
                r.toString());
    }

    @Test
    void tlsOptionsWithAPlainUrlAreRefused() {
        CliRunner.Result r = new CliRunner("redis://127.0.0.1:1", dir).run("--tls-ca", certs.ca.toString(), "get", "k");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("go with a rediss:// or rediss-sentinel:// URL"), r.toString());
    }
}
