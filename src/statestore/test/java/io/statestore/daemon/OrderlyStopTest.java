package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.Version;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16: SIGTERM to the daemon alone, to its process group (Ctrl-C, kill -TERM -PGID), and to
 * the group and redis-server at once (systemd's KillMode=control-group), and with redis-server
 * gone first: exit 0, no trace, no restart, data saved, no redis-server left.
 */
class OrderlyStopTest {
    @TempDir
    Path dir;

    @AfterEach
    void noServerLeft() throws java.io.IOException {
        RedisProcesses.killLeftovers(dir.resolve("data"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"daemon", "group", "group and redis-server", "redis-server, then group"})
    void sigtermStopsInOrder(String target) throws Exception {
        int port = TestSupport.freePort();
        Path data = dir.resolve("data");
        String yaml = """
                dataDir: %s
                embedded:
                  port: %d
                sweep:
                  enabled: false
                trim:
                  enabled: false
                backup:
                  enabled: false
                http:
                  enabled: false
                """.formatted(data, port);
        Path cfg = TestSupport.writeConfig(dir, yaml);
        try (DaemonProcess daemon = DaemonProcess.start(cfg, dir.resolve("daemon.out"), true)) {
            TestSupport.await(DaemonProcess.JVM_BOUND, "daemon started", () -> {
                try {
                    return daemon.output().contains(" started: ");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            try (StateStore store =
                    StateStore.connect(TestSupport.as(data, port, Role.WRITER).build())) {
                store.put("written-before-stop", Map.of("n", 1));
            }
            long server = Long.parseLong(
                    Files.readString(data.resolve("redis/redis.pid")).strip());
            switch (target) {
                case "daemon" -> daemon.signal("TERM", false);
                case "group" -> daemon.signal("TERM", true);
                case "group and redis-server" -> DaemonProcess.kill("TERM", server + " -" + daemon.pid());
                default -> { // the server noticed first: it has exited before the daemon hears
                    DaemonProcess.kill("TERM", Long.toString(server));
                    ProcessHandle.of(server).ifPresent(h -> h.onExit().join());
                    daemon.signal("TERM", true);
                }
            }
            int code = daemon.exitWithinBound();
            String out = daemon.output();
            System.out.println("--- SIGTERM to the " + target + ":\n" + out);
            assertEquals(0, code, out);
            assertFalse(out.contains("Exception"), out);
            assertFalse(out.lines().anyMatch(l -> l.strip().startsWith("at ")), "no stack trace: " + out);
            assertFalse(out.contains("restarting"), out);
            assertTrue(out.contains("statestore daemon stopped"), out);
            assertTrue(
                    out.contains("statestore " + Version.current() + " daemon "),
                    "the log names the build's version: " + out);
            assertFalse(ProcessHandle.of(server).map(ProcessHandle::isAlive).orElse(false), "redis-server stopped");
        }
        assertEquals(List.of(), RedisProcesses.of(data), "no redis-server left for the directory");
        assertTrue(Files.readString(data.resolve("redis/redis.log")).contains("DB saved on disk"), "saved at stop");

        Daemon again = new Daemon(TestSupport.load(dir, yaml));
        try {
            again.start();
            try (StateStore store =
                    StateStore.connect(TestSupport.as(data, port, Role.WRITER).build())) {
                assertTrue(store.get("written-before-stop").isPresent());
            }
        } finally {
            again.stop();
        }
    }
}
