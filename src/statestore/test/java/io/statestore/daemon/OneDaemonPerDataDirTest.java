package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Issue 16: a second daemon on a data directory exits naming the first, which goes on untouched. */
class OneDaemonPerDataDirTest {
    @TempDir
    Path dir;

    @AfterEach
    void noServerLeft() throws java.io.IOException {
        RedisProcesses.killLeftovers(dir.resolve("data"));
    }

    private static final String CONFIG = """
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
            """;

    @Test
    void secondDaemonOnTheSameDataDirectoryExitsNamingTheFirstAndTouchesNothing() throws Exception {
        Path data = dir.resolve("data");
        int port = TestSupport.freePort();
        long self = ProcessHandle.current().pid();
        Daemon first = new Daemon(TestSupport.load(dir, CONFIG.formatted(data, port)));
        try {
            first.start();
            long server = first.embedded().orElseThrow().pid();
            String statusBefore;
            try (StateStore store = StateStore.connect(
                            TestSupport.as(data, port, Role.WRITER).build());
                    Jedis admin = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                store.put("before", Map.of("n", 1));
                statusBefore = admin.hget("ss:status", "started_at");
            }

            // another process, same port and then a different one
            for (int p : List.of(port, TestSupport.freePort())) {
                Path cfg = Files.writeString(dir.resolve("second-" + p + ".yaml"), CONFIG.formatted(data, p));
                try (DaemonProcess second = DaemonProcess.start(cfg, dir.resolve("second-" + p + ".out"), false)) {
                    int code = second.exitWithinBound();
                    String out = second.output();
                    System.out.println("second daemon (port " + p + "), exit " + code + ": " + out.strip());
                    assertNotEquals(0, code, out);
                    assertTrue(out.contains("another statestore daemon (pid " + self + ")"), out);
                    assertEquals(1, out.strip().lines().count(), "one line: " + out);
                }
            }
            // another Daemon object in this JVM
            Daemon third = new Daemon(TestSupport.load(dir, CONFIG.formatted(data, TestSupport.freePort())));
            Exception e = assertThrows(Exception.class, third::start);
            assertTrue(e.getMessage().contains("(pid " + self), e.getMessage());

            // the first goes on: same server, same status, serving the writer
            assertEquals(server, first.embedded().orElseThrow().pid());
            assertTrue(first.embedded().orElseThrow().alive());
            assertEquals(List.of(server), RedisProcesses.of(data), "one redis-server for the directory");
            try (StateStore store = StateStore.connect(
                            TestSupport.as(data, port, Role.WRITER).build());
                    Jedis admin = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                store.put("after", Map.of("n", 2));
                assertTrue(store.get("before").isPresent());
                assertEquals(first.config().daemon().id(), admin.hget("ss:status", "daemon"));
                assertEquals(statusBefore, admin.hget("ss:status", "started_at"));
                assertEquals("0", admin.hget("ss:status", "embedded_restarts"));
            }
        } finally {
            first.stop();
        }
        assertEquals(List.of(), RedisProcesses.of(data));

        Daemon again = new Daemon(TestSupport.load(dir, CONFIG.formatted(data, port)));
        try {
            again.start(); // the lock was released at stop
            try (StateStore store =
                    StateStore.connect(TestSupport.as(data, port, Role.WRITER).build())) {
                assertTrue(store.get("before").isPresent(), "acknowledged before the second daemons");
                assertTrue(store.get("after").isPresent(), "acknowledged after them");
            }
        } finally {
            again.stop();
        }
    }
}
