package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.cli.StatusCommand;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * {@code statestore status} tells the truth (issue 16): a daemon killed with SIGKILL is reported
 * dead, with its PID, within its heartbeat interval plus the slack, not after the heartbeat TTL;
 * a live daemon is found among 20,000 other keys; under MISCONF and OOM the real cause is one
 * line, never "no daemon is alive" or a stack trace; every call answers quickly. /health answers
 * 503 with the reason.
 */
class TruthfulStatusTest {
    /**
     * Only to catch a hang: status answers in milliseconds, and gives up on Redis after its own
     * 1 s timeouts (StatusCommand.TIMEOUT). At 3 s the first in-process call (class loading on a
     * machine at load 20) could reach the bound with nothing wrong.
     */
    private static final Duration CALL_BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void aKilledDaemonIsDeadWithinItsIntervalAndALiveOneIsFoundAmongTwentyThousandKeys() throws Exception {
        int port = TestSupport.freePort();
        Path data = dir.resolve("data");
        Path cfg = config(data, port, "status-sub", "");
        Process p = new ProcessBuilder(
                        javaBin(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.statestore.cli.Main",
                        "daemon",
                        "--config",
                        cfg.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.out").toFile())
                .start();
        try {
            TestSupport.await(DaemonProcess.JVM_BOUND, "daemon up", () -> {
                try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                    return j.hexists("ss:daemons", "status-sub");
                } catch (RuntimeException e) {
                    return false;
                }
            });
            try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                Pipeline pl = j.pipelined();
                for (int i = 0; i < 20_000; i++) {
                    pl.set("unrelated:" + i, "x");
                }
                pl.sync();
                assertTrue(j.dbSize() > 20_000);
            }
            assertEquals(0, status(cfg), err());
            assertTrue(out().contains("daemons alive: status-sub"), out());
            assertTrue(out().contains("daemon status-sub: alive, heartbeat "), out());
            assertTrue(out().contains("pid " + p.pid() + " on "), out());

            p.destroyForcibly(); // SIGKILL: no clean stop, the entry stays behind
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            long killed = System.nanoTime();
            // dead once its last beat is older than interval (1 s) + slack (1 s): at most 2 s after the kill
            int exit;
            int calls = 0;
            do {
                exit = status(cfg);
                calls++;
            } while (exit == 0
                    && System.nanoTime() - killed < Duration.ofSeconds(10).toNanos());
            Duration took = Duration.ofNanos(System.nanoTime() - killed);
            System.out.println("reported dead " + took.toMillis() + " ms after SIGKILL, by status call " + calls);
            assertEquals(1, exit, out());
            if (ProcessHandle.of(1).isPresent()) {
                // this host's process table says so at once: the first call after the kill (the
                // process was reaped by waitFor), whatever the heartbeat, however slow the machine
                assertTrue(out().contains("daemon status-sub: DEAD, its process is gone from this host"), out());
                assertEquals(1, calls, "status calls until DEAD");
            } else {
                // no view of other processes: the heartbeat's age decides, and time is the subject
                assertTrue(out().contains("daemon status-sub: DEAD, no heartbeat for "), out());
                assertTrue(
                        took.compareTo(Duration.ofMillis(3000)) < 0,
                        "dead within interval + slack (+ margin), not the 30 s TTL: " + took);
            }
            assertTrue(out().contains("pid " + p.pid() + " on "), out());
            assertTrue(err().contains("no daemon is alive"), err());
            noTrace();
        } finally {
            p.destroyForcibly();
            shutdownOrphan(data, port); // the killed daemon's redis-server keeps running
        }
    }

