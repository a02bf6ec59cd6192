package dev.coffer.server.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing count. */
public final class Counter {
    private final LongAdder count = new LongAdder();

    /** Adds one. */
    public void increment() {
        count.increment();
    }

    /** The count so far. */
    public long count() {
        return count.sum();
    }
}
