package io.statestore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOfOneToHundredIsTheRankItself() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i; // unsorted on purpose
        }
        Percentiles p = Percentiles.of(v, v.length);
        assertEquals(50, p.at(50));
        assertEquals(99, p.at(99));
        assertEquals(100, p.at(100));
        assertEquals(1, p.at(0.5));
    }

    @Test
    void smallSamplesRoundTheRankUp() {
        Percentiles p = Percentiles.of(new long[] {30, 10, 20}, 3);
        assertEquals(20, p.at(50)); // rank ceil(1.5) = 2
        assertEquals(30, p.at(99)); // rank ceil(2.97) = 3
        assertEquals(10, p.at(1));
    }

    @Test
    void onlyTheFirstCountValuesAreUsed() {
        Percentiles p = Percentiles.of(new long[] {5, 7, 1_000_000}, 2);
        assertEquals(2, p.count());
        assertEquals(7, p.at(99));
    }

    @Test
    void noSamplesGiveZero() {
        assertEquals(0, Percentiles.of(new long[0], 0).at(99));
    }

    @Test
    void percentilesOutsideTheRangeAreRejected() {
        Percentiles p = Percentiles.of(new long[] {1}, 1);
        assertThrows(IllegalArgumentException.class, () -> p.at(0));
        assertThrows(IllegalArgumentException.class, () -> p.at(100.1));
    }

    @Test
    void logsGrowAndConcatenateInOrder() {
        LatencyLog a = new LatencyLog();
        LatencyLog b = new LatencyLog();
        for (int i = 0; i < 10_000; i++) {
            a.add(i);
        }
        b.add(-1);
        long[] all = LatencyLog.concat(List.of(a, b));
        assertEquals(10_001, all.length);
        assertEquals(9_999, all[9_999]);
        assertEquals(-1, all[10_000]);
    }
}
