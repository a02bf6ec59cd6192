package dev.coffer.server.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A latency histogram with fixed buckets from 100 µs to 10 s, in seconds. */
public final class Histogram {
    /** Upper bounds in seconds. */
    static final double[] BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final LongAdder[] buckets = new LongAdder[BOUNDS.length];
    private final LongAdder count = new LongAdder();
    private final LongAdder sumNanos = new LongAdder();

    Histogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Records one observation of {@code nanos}. */
    public void observeNanos(long nanos) {
        double seconds = nanos / 1e9;
        for (int i = 0; i < BOUNDS.length; i++) {
            if (seconds <= BOUNDS[i]) {
                buckets[i].increment();
                break;
            }
        }
        count.increment();
        sumNanos.add(nanos);
    }

    /** Observations so far. */
    public long count() {
        return count.sum();
    }

    // Cumulative count of observations at or below BOUNDS[i].
    long cumulative(int i) {
        long total = 0;
        for (int j = 0; j <= i; j++) {
            total += buckets[j].sum();
        }
        return total;
    }

    double sumSeconds() {
        return sumNanos.sum() / 1e9;
    }
}
