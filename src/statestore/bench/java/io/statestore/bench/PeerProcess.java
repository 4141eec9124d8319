package io.statestore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server process the peers benchmark starts in a temporary directory of its own and stops
 * (SIGTERM, then SIGKILL after 10 s) and removes when done.
 */
final class PeerProcess implements AutoCloseable {
    private final String what;
    private final Path dir;
    private final Process process;

    private PeerProcess(String what, Path dir, Process process) {
        this.what = what;
        this.dir = dir;
        this.process = process;
    }

    /** Starts {@code command} (built from the fresh directory) and waits until it accepts connections on {@code port}. */
    static PeerProcess start(String what, Path dir, List<String> command, int port)
            throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile())
                    .start();
        } catch (IOException e) {
            delete(dir);
            throw new IOException("cannot start " + what + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
        PeerProcess server = new PeerProcess(what, dir, p);
        try {
            server.awaitPort(port);
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    static Path tempDir(String what) throws IOException {
        return Files.createTempDirectory("statestore-bench-peers-" + what + "-");
    }

    long pid() {
        return process.pid();
    }

    private void awaitPort(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(what + " exited at start (status " + process.exitValue() + "):\n" + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException(what + " did not accept connections on port " + port + " within 30 s:\n" + log());
    }

    /** The end of the server's output, for error messages. */
    String log() {
        try {
            String s = Files.readString(dir.resolve("server.log"));
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        delete(dir);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
