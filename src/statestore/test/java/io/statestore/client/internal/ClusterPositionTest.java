package io.statestore.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.InvalidInputException;
import io.statestore.client.StateStore;
import io.statestore.client.WatchListener;
import io.statestore.client.WatchOptions;
import io.statestore.testing.RedisServerExtension;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cluster watch position token: its format, its errors, and a single server refusing it. */
class ClusterPositionTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Test
    void aPositionPrintsCompactlyAndReadsBackTheSame() {
        Map<Integer, String> positions = new TreeMap<>();
        positions.put(16383, "1795307409913-0");
        positions.put(0, "1795307409913-18446744073709551615");
        positions.put(77, "0-0"); // the same as absent: left out
        String token = ClusterPosition.format(positions);
        assertEquals("c1:0.mwr3of7d.3w5e11264sgsf,cn3.mwr3of7d.0", token);
        Map<Integer, String> back = ClusterPosition.parse(token);
        positions.remove(77);
        assertEquals(positions, back);
        assertEquals(Map.of(), ClusterPosition.parse("c1:"));
    }

    @Test
    void aBadTokenIsRefusedNamingWhatIsWrong() {
        for (String[] c : new String[][] {
            {"c1:1.2", "\"1.2\" is not SLOT.MS.SEQ"},
            {"c1:1.2.3,1.2.4", "slot 1 appears twice"},
            {"c1:zzz.1.1", "not between 0 and 16383"},
            {"c1:1.2.!", "not SLOT.MS.SEQ in base 36"}
        }) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> ClusterPosition.parse(c[0]));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertTrue(e.getMessage().startsWith("invalid cluster watch position"), e.getMessage());
        }
    }

    @Test
    void aSingleServerRefusesAClusterPosition() {
        StateStore store = redis.newStore();
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> store.watch()
                        .watch(WatchOptions.builder().fromId("c1:0.1.0").build(), (WatchListener) ev -> {}));
        assertTrue(e.getMessage().contains("means nothing to a single server"), e.getMessage());
    }
}
