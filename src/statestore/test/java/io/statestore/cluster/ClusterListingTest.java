package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStore;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.SlotTags;
import io.statestore.testing.RedisClusterExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** Listing by prefix on a cluster reads each slot's index in pages of {@link FunctionCalls#LIST_PAGE}. */
class ClusterListingTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    @Test
    void aSlotIndexLargerThanOnePageIsReadPageByPageAndListedWhole() {
        StateStore store = cluster.newStore();
        // one hash tag: every document, and so the index holding them, in one slot
        int documents = FunctionCalls.LIST_PAGE * 2 + 150;
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < documents; i++) {
            String key = String.format("{pg}:%05d", i);
            store.put(key, Map.of("i", i));
            if (i % 100 == 7) {
                store.delete(key); // a deletion takes the name out of its slot's index
            } else {
                expected.add(key);
            }
        }
        int port = cluster.primaryOfSlot(SlotTags.slot("{pg}"));
        try (Jedis node = cluster.node(port)) {
            assertEquals(expected.size(), node.zcard(cluster.layout().index("{pg}:00000")), "one index holds them all");
            node.configResetStat();
            assertEquals(expected, store.list("{pg}:"));
            long listCalls = fcallReadOnlyCalls(node.info("commandstats"));
            assertEquals(
                    expected.size() / FunctionCalls.LIST_PAGE + 1, // the last page is short (or empty)
                    listCalls,
                    "one ss_list call per page of " + FunctionCalls.LIST_PAGE + " index entries");
        }
        assertTrue(store.list("{pg}:9").isEmpty());
    }

    /** {@code calls=} of {@code cmdstat_fcall_ro} (0 when the command was not called). */
    private static long fcallReadOnlyCalls(String commandStats) {
        for (String line : commandStats.split("\r?\n")) {
            if (line.startsWith("cmdstat_fcall_ro:")) {
                String calls = line.substring(line.indexOf("calls=") + 6);
                return Long.parseLong(calls.substring(0, calls.indexOf(',')));
            }
        }
        return 0;
    }
}
