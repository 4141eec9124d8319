package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

class SigtermTest {
    @TempDir
    Path dir;

    @Test
    void sigtermDuringBackupExitsZeroWithinBoundAndLeavesNoPartialBackup() throws Exception {
        int port = TestSupport.freePort();
        Path data = dir.resolve("data");
        // rdb-key-save-delay (µs per key) makes each BGSAVE of the 40 documents take ~2 s
        Path cfg = TestSupport.writeConfig(dir, """
                dataDir: %s
                embedded:
                  port: %d
                  extraArgs: ["--rdb-key-save-delay", "50000"]
                daemon:
                  shutdownTimeout: 1s
                sweep:
                  enabled: false
                trim:
                  enabled: false
                backup:
                  schedule: "0/2 * * * * ?"
                """.formatted(data, port));
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
                    return j.exists("ss:status");
                } catch (RuntimeException e) {
                    return false;
                }
            });
            try (StateStore store =
                    StateStore.connect(TestSupport.as(data, port, Role.WRITER).build())) {
                for (int i = 0; i < 40; i++) {
                    store.put("doc:" + i, Map.of("i", i));
                }
            }
            long savesBefore;
            try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                savesBefore = rdbSaves(j.info("persistence"));
            }
            // a backup's BGSAVE that started after all 40 documents were written: it takes ~2 s
            TestSupport.await(Duration.ofSeconds(10), "a backup's BGSAVE in progress", () -> {
                try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                    String info = j.info("persistence");
                    return info.contains("rdb_bgsave_in_progress:1") && rdbSaves(info) > savesBefore;
                }
            });
            long t0 = System.nanoTime();
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "exited within the bound; output: " + output());
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertEquals(0, p.exitValue(), output());
            System.out.println("SIGTERM to exit: " + took.toMillis() + " ms");
            Path backups = data.resolve("backups");
            try (Stream<Path> files = Files.exists(backups) ? Files.list(backups) : Stream.empty()) {
                List<Path> left = files.toList();
                assertTrue(
                        left.stream().noneMatch(f -> f.getFileName().toString().endsWith(".partial")),
                        "partial left: " + left);
            }
            assertTrue(output().contains("statestore daemon stopped"), output());
            assertTrue(
                    output().contains("jobs still running after 1s; aborting them"),
                    "SIGTERM hit a running backup: " + output());
            assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "took " + took);
        } finally {
            p.destroyForcibly();
        }
    }

    private static long rdbSaves(String info) {
        return info.lines()
                .filter(l -> l.startsWith("rdb_saves:"))
                .mapToLong(l -> Long.parseLong(l.substring(10).strip()))
                .findFirst()
                .orElse(0);
    }

    private String output() throws java.io.IOException {
        return Files.readString(dir.resolve("daemon.out"));
    }

    private static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
