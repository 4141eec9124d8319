package io.statestore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeersTableTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(5.0, PeersTable.median(List.of(9.0, 1.0, 5.0)));
        assertEquals(4.0, PeersTable.median(List.of(7.0, 1.0, 3.0, 5.0)));
        assertTrue(Double.isNaN(PeersTable.median(List.of())));
    }

    @Test
    void systemsTakeTurnsFirst() {
        List<String> s = List.of("a", "b", "c", "d");
        assertEquals(s, PeersBenchmark.rotated(s, 0));
        assertEquals(List.of("b", "c", "d", "a"), PeersBenchmark.rotated(s, 1));
        assertEquals(List.of("b", "c", "d", "a"), PeersBenchmark.rotated(s, 5));
    }

    @Test
    void ratiosAreStatestoresAdvantageAndTinyDelaysAreNotDivided() {
        PeersTable t = new PeersTable(
                List.of(PeerSystem.EVERYSEC, PeerSystem.NATS),
                Map.of(PeerSystem.EVERYSEC, "ss", PeerSystem.NATS, "nats"));
        for (double[] set : new double[][] {{12_000, 10_000}, {9_000, 10_000}, {12_600, 10_500}}) {
            t.add(PeerRow.PUT, PeerSystem.EVERYSEC, loop(set[0]));
            t.add(PeerRow.PUT, PeerSystem.NATS, loop(set[1]));
        }
        t.add(PeerSystem.EVERYSEC, new WatchDelay.Result(5_000, 2_000_000, 500, 0));
        t.add(PeerSystem.NATS, new WatchDelay.Result(300_000, 3_000_000, 500, 0));
        StringWriter out = new StringWriter();
        t.print(new PrintWriter(out, true), 3, 500);
        String text = out.toString();
        // medians 12,000 and 10,000: statestore 1.2x ahead on puts
        assertTrue(text.contains("| put, each thread its own key (ops/s) | 12,000 | 10,000 |"), text);
        assertTrue(text.contains("| put, each thread its own key (ops/s) | 1.20x |"), text);
        assertTrue(text.contains("| watch delay p99 | 1.50x |"), text);
        assertTrue(text.contains("| watch delay p50 | - (0.005 vs 0.300 ms) |"), text);
        assertTrue(
                text.contains(
                        "| put, each thread its own key (ops/s) | 12,000, 9,000, 12,600 | 10,000, 10,000, 10,500 |"),
                text);
    }

    private static ClosedLoop.Result loop(double perSecond) {
        return new ClosedLoop.Result(perSecond, (long) perSecond, 0, 0, null, 40, 60);
    }
}
