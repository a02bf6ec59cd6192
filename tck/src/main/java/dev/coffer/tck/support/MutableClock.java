package dev.coffer.tck.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A clock the TCK moves by hand, to walk through recovery windows, grants and rotation periods. */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    /** A clock at {@code start} (truncated to microseconds, the precision stores keep). */
    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start.truncatedTo(ChronoUnit.MICROS));
    }

    /** A clock at a fixed, recognizable start: 2030-01-01T00:00:00Z. */
    public static MutableClock startingAt2030() {
        return new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    }

    /** Moves time forward. */
    public void advance(Duration by) {
        now.updateAndGet(t -> t.plus(by));
    }

    /** Sets the time. */
    public void set(Instant at) {
        now.set(at.truncatedTo(ChronoUnit.MICROS));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
