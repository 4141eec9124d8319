package io.statestore.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.ConflictException;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StrictJson;
import io.statestore.client.WriteOptions;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisGateway;
import io.statestore.testing.RedisServerExtension;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A computed update with the caller's revision (merge, set, increment... with {@code ifRevision},
 * combining off) must be computed from the document at that revision: computing it from the
 * document as read and sending the caller's revision as the compare-and-set would commit a value
 * built on an older document once another writer brought the revision up to the caller's number
 * in between, and that writer's change would be lost.
 */
class ComputedWriteRevisionTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private static final String KEY = "cas:doc";
    private RedisGateway gateway;
    private WriteCalls calls;
    private StateStore other;

    @BeforeEach
    void connect() {
        redis.flushAll();
        other = redis.newStore();
        StateStoreOptions options =
                StateStoreOptions.builder().uri(redis.uri()).writer("cas-test").build();
        gateway = new RedisGateway(options);
        calls = new WriteCalls(options, gateway, new KeyLayout(options.keyPrefix()), other.mode());
        other.put(KEY, StrictJson.parse("{\"a\":1}"));
    }

    @AfterEach
    void close() {
        gateway.close();
        other.close();
    }

    @Test
    void aCallerRevisionAheadOfTheDocumentReadIsAConflictEvenIfAnotherWriterReachesItMeanwhile() {
        AtomicInteger computations = new AtomicInteger();
        ConflictException e = assertThrows(
                ConflictException.class,
                () -> calls.computed(KEY, "merge", "{\"b\":2}", WriteOptions.ifRevision(2), doc -> {
                    computations.incrementAndGet();
                    // another process writes between this client's read and its write: revision 2
                    other.merge(KEY, StrictJson.parse("{\"other\":true}"));
                    ObjectNode next = ((ObjectNode) doc.deepCopy()).put("b", 2);
                    return new JsonNode[] {next, null};
                }));
        assertTrue(e.getMessage().contains("expected revision 2"), e.getMessage());
        assertEquals(0, computations.get(), "nothing computed from a document at another revision");
        JsonNode stored = other.get(KEY).orElseThrow().value();
        assertEquals(StrictJson.parse("{\"a\":1}"), stored, "nothing written");
    }

    @Test
    void theOtherWritersChangeIsNeverLost() {
        // the same race with the caller's revision matching the read: the write must meet the other's revision
        assertThrows(
                ConflictException.class,
                () -> calls.computed(KEY, "merge", "{\"b\":2}", WriteOptions.ifRevision(1), doc -> {
                    other.merge(KEY, StrictJson.parse("{\"other\":true}"));
                    return new JsonNode[] {((ObjectNode) doc.deepCopy()).put("b", 2), null};
                }));
        assertEquals(
                StrictJson.parse("{\"a\":1,\"other\":true}"),
                other.get(KEY).orElseThrow().value());
    }
}
