package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisClusterExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test cluster itself: shape, and that a reshard moves slots. */
class ClusterHarnessTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.threePrimaries();

    @Test
    void threePrimariesEachWithAReplicaServeAllSlots() {
        List<RedisClusterExtension.ClusterNode> nodes = cluster.clusterNodes();
        assertEquals(6, nodes.size());
        List<RedisClusterExtension.ClusterNode> primaries = nodes.stream().filter(RedisClusterExtension.ClusterNode::primary).toList();
        assertEquals(3, primaries.size());
        assertEquals(16384, primaries.stream().mapToInt(RedisClusterExtension.ClusterNode::slotCount).sum());
        for (RedisClusterExtension.ClusterNode p : primaries) {
            assertEquals(1, nodes.stream().filter(n -> p.id().equals(n.masterId())).count(), "one replica of " + p.port());
        }
    }

    @Test
    void reshardMovesSlots() throws Exception {
        List<Integer> primaries = cluster.primaryPorts();
        int from = primaries.get(0);
        int to = primaries.get(1);
        int before = slotsOf(to);
        cluster.reshard(from, to, 100);
        assertEquals(before + 100, slotsOf(to));
        cluster.awaitReady();
    }

    private static int slotsOf(int port) {
        return cluster.clusterNodes().stream().filter(n -> n.port() == port).findFirst().orElseThrow().slotCount();
    }
}
