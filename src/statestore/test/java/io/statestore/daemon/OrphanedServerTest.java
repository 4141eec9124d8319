package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

/** Issue 16: after kill -9 of the daemon, the next daemon stops its orphaned redis-server with a save and takes over. */
class OrphanedServerTest {
    @TempDir
    Path dir;

    @AfterEach
    void noServerLeft() throws java.io.IOException {
        RedisProcesses.killLeftovers(dir.resolve("data"));
    }

    @Test
    void newDaemonStopsTheOrphanWithItsDataSavedAndServesWithoutRestarting() throws Exception {
        int port = TestSupport.freePort();
        Path data = dir.resolve("data");
        Path cfg = TestSupport.writeConfig(dir, """
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
                """.formatted(data, port));
        long orphan;
        try (DaemonProcess first = DaemonProcess.start(cfg, dir.resolve("first.out"), false)) {
            awaitStatus(data, port);
            try (StateStore store =
                    StateStore.connect(TestSupport.as(data, port, Role.WRITER).build())) {
                store.put("acknowledged", Map.of("n", 1));
            }
            orphan = Long.parseLong(
                    Files.readString(data.resolve("redis/redis.pid")).strip());
            first.signal("KILL", false);
            first.exitWithin(10);
        }
        assertTrue(
                ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false), "the server outlived its daemon");
        assertEquals(List.of(orphan), RedisProcesses.of(data));

        try (DaemonProcess second = DaemonProcess.start(cfg, dir.resolve("second.out"), false)) {
            TestSupport.await(DaemonProcess.JVM_BOUND, "the new daemon's status", () -> {
                try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                    return String.valueOf(second.pid()).equals(pidOf(j.hget("ss:status", "daemon")));
                } catch (RuntimeException e) {
                    return false;
                }
            });
            assertFalse(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false), "the orphan was stopped");
            String log = Files.readString(data.resolve("redis/redis.log"));
            assertTrue(log.contains("Saving the final RDB snapshot before exiting"), "the orphan saved before exiting");
            try (StateStore store =
                    StateStore.connect(TestSupport.as(data, port, Role.WRITER).build())) {
                assertTrue(store.get("acknowledged").isPresent(), "acknowledged before the kill");
                store.put("after", Map.of("n", 2));
            }
            Thread.sleep(3000); // a restart loop would show within this
            try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                assertEquals("0", j.hget("ss:status", "embedded_restarts"));
            }
            List<Long> servers = RedisProcesses.of(data);
            assertEquals(1, servers.size(), "exactly one redis-server for the directory: " + servers);
            assertNotEquals(orphan, servers.get(0));
            String out = second.output();
            System.out.println(out);
            assertTrue(out.contains("redis-server pid " + orphan + " of this data directory is still running"), out);
            assertFalse(out.contains("restarting"), out);
            second.signal("TERM", false);
            assertEquals(0, second.exitWithinBound(), second.output());
        }
    }

    /** The daemon id defaults to host:pid. */
    private static String pidOf(String daemonId) {
        return daemonId == null ? null : daemonId.substring(daemonId.lastIndexOf(':') + 1);
    }

    private static void awaitStatus(Path data, int port) throws InterruptedException {
        TestSupport.await(DaemonProcess.JVM_BOUND, "daemon up", () -> {
            try (Jedis j = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                return j.exists("ss:status");
            } catch (RuntimeException e) {
                return false;
            }
        });
    }
}
