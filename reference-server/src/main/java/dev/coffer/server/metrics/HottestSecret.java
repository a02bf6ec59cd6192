package dev.coffer.server.metrics;

import dev.coffer.spi.model.SecretPath;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How often the most-read secret was read in the last complete minute, without naming it: the
 * gauge {@code coffer_secret_reads_hottest}. A label per secret would make one series per secret
 * (unbounded, and the path is the caller's); one number is enough to see one secret read far more
 * than usual, and {@code coffer audit summary} (reads by secret) names it.
 *
 * <pre>{@code
 * HottestSecret hottest = new HottestSecret(Clock.systemUTC());
 * hottest.read(path);
 * hottest.lastWindowMax(); // reads of the most-read secret in the previous minute
 * }</pre>
 *
 * <p>Counts live in memory for one window only, for at most {@link #MAX_TRACKED} secrets (a
 * window with more counts only those first seen, so the figure is then a lower bound). A read
 * counted while the window rolls over may land in the old window and be lost: this is a rate
 * signal, not an audit.
 */
public final class HottestSecret {
    /** The window length. */
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** The most secrets counted in one window. */
    public static final int MAX_TRACKED = 100_000;

    private final Clock clock;
    private volatile long windowStart;
    private volatile Map<SecretPath, LongAdder> counts = new ConcurrentHashMap<>();
    private volatile long lastWindowMax;

    public HottestSecret(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.windowStart = align(clock.millis());
    }

    /** Counts one successful read of {@code path}. */
    public void read(SecretPath path) {
        roll();
        Map<SecretPath, LongAdder> current = counts;
        LongAdder count = current.get(path);
        if (count == null) {
            if (current.size() >= MAX_TRACKED) {
                return;
            }
            count = current.computeIfAbsent(path, p -> new LongAdder());
        }
        count.increment();
    }

    /** Reads of the most-read secret in the last complete window (0 when that window had none). */
    public long lastWindowMax() {
        roll();
        return lastWindowMax;
    }

    private void roll() {
        if (clock.millis() - windowStart < WINDOW.toMillis()) {
            return;
        }
        synchronized (this) {
            long now = clock.millis();
            if (now - windowStart < WINDOW.toMillis()) {
                return;
            }
            boolean previousIsLast = now - windowStart < 2 * WINDOW.toMillis();
            long max = counts.values().stream().mapToLong(LongAdder::sum).max().orElse(0);
            lastWindowMax = previousIsLast ? max : 0;
            counts = new ConcurrentHashMap<>();
            windowStart = align(now);
        }
    }

    private static long align(long millis) {
        return millis - Math.floorMod(millis, WINDOW.toMillis());
    }
}
