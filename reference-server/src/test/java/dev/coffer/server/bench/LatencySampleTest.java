package dev.coffer.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java driver's latency record: exact below its capacity, bounded above it, nearest-rank percentiles. */
class LatencySampleTest {
    @Test
    void percentilesAreNearestRankOverEverySampleMerged() {
        LatencySample a = new LatencySample(100);
        LatencySample b = new LatencySample(100);
        for (int i = 1; i <= 50; i++) {
            a.record(i * 1_000_000L);
            b.record((i + 50) * 1_000_000L);
        }
        long[] sorted = LatencySample.merged(List.of(a, b));
        assertEquals(100, sorted.length);
        assertEquals(50.0, LatencySample.percentileMs(sorted, 50), 1e-9);
        assertEquals(99.0, LatencySample.percentileMs(sorted, 99), 1e-9);
        assertEquals(100.0, LatencySample.percentileMs(sorted, 100), 1e-9);
    }

    @Test
    void beyondItsCapacityItKeepsABoundedSampleAndCountsEverything() {
        LatencySample s = new LatencySample(1000);
        for (int i = 0; i < 100_000; i++) {
            s.record(5_000_000L);
        }
        assertEquals(100_000, s.seen());
        long[] kept = LatencySample.merged(List.of(s));
        assertEquals(1000, kept.length);
        assertEquals(5.0, LatencySample.percentileMs(kept, 50), 1e-9);
    }

    @Test
    void anEmptySampleHasNoPercentileAndCapacityMustBePositive() {
        assertTrue(Double.isNaN(LatencySample.percentileMs(new long[0], 50)));
        assertThrows(IllegalArgumentException.class, () -> new LatencySample(0));
    }
}
