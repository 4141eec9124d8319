package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.events.EventBusOptions;
import io.statestore.client.events.SpoolOptions;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * A server that is up but refuses writes for a while (demoted to a replica in a failover, out of
 * memory, too few replicas, unable to persist) is an outage, not bad input: the caller gets
 * {@link UnavailableException} knowing nothing was written, and a publisher with a spool spools.
 */
class RefusedWritesTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    StateStore store;

    @BeforeEach
    void setUp() {
        redis.flushAll();
        store = redis.newStore(b -> b.timeout(Duration.ofSeconds(2)));
        store.put("doc", Map.of("n", 1));
    }

    @AfterEach
    void restore() {
        try (Jedis j = redis.jedis()) {
            j.replicaofNoOne();
            j.configSet("maxmemory", "0");
            j.configSet("min-replicas-to-write", "0");
        }
    }

    @Test
    void aServerDemotedToAReplicaRefusesTheWriteAsUnavailable() {
        // a replica of a master that is not there: read-only at once, its data kept
        refusing(j -> j.replicaof("127.0.0.1", 1), "READONLY");
    }

    @Test
    void aServerOutOfMemoryRefusesTheWriteAsUnavailable() {
        refusing(j -> j.configSet(Map.of("maxmemory", "1", "maxmemory-policy", "noeviction")), "OOM");
    }

    @Test
    void aServerWithTooFewReplicasRefusesTheWriteAsUnavailable() {
        refusing(j -> j.configSet("min-replicas-to-write", "1"), "NOREPLICAS");
    }

    private void refusing(Consumer<Jedis> refuse, String reply) {
        try (Jedis j = redis.jedis()) {
            refuse.accept(j);
        }
        UnavailableException e = assertThrows(UnavailableException.class, () -> store.put("doc", Map.of("n", 2)));
        assertTrue(e.getMessage().contains(reply), e.getMessage());
        assertFalse(e.outcomeUnknown(), "a refused write is known not to have happened");
        assertTrue(e.code().retryable());
        assertEquals(1, store.get("doc").orElseThrow().value().get("n").asInt(), "nothing written");
        assertEquals(1L, store.get("doc").orElseThrow().revision());
        restore();
        assertEquals(2L, store.put("doc", Map.of("n", 2)).revision());
    }

    @Test
    void aPublisherWithASpoolSpoolsWhileWritesAreRefusedAndForwardsAfterwards() throws Exception {
        Path dir = Files.createTempDirectory("spool-");
        try (EventBus bus = EventBus.open(
                StateStoreOptions.builder()
                        .uri(redis.uri())
                        .writer("pub")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                EventBusOptions.builder()
                        .spool(SpoolOptions.in(dir))
                        // a refusal is an error reply, spooled at once; the timeout is for the
                        // first publish, to the healthy server, which must not be spooled (at
                        // 500 ms a stall under load spooled it, and 3 were forwarded, not 2)
                        .publishTimeout(Duration.ofSeconds(10))
                        .build())) {
            bus.publish("refused", "t", Map.of("n", 0));
            try (Jedis j = redis.jedis()) {
                j.replicaof("127.0.0.1", 1);
            }
            bus.publish("refused", "t", Map.of("n", 1));
            bus.publish("refused", "t", Map.of("n", 2));
            assertTrue(bus.spoolStatus().depth() >= 2, bus.spoolStatus().toString());
            restore();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (bus.spoolStatus().depth() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, bus.spoolStatus().depth(), bus.spoolStatus().toString());
            assertEquals(2, bus.spoolStatus().forwarded(), "the two refused events went through the spool");
            assertEquals(
                    List.of(0, 1, 2),
                    bus.read("refused", io.statestore.client.events.ReplayRange.all(), 10).stream()
                            .map(ev -> ev.data().get("n").asInt())
                            .toList());
        }
    }
}
