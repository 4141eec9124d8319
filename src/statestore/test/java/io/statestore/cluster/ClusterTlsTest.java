package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.ErrorCode;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.TlsException;
import io.statestore.client.TlsOptions;
import io.statestore.client.spi.SlotTags;
import io.statestore.testing.RedisClusterExtension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * {@code rediss-cluster://} against a real cluster that speaks TLS only (client port, cluster bus
 * and replication; client certificates required): documents on every primary, and a wrong CA
 * refused at connect with the same one-line error as on one server ({@code TlsConnectTest}).
 */
class ClusterTlsTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.threePrimariesWithTls();

    @Test
    void documentsRoundTripOnEveryPrimaryOverTls() {
        assertTrue(cluster.uri().startsWith("rediss-cluster://127.0.0.1:"), cluster.uri());
        StateStore store = cluster.newStore();
        Map<Integer, String> keyOnPrimary = oneKeyPerPrimary();
        assertEquals(3, keyOnPrimary.size(), "a document on each of the 3 primaries: " + keyOnPrimary);
        for (String key : keyOnPrimary.values()) {
            store.put(key, Map.of("over", "tls", "key", key));
        }
        for (Map.Entry<Integer, String> e : keyOnPrimary.entrySet()) {
            String key = e.getValue();
            assertEquals(key, store.get(key).orElseThrow().value().get("key").asText());
            assertEquals(2, store.merge(key, Map.of("again", true)).revision());
            try (Jedis node = cluster.node(e.getKey())) {
                assertTrue(node.exists(key), key + " is on the primary that serves its slot, " + e.getKey());
            }
        }
    }

    @Test
    void anUnrelatedCaIsRefusedAtConnectNamingTheNodeAndTheCaFile() {
        TlsException e = assertThrows(
                TlsException.class,
                () -> StateStore.connect(StateStoreOptions.builder()
                                .uri(cluster.uri())
                                .tls(TlsOptions.builder()
                                        .caFile(cluster.certificates().otherCa)
                                        .certFile(cluster.certificates().cert("client"))
                                        .keyFile(cluster.certificates().key("client"))
                                        .build())
                                .writer("tls-test")
                                .build())
                        .close());
        // the wording of TlsConnectTest.anUnrelatedCaFailsOnceNamingTheCaFile, for a seed node
        Matcher m = Pattern.compile("TLS: the server certificate of 127\\.0\\.0\\.1:(\\d+) is not signed by a CA in "
                        + Pattern.quote(cluster.certificates().otherCa.toString()))
                .matcher(e.getMessage());
        assertTrue(m.matches(), e.getMessage());
        assertTrue(cluster.uri().contains("127.0.0.1:" + m.group(1) + ","), "a seed node: " + e.getMessage());
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
    }

    @Test
    void withoutAClientCertificateTheClusterSaysItRequiresOne() {
        TlsException e = assertThrows(
                TlsException.class,
                () -> StateStore.connect(StateStoreOptions.builder()
                                .uri(cluster.uri())
                                .tls(TlsOptions.builder()
                                        .caFile(cluster.certificates().ca)
                                        .build())
                                .writer("tls-test")
                                .build())
                        .close());
        assertTrue(
                e.getMessage()
                        .startsWith("TLS: the server requires a client certificate: give --tls-cert and --tls-key"),
                e.getMessage());
    }

    /** The first key (doc:0, doc:1, ...) found for each primary, by the slot it hashes to. */
    private static Map<Integer, String> oneKeyPerPrimary() {
        Map<Integer, String> out = new LinkedHashMap<>();
        List<Integer> primaries = cluster.primaryPorts();
        for (int i = 0; out.size() < primaries.size() && i < 1000; i++) {
            String key = "tls:doc:" + i;
            out.putIfAbsent(cluster.primaryOfSlot(SlotTags.slot(key)), key);
        }
        return out;
    }
}
