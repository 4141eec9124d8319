package io.statestore.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A redis-server serving TLS only (no plain port) on a free loopback port, with the given certificate. */
public final class TlsRedisServer implements AutoCloseable {
    private final Process process;
    private final int port;

    private TlsRedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    private static volatile String binary;

    /**
     * The test server binary when it was built with TLS, else Debian's redis-server (said once):
     * a module-mode run may name a server built without TLS, and TLS does not depend on the module.
     */
    public static String binary() throws IOException, InterruptedException {
        if (binary == null) {
            String wanted = RedisServerExtension.serverBinary();
            binary = hasTls(wanted) ? wanted : "redis-server";
            if (!binary.equals(wanted)) {
                System.out.println("TLS tests use redis-server from PATH: " + wanted + " was built without TLS");
            }
        }
        return binary;
    }

    /**
     * Skips the calling test or class, with the reason printed, when neither the test server nor
     * the redis-server on PATH was built with TLS.
     */
    public static void assumeTls() throws IOException, InterruptedException {
        boolean found = hasTls(binary());
        if (!found) {
            System.out.println("[SKIP] TLS tests: " + binary() + " was built without TLS (BUILD_TLS=yes)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(found, binary() + " was built without TLS");
    }

    /** Started with a TLS port and no certificate, a server with TLS complains of the certificate; one without, of TLS. */
    private static boolean hasTls(String candidate) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(candidate, "--port", "0", "--tls-port", "1", "--save", "", "--logfile", "")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return !out.contains("Failed finding TLS support");
    }

    /** authClients: redis-server's tls-auth-clients, "no", "yes" or "optional". */
    public static TlsRedisServer start(Path dir, Path cert, Path key, Path ca, String authClients)
            throws IOException, InterruptedException {
        int port = FreePorts.pick();
        Path log = dir.resolve("redis-" + port + ".log");
        String binary = binary();
        List<String> cmd = new ArrayList<>(List.of(
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--tls-port",
                Integer.toString(port),
                "--tls-cert-file",
                cert.toString(),
                "--tls-key-file",
                key.toString(),
                "--tls-ca-cert-file",
                ca.toString(),
                "--tls-auth-clients",
                authClients,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no",
                "--logfile",
                log.toString()));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + port + ".out").toFile())
                .start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("TLS redis-server exited: " + (Files.exists(log) ? Files.readString(log) : ""));
            }
            if (Files.exists(log) && Files.readString(log).contains("Ready to accept connections")) {
                return new TlsRedisServer(p, port);
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new IOException("TLS redis-server did not get ready on port " + port);
    }

    public int port() {
        return port;
    }

    /** The server's rediss:// URL with host {@code host} (127.0.0.1 or localhost reach it). */
    public String url(String host) {
        return "rediss://" + host + ":" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
