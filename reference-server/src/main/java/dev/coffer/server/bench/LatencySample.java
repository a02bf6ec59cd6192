package dev.coffer.server.bench;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The latencies one connection-thread of the Java driver saw: every one up to {@code capacity}, then a
 * uniform random sample of them (reservoir sampling), so a long window cannot grow memory without bound.
 * HdrHistogram reaches this module only as a runtime dependency of Micrometer, so it is not used here.
 * Not thread-safe: one per thread, merged at the end.
 */
final class LatencySample {
    private final long[] nanos;
    private long seen;

    LatencySample(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        nanos = new long[capacity];
    }

    void record(long latencyNanos) {
        if (seen < nanos.length) {
            nanos[(int) seen] = latencyNanos;
        } else {
            long slot = ThreadLocalRandom.current().nextLong(seen + 1);
            if (slot < nanos.length) {
                nanos[(int) slot] = latencyNanos;
            }
        }
        seen++;
    }

    /** How many latencies were recorded (kept or not). */
    long seen() {
        return seen;
    }

    /** The kept latencies of all {@code samples}, sorted. */
    static long[] merged(Iterable<LatencySample> samples) {
        int size = 0;
        for (LatencySample s : samples) {
            size += (int) Math.min(s.seen, s.nanos.length);
        }
        long[] all = new long[size];
        int at = 0;
        for (LatencySample s : samples) {
            int kept = (int) Math.min(s.seen, s.nanos.length);
            System.arraycopy(s.nanos, 0, all, at, kept);
            at += kept;
        }
        Arrays.sort(all);
        return all;
    }

    /** The nearest-rank percentile {@code p} (0 to 100) of sorted latencies, in milliseconds; NaN when empty. */
    static double percentileMs(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
