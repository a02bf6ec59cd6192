package dev.coffer.server.watch;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of the change stream ({@code GET /v1/watch}).
 *
 * <pre>{@code
 * WatchSettings settings = WatchSettings.DEFAULTS.withHeartbeat(Duration.ofSeconds(5));
 * }</pre>
 *
 * @param maxWatchers the most streams the server serves at once ({@code --max-watchers}); one more is
 *        503 {@code WATCH_CAPACITY_REACHED} with {@code Retry-After}
 * @param maxPerCaller the most streams one caller (tenant and principal) holds at once
 *        ({@code --max-watchers-per-caller}); one more is 429 {@code TOO_MANY_WATCHES}
 * @param heartbeat how long a stream stays silent before the server writes a heartbeat
 *        ({@code --watch-heartbeat}); shorter than any idle timeout between server and client
 * @param writeTimeout how long the worker waits for one event's send to complete. Where the
 *        container sends asynchronously this ends a stream whose client reads nothing; Jersey on the
 *        standalone server sends on the worker's thread and returns a completed future, so there a
 *        blocked write is ended by Jetty's connector idle timeout (30 s) instead. Either way a
 *        client that reads nothing holds one event, never a backlog
 */
public record WatchSettings(int maxWatchers, int maxPerCaller, Duration heartbeat, Duration writeTimeout) {
    /** The largest {@code --max-watchers}: each stream holds a thread. */
    public static final int MAX_WATCHERS = 10_000;
    /** The shortest heartbeat. */
    public static final Duration MIN_HEARTBEAT = Duration.ofSeconds(1);
    /** The longest heartbeat: proxies commonly drop connections silent for a minute. */
    public static final Duration MAX_HEARTBEAT = Duration.ofMinutes(1);
    /** How long a refused client is told to wait ({@code Retry-After}, seconds). */
    public static final int RETRY_AFTER_SECONDS = 5;

    /** 1000 streams, 16 per caller, a heartbeat every 15 s, 30 s to write an event. */
    public static final WatchSettings DEFAULTS = new WatchSettings(1000, 16, Duration.ofSeconds(15), Duration.ofSeconds(30));

    public WatchSettings {
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        if (maxWatchers < 1 || maxWatchers > MAX_WATCHERS) {
            throw new IllegalArgumentException("--max-watchers must be between 1 and " + MAX_WATCHERS + ", got " + maxWatchers);
        }
        if (maxPerCaller < 1 || maxPerCaller > maxWatchers) {
            throw new IllegalArgumentException("--max-watchers-per-caller must be between 1 and --max-watchers (" + maxWatchers
                    + "), got " + maxPerCaller);
        }
        if (heartbeat.compareTo(MIN_HEARTBEAT) < 0 || heartbeat.compareTo(MAX_HEARTBEAT) > 0) {
            throw new IllegalArgumentException("--watch-heartbeat must be between 1s and 1m, got "
                    + heartbeat.toString().substring(2).toLowerCase(java.util.Locale.ROOT));
        }
        if (writeTimeout.isNegative() || writeTimeout.isZero()) {
            throw new IllegalArgumentException("the watch write timeout must be positive");
        }
    }

    /** These settings with at most {@code max} streams. */
    public WatchSettings withMaxWatchers(int max) {
        return new WatchSettings(max, Math.min(maxPerCaller, max), heartbeat, writeTimeout);
    }

    /** These settings with at most {@code max} streams per caller. */
    public WatchSettings withMaxPerCaller(int max) {
        return new WatchSettings(maxWatchers, max, heartbeat, writeTimeout);
    }

    /** These settings with a heartbeat every {@code every}. */
    public WatchSettings withHeartbeat(Duration every) {
        return new WatchSettings(maxWatchers, maxPerCaller, every, writeTimeout);
    }
}
