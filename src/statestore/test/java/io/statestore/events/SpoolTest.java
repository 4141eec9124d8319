package io.statestore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.EventBus;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.UnavailableException;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.events.SpoolOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool on its own, with no Redis listening at all. */
class SpoolTest {
    @TempDir
    Path dir;

    private static String deadUri() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "redis://127.0.0.1:" + s.getLocalPort(); // closed again: nothing listens there
        }
    }

    private EventBus open(String uri, SpoolOptions spool) {
        return EventBus.open(
                StateStoreOptions.builder()
                        .uri(uri)
                        .writer("t")
                        .timeout(Duration.ofMillis(500))
                        .build(),
                EventBusOptions.builder()
                        .spool(spool)
                        .publishTimeout(Duration.ofMillis(300))
                        .build());
    }

    @Test
    void eventsSpooledWhileRedisIsUnreachableSurviveAReopenAndATornTailIsCutOff() throws Exception {
        String uri = deadUri();
        try (EventBus bus = open(uri, SpoolOptions.in(dir))) {
            for (int i = 0; i < 10; i++) {
                bus.publish("t", "s", Map.of("n", i));
            }
            assertEquals(10, bus.spoolStatus().depth());
            assertEquals(0, bus.spoolStatus().forwarded());
            assertFalse(bus.spoolStatus().online());
        }
        long size = Files.size(dir.resolve("events.spool"));
        Files.write(
                dir.resolve("events.spool"),
                new byte[] {0, 0, 1, 0, 42, 42},
                StandardOpenOption.APPEND); // a torn record
        try (EventBus bus = open(uri, SpoolOptions.in(dir))) {
            assertEquals(10, bus.spoolStatus().depth());
            assertEquals(size, Files.size(dir.resolve("events.spool")));
        }
    }

    @Test
    void aFullSpoolRefusesWithAClearError() throws Exception {
        String uri = deadUri();
        try (EventBus bus = open(uri, SpoolOptions.in(dir).withMaxBytes(2048).withBatchSync(Duration.ofMillis(50)))) {
            UnavailableException full = assertThrows(UnavailableException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    bus.publish("t", "s", Map.of("pad", "x".repeat(200)));
                }
            });
            assertTrue(full.getMessage().contains("is full"), full.getMessage());
            assertTrue(bus.spoolStatus().depth() > 0);
        }
    }

    @Test
    void aSecondBusOnTheSameDirectoryHandsItsEventsToTheOwnerAndTakesOverWhenTheOwnerCloses() throws Exception {
        String uri = deadUri();
        EventBus owner = open(uri, SpoolOptions.in(dir));
        try {
            assertTrue(owner.spoolStatus().owner());
            owner.publish("t", "s", Map.of("n", 0));
            try (EventBus guest = open(uri, SpoolOptions.in(dir))) {
                assertFalse(guest.spoolStatus().owner());
                guest.publish("t", "s", Map.of("n", 1));
                guest.publish("t", "s", Map.of("n", 2));
                assertEquals(
                        2, guest.spoolStatus().spooled(), guest.spoolStatus().toString());
                await(() -> owner.spoolStatus().depth() == 3, "the owner takes the guest's two events");
                assertEquals(0, guest.spoolStatus().depth(), "nothing of the guest's left in the inbox");
                owner.close();
                await(() -> guest.spoolStatus().owner(), "the guest takes the directory over");
                assertEquals(3, guest.spoolStatus().depth(), "all three still waiting for Redis, none lost");
            }
        } finally {
            owner.close();
        }
        try (var inbox = Files.list(dir.resolve("inbox"))) {
            assertEquals(0, inbox.count(), "the inbox is empty");
        }
    }

    @Test
    void aSpoolDirectoryIsMadeOnlyWhenAnEventMustBeSpooledAndIsItsUsersAlone() throws Exception {
        Path nested = dir.resolve("state/statestore/spool/server");
        try (EventBus bus = open(deadUri(), SpoolOptions.in(nested))) {
            assertFalse(Files.exists(nested), "opening a bus leaves no trace");
            bus.publish("t", "s", Map.of("n", 1));
            assertEquals(1, bus.spoolStatus().depth());
            assertTrue(bus.spoolStatus().owner());
        }
        assertEquals(
                "rwx------",
                java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)));
        assertEquals(
                "rwx------",
                java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve("state"))));
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(20);
        }
    }
}
