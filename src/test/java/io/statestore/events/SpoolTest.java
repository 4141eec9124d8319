package io.statestore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.EventBus;
import io.statestore.client.InvalidInputException;
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
        return EventBus.open(StateStoreOptions.builder().uri(uri).writer("t").timeout(Duration.ofMillis(500)).build(),
                EventBusOptions.builder().spool(spool).publishTimeout(Duration.ofMillis(300)).build());
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
        Files.write(dir.resolve("events.spool"), new byte[] {0, 0, 1, 0, 42, 42}, StandardOpenOption.APPEND); // a torn record
        try (EventBus bus = open(uri, SpoolOptions.in(dir))) {
            assertEquals(10, bus.spoolStatus().depth());
            assertEquals(size, Files.size(dir.resolve("events.spool")));
        }
    }

    @Test
    void aFullSpoolRefusesWithAClearErrorAndOneDirectoryServesOneBus() throws Exception {
        String uri = deadUri();
        try (EventBus bus = open(uri, SpoolOptions.in(dir).withMaxBytes(2048).withBatchSync(Duration.ofMillis(50)))) {
            UnavailableException full = assertThrows(UnavailableException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    bus.publish("t", "s", Map.of("pad", "x".repeat(200)));
                }
            });
            assertTrue(full.getMessage().contains("is full"), full.getMessage());
            assertTrue(bus.spoolStatus().depth() > 0);
            InvalidInputException inUse = assertThrows(InvalidInputException.class, () -> open(uri, SpoolOptions.in(dir)));
            assertTrue(inUse.getMessage().contains("in use"), inUse.getMessage());
        }
    }
}
