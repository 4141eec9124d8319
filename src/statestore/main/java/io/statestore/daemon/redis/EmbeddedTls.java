package io.statestore.daemon.redis;

import io.statestore.client.StateStoreOptions;
import io.statestore.client.TlsOptions;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.files.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded server's TLS ({@code embedded.tls: true}, for deployments reached from other
 * hosts): a small CA of its own and a server certificate signed by it, made with the openssl
 * command on first start under {@code <dataDir>/tls/} (directory 0700, files 0600, keys only
 * ever in files) and reused afterwards. The server certificate names the bind address,
 * localhost, 127.0.0.1 and this host's name; it is issued again (same CA) when the bind address
 * changes or it nears its end. Clients verify it with {@link #caFile}.
 */
public final class EmbeddedTls {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedTls.class);
    private static final int CA_DAYS = 3650;
    private static final int SERVER_DAYS = 825;
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private EmbeddedTls() {}

    /** Where the embedded server's TLS files are kept. */
    public static Path dir(Path dataDir) {
        return dataDir.resolve("tls");
    }

    /** The CA certificate clients verify the embedded server with (for a connection file, a remote client's --tls-ca). */
    public static Path caFile(Path dataDir) {
        return dir(dataDir).resolve("ca.pem");
    }

    static Path serverCert(Path dataDir) {
        return dir(dataDir).resolve("server.pem");
    }

    static Path serverKey(Path dataDir) {
        return dir(dataDir).resolve("server.key");
    }

    /** How the daemon and its CLI commands reach the embedded server: rediss:// and the generated CA when TLS is on. */
    public static StateStoreOptions.Builder clientOptions(
            DaemonConfig.Redis redis, DaemonConfig.Embedded embedded, Path dataDir) {
        StateStoreOptions.Builder b =
                redis.options((embedded.tls() ? "rediss://" : "redis://") + embedded.bind() + ":" + embedded.port());
        return embedded.tls() ? b.tls(clientTls(dataDir)) : b;
    }

    /** Verification against the generated CA (the host name too). */
    public static TlsOptions clientTls(Path dataDir) {
        return TlsOptions.builder().caFile(caFile(dataDir)).build();
    }

    /**
     * The redis-server arguments that make it serve TLS only on {@code port} (they come after
     * the plain {@code --port}, and later arguments win), making the certificates first if needed.
     * Clients may present a certificate but need not ({@code tls-auth-clients optional}).
     */
    static List<String> serverArgs(Path dataDir, String bind, int port) throws IOException, InterruptedException {
        ensure(dataDir, bind);
        return List.of(
                "--port",
                "0",
                "--tls-port",
                Integer.toString(port),
                "--tls-cert-file",
                serverCert(dataDir).toString(),
                "--tls-key-file",
                serverKey(dataDir).toString(),
                "--tls-ca-cert-file",
                caFile(dataDir).toString(),
                "--tls-auth-clients",
                "optional");
    }

    /**
     * A TLS port beside a server's plain one, with a CA and certificate made under {@code dataDir}
     * as for the embedded server: for the benchmark that compares the two on one server.
     */
    public static List<String> tlsPortArgs(Path dataDir, String bind, int tlsPort)
            throws IOException, InterruptedException {
        ensure(dataDir, bind);
        return List.of(
                "--tls-port",
                Integer.toString(tlsPort),
                "--tls-cert-file",
                serverCert(dataDir).toString(),
                "--tls-key-file",
                serverKey(dataDir).toString(),
                "--tls-ca-cert-file",
                caFile(dataDir).toString(),
                "--tls-auth-clients",
                "optional");
    }

    /** Makes the CA and the server certificate unless usable ones are there. */
    static void ensure(Path dataDir, String bind) throws IOException, InterruptedException {
        Path dir = PrivateFiles.directory(dir(dataDir));
        Set<String> names = names(bind);
        if (!Files.exists(caFile(dataDir)) || !Files.exists(dir.resolve("ca.key"))) {
            openssl(
                    dir,
                    "req",
                    "-x509",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-noenc",
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.pem",
                    "-days",
                    Integer.toString(CA_DAYS),
                    "-subj",
                    "/CN=statestore embedded CA " + hostName(),
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign");
            Files.deleteIfExists(serverCert(dataDir)); // signed by a CA that is gone
            LOG.info("made a CA for the embedded server's TLS: {}", caFile(dataDir));
        }
        if (!usable(serverCert(dataDir), names) || !Files.exists(serverKey(dataDir))) {
            Files.writeString(
                    dir.resolve("server.ext"),
                    "subjectAltName=" + String.join(",", names)
                            + "\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
                    StandardCharsets.US_ASCII);
            openssl(
                    dir,
                    "req",
                    "-new",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-noenc",
                    "-keyout",
                    "server.key",
                    "-out",
                    "server.csr",
                    "-subj",
                    "/CN=statestore " + hostName());
            openssl(
                    dir,
                    "x509",
                    "-req",
                    "-in",
                    "server.csr",
                    "-CA",
                    "ca.pem",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-days",
                    Integer.toString(SERVER_DAYS),
                    "-extfile",
                    "server.ext",
                    "-out",
                    "server.pem");
            LOG.info("made the embedded server's TLS certificate for {}: {}", names, serverCert(dataDir));
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                PrivateFiles.file(f);
            }
        }
    }

    /** The subjectAltName entries, openssl style: the bind address, localhost, 127.0.0.1, the host name. */
    static Set<String> names(String bind) {
        Set<String> names = new LinkedHashSet<>();
        names.add(entry(bind));
        names.add("DNS:localhost");
        names.add("IP:127.0.0.1");
        String host = hostName();
        if (DNS_NAME.matcher(host).matches()) {
            names.add("DNS:" + host);
        }
        return names;
    }

    private static String entry(String address) {
        return IPV4.matcher(address).matches() || address.contains(":") ? "IP:" + address : "DNS:" + address;
    }

    /** Whether the certificate names everything in {@code names} and has more than RENEW_BEFORE left. */
    private static boolean usable(Path cert, Set<String> names) throws IOException {
        if (!Files.exists(cert)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(cert)) {
            X509Certificate c =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            if (c.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
                return false;
            }
            List<String> has = new ArrayList<>();
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
                has.add(((Integer) san.get(0) == 7 ? "IP:" : "DNS:") + san.get(1));
            }
            return has.stream()
                    .map(EmbeddedTls::normal)
                    .toList()
                    .containsAll(names.stream().map(EmbeddedTls::normal).toList());
        } catch (CertificateException e) {
            return false; // unreadable: made again
        }
    }

    /** One spelling per IP address (openssl takes "::", Java reports "0:0:0:0:0:0:0:0"). */
    private static String normal(String entry) {
        if (!entry.startsWith("IP:")) {
            return entry;
        }
        try {
            return "IP:" + InetAddress.getByName(entry.substring(3)).getHostAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return entry;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Runs openssl with umask 077 in {@code dir}: keys go to files there, never through a command line. */
    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "umask 077 && exec openssl \"$@\"", "openssl"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot make the embedded server's TLS certificate: " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int code = p.waitFor();
        if (code == 127) {
            throw new IOException("embedded.tls needs the openssl command to make its certificate: install openssl"
                    + " (apt-get install openssl)");
        }
        if (code != 0) {
            throw new IOException("openssl " + args[0] + " failed making the embedded server's TLS certificate (exit "
                    + code + "): " + out.replace('\n', ' '));
        }
    }
}
