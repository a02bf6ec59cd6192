package dev.coffer.spi.kernel.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long the rotation engine waits before retrying a failed attempt: 10 s doubling up to 5 min,
 * with "equal jitter" (a random point in the upper half of the delay), so that many secrets that
 * failed together against one downstream do not all retry in the same second.
 */
public final class RetryBackoff {
    /** The delay after the first failure, before jitter. */
    public static final Duration FIRST = Duration.ofSeconds(10);
    /** The longest delay, before jitter. */
    public static final Duration MAX = Duration.ofMinutes(5);

    private RetryBackoff() {}

    /** The ceiling for the {@code failures}-th failure (1-based): 10 s, 20 s, 40 s, ... at most 5 min. */
    public static Duration ceiling(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1");
        }
        int doublings = Math.min(failures - 1, 10);
        Duration d = FIRST.multipliedBy(1L << doublings);
        return d.compareTo(MAX) > 0 ? MAX : d;
    }

    /** The delay for the {@code failures}-th failure: between half the ceiling and the ceiling. */
    public static Duration delay(int failures) {
        long ceilingMillis = ceiling(failures).toMillis();
        long half = ceilingMillis / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceilingMillis - half + 1));
    }
}
