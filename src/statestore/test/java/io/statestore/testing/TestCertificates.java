package io.statestore.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Certificates made at test time with the openssl command, in a directory of the test: a CA, a
 * second unrelated CA, server certificates (for 127.0.0.1, for "otherhost" only, expired) and a
 * client certificate. Tests that need them are skipped, with the reason printed, without openssl.
 */
public final class TestCertificates {
    public final Path dir;
    public final Path ca;
    public final Path otherCa;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.ca = dir.resolve("ca.pem");
        this.otherCa = dir.resolve("other-ca.pem");
    }

    /** Skips the calling test (with the reason printed) when there is no openssl command. */
    public static void assumeOpenssl() {
        boolean found = false;
        try {
            found = new ProcessBuilder("openssl", "version")
                            .redirectErrorStream(true)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException | InterruptedException e) {
            found = false;
        }
        if (!found) {
            System.out.println("[SKIP] TLS tests: the openssl command is missing (apt-get install openssl)");
        }
        Assumptions.assumeTrue(found, "the openssl command is missing (apt-get install openssl)");
    }

    /** Makes every certificate of the fixture in {@code dir}. */
    public static TestCertificates make(Path dir) throws IOException, InterruptedException {
        assumeOpenssl();
        TestCertificates c = new TestCertificates(dir);
        c.selfSigned("ca", "statestore test CA");
        c.selfSigned("other-ca", "unrelated CA");
        c.signed("server", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth");
        c.signed("otherhost", "ca", "subjectAltName=DNS:otherhost\nextendedKeyUsage=serverAuth");
        c.signed("client", "ca", "extendedKeyUsage=clientAuth");
        c.signed("stranger", "other-ca", "extendedKeyUsage=clientAuth");
        c.expired("expired", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth");
        return c;
    }

    public Path cert(String name) {
        return dir.resolve(name + ".pem");
    }

    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    private void selfSigned(String name, String cn) throws IOException, InterruptedException {
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-noenc",
                "-keyout",
                name + ".key",
                "-out",
                name + ".pem",
                "-days",
                "30",
                "-subj",
                "/CN=" + cn);
    }

    private void request(String name) throws IOException, InterruptedException {
        openssl(
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-noenc",
                "-keyout",
                name + ".key",
                "-out",
                name + ".csr",
                "-subj",
                "/CN=" + name);
    }

    private void signed(String name, String ca, String extensions) throws IOException, InterruptedException {
        request(name);
        Files.writeString(dir.resolve(name + ".ext"), extensions + "\n");
        openssl(
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                ca + ".pem",
                "-CAkey",
                ca + ".key",
                "-CAcreateserial",
                "-out",
                name + ".pem",
                "-days",
                "30",
                "-extfile",
                name + ".ext");
    }

    /** x509 -req cannot backdate; openssl ca can, with -startdate and -enddate. */
    private void expired(String name, String extensions) throws IOException, InterruptedException {
        request(name);
        Files.writeString(dir.resolve(name + ".ext"), extensions + "\n");
        Files.writeString(dir.resolve("index.txt"), "");
        Files.writeString(dir.resolve("serial"), "1000\n");
        Files.writeString(
                dir.resolve("ca.cnf"),
                String.join(
                        "\n",
                        "[ca]",
                        "default_ca = test",
                        "[test]",
                        "database = index.txt",
                        "new_certs_dir = .",
                        "certificate = ca.pem",
                        "private_key = ca.key",
                        "serial = serial",
                        "default_md = sha256",
                        "policy = any",
                        "[any]",
                        "commonName = supplied",
                        ""));
        openssl(
                "ca",
                "-batch",
                "-config",
                "ca.cnf",
                "-in",
                name + ".csr",
                "-out",
                name + ".pem",
                "-notext",
                "-startdate",
                "20200101000000Z",
                "-enddate",
                "20200102000000Z",
                "-extfile",
                name + ".ext");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }
}