    @Test
    void underOomStatusAndHealthSayOutOfMemoryAndTheDaemonStaysAlive() throws Exception {
        int port = TestSupport.freePort();
        int httpPort = TestSupport.freePort();
        Path data = dir.resolve("data");
        Path cfg = config(data, port, "status-oom", "http:\n  enabled: true\n  port: " + httpPort + "\n");
        try (Daemon daemon = new Daemon(new io.statestore.daemon.config.ConfigLoader().load(cfg, env()))) {
            daemon.start();
            try (StateStore store =
                    StateStore.connect(TestSupport.as(data, port, Role.WRITER).build())) {
                store.put("doc:1", Map.of("blob", "x".repeat(600_000)));
            }
            assertEquals(0, status(cfg), err());
            assertEquals(200, health(httpPort).statusCode());
            try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                long used = Long.parseLong(info(j.info("memory"), "used_memory"));
                j.configSet("maxmemory", Long.toString(used - 400_000));
                try {
                    Thread.sleep(2_500); // two heartbeats under OOM: the daemon must still count as alive
                    assertEquals(1, status(cfg), out());
                    assertTrue(err().contains("statestore: out of memory: used "), err());
                    assertTrue(err().contains(" of maxmemory "), err());
                    assertFalse(err().contains("no daemon is alive"), err());
                    assertTrue(out().contains("daemon status-oom: alive"), "heartbeats work over maxmemory: " + out());
                    noTrace();
                    HttpResponse<String> h = health(httpPort);
                    assertEquals(503, h.statusCode());
                    assertTrue(h.body().contains("out of memory: used "), h.body());
                } finally {
                    j.configSet("maxmemory", "0");
                }
                assertEquals(0, status(cfg), err());

                j.configSet("maxmemory-policy", "allkeys-lru"); // someone changes it at runtime
                try {
                    assertEquals(1, status(cfg), out());
                    assertTrue(err().contains("statestore: eviction policy allkeys-lru: "), err());
                    HttpResponse<String> h = health(httpPort);
                    assertEquals(503, h.statusCode());
                    assertTrue(h.body().contains("eviction policy allkeys-lru"), h.body());
                } finally {
                    j.configSet("maxmemory-policy", "noeviction");
                }
                assertEquals(200, health(httpPort).statusCode());
            }
        }
    }

    @Test
    void underMisconfStatusAndHealthSayWritesAreRefusedForTheDisk() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("tiny"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.toString())
                .redirectErrorStream(true)
                .start();
        String why = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (mount.waitFor() != 0) {
            System.out.println("SKIPPED underMisconf...: cannot mount a tmpfs: " + why);
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "cannot mount a tmpfs: " + why);
        }
        try {
            int port = TestSupport.freePort();
            int httpPort = TestSupport.freePort();
            Path data = mnt.resolve("data");
            Path cfg = config(data, port, "status-misconf", "http:\n  enabled: true\n  port: " + httpPort + "\n");
            Path filler = mnt.resolve("filler");
            try (Daemon daemon = new Daemon(new io.statestore.daemon.config.ConfigLoader().load(cfg, env()))) {
                daemon.start();
                try (StateStore store = StateStore.connect(
                        TestSupport.as(data, port, Role.WRITER).build())) {
                    store.put("doc:1", Map.of("n", 1));
                }
                fill(filler);
                try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                    j.bgsave();
                    TestSupport.await(
                            Duration.ofSeconds(10),
                            "a failed BGSAVE",
                            () -> info(j.info("persistence"), "rdb_last_bgsave_status")
                                    .equals("err"));
                    Thread.sleep(2_500); // past interval + slack: heartbeats are refused too
                    assertEquals(1, status(cfg), out());
                    assertTrue(err().contains("statestore: Redis refuses writes: MISCONF "), err());
                    assertTrue(err().contains("unable to persist to disk"), err());
                    assertFalse(err().contains("no daemon is alive"), err());
                    assertTrue(out().contains("daemon status-misconf: unknown, heartbeat "), out());
                    noTrace();
                    HttpResponse<String> h = health(httpPort);
                    assertEquals(503, h.statusCode());
                    assertTrue(h.body().contains("Redis refuses writes: MISCONF"), h.body());
                    Files.delete(filler);
                    j.bgsave();
                    TestSupport.await(
                            Duration.ofSeconds(10),
                            "a good BGSAVE",
                            () -> info(j.info("persistence"), "rdb_last_bgsave_status")
                                    .equals("ok"));
                }
                TestSupport.await(Duration.ofSeconds(30), "status clean again", () -> status(cfg) == 0);
            } finally {
                Files.deleteIfExists(filler);
            }
        } finally {
            new ProcessBuilder("umount", "-l", mnt.toString())
                    .inheritIO()
                    .start()
                    .waitFor();
        }
    }

    @Test
    void anEvictionPolicyInTheEmbeddedServersArgsIsRefusedAtConfigLoad() throws Exception {
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                io.statestore.daemon.config.ConfigException.class,
                () -> TestSupport.load(
                        dir,
                        "dataDir: %s\nembedded:\n  extraArgs: [\"--maxmemory\", \"1gb\", \"--maxmemory-policy\", \"allkeys-lru\"]\n"
                                .formatted(dir)));
        assertTrue(
                e.getMessage()
                        .contains(
                                "key 'embedded.extraArgs': --maxmemory-policy allkeys-lru: the embedded server runs only with"
                                        + " noeviction"),
                e.getMessage());
        TestSupport.load(
                dir, "dataDir: %s\nembedded:\n  extraArgs: [\"--maxmemory-policy\", \"noeviction\"]\n".formatted(dir));
    }

    private int status(Path cfg) {
        out.reset();
        err.reset();
        long t0 = System.nanoTime();
        int exit = new CommandLine(new StatusCommand(env(), ps(out), ps(err))).execute("--config", cfg.toString());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertTrue(took.compareTo(CALL_BOUND) < 0, "status took " + took);
        return exit;
    }

    private Path config(Path data, int port, String id, String more) throws IOException {
        return TestSupport.writeConfig(dir, """
                dataDir: %s
                embedded:
                  port: %d
                daemon:
                  id: %s
                  heartbeatInterval: 1s
                  heartbeatTtl: 30s
                sweep:
                  enabled: false
                trim:
                  enabled: false
                backup:
                  enabled: false
                %s""".formatted(data, port, id, more));
    }

    private Map<String, String> env() {
        return Map.of("HOME", dir.toString());
    }

    private static HttpResponse<String> health(int port) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private void noTrace() {
        for (String s : new String[] {out(), err()}) {
            assertFalse(s.contains("\tat ") || s.contains("Exception"), "no stack trace: " + s);
        }
        assertTrue(err().lines().allMatch(l -> l.startsWith("statestore: ")), "one line per problem: " + err());
    }

    private static void fill(Path filler) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream o = Files.newOutputStream(filler)) {
            while (true) {
                o.write(block);
            }
        } catch (IOException full) {
            // the tmpfs is full
        }
    }

    private static String info(String text, String field) {
        return text.lines()
                .filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(field.length() + 1).strip())
                .findFirst()
                .orElse("");
    }

    private static void shutdownOrphan(Path data, int port) {
        try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
            j.shutdown();
        } catch (RuntimeException e) {
            // already gone
        }
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static PrintStream ps(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }

    private static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
