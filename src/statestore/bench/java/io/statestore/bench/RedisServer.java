package io.statestore.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;

/**
 * A throwaway redis-server for the run: free loopback port, temporary directory, no
 * persistence (appendonly no, save ""), optionally with a JSON module loaded.
 */
final class RedisServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    private RedisServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    static RedisServer start(String binary, String module) throws IOException, InterruptedException {
        return start(binary, module, dir -> List.of());
    }

    /** Extra server arguments, made once the server's temporary directory exists (certificates). */
    interface ExtraArgs {
        List<String> in(Path dir) throws IOException, InterruptedException;
    }

    static RedisServer start(String binary, String module, ExtraArgs extra) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("statestore-bench-redis-");
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(
                binary,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--logfile",
                dir.resolve("redis.log").toString()));
        if (module != null) {
            cmd.add("--loadmodule");
            cmd.add(module);
        }
        cmd.addAll(extra.in(dir));
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot start " + binary + ": " + e.getMessage(), e);
        }
        RedisServer server = new RedisServer(dir, port, p);
        try {
            server.awaitPing();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    private void awaitPing() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String log = Files.exists(dir.resolve("redis.log")) ? Files.readString(dir.resolve("redis.log")) : "";
                throw new IOException(
                        "redis-server exited at start:\n" + Files.readString(dir.resolve("redis.out")) + log);
            }
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                if ("PONG".equals(j.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not accepting connections yet
            }
            Thread.sleep(20);
        }
        throw new IOException("redis-server did not answer PING within 20 s");
    }

    Path dir() {
        return dir;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (process.isAlive()) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                j.shutdown();
            } catch (RuntimeException e) {
                process.destroy();
            }
            process.waitFor();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
