package dev.coffer.config.cache;

import dev.coffer.config.settings.SecretMapping;
import dev.coffer.spi.error.ErrorCode;
import java.util.concurrent.ScheduledFuture;

/**
 * One cached property. The read path does one volatile read of {@link #served}; everything else
 * belongs to the refresh side, which changes it under the entry's lock.
 */
final class Entry {
    /** What a read gets. */
    enum State {
        /** Not fetched yet (a prefix name before its first read). */
        UNLOADED,
        /** Within ttl (+ jitter) of the last successful fetch. */
        FRESH,
        /** Past freshness, refreshes failing, within max-stale: still served. */
        STALE,
        /** Past max-stale with refreshes still failing: not served. */
        EXPIRED,
        /** Explicitly revoked: not served. */
        REVOKED
    }

    /** The value and state a read sees, swapped as one. The value is never printed. */
    record Served(String value, State state, ErrorCode code) {
        static final Served UNLOADED = new Served(null, State.UNLOADED, null);

        @Override
        public String toString() {
            return "Served[" + state + (code == null ? "" : " " + code) + ", value redacted]";
        }
    }

    final String property;
    final SecretMapping mapping;
    final boolean fromPrefix;
    /** A {@code ${coffer::...}} reference registered on demand ({@link SecretCache#valueOf}): not a property. */
    final boolean reference;

    volatile Served served = Served.UNLOADED;
    volatile boolean removed;

    // Refresh side only, guarded by this.
    long staleAtNanos;
    long expiredAtNanos;
    /** Counts successful fetches; a deadline set for one fetch is void once a later one succeeds. */
    long generation;
    int failures;
    /**
     * For a {@code #next} mapping: whether the last successful fetch served {@code current} because
     * {@code next} was not set; {@code null} before the first (or after a revocation), so that each
     * switch is logged once.
     */
    Boolean fallingBack;
    ScheduledFuture<?> task;
    /** The pending stale and expiry deadlines of the last successful fetch; cancelled by the next one. */
    ScheduledFuture<?> staleDeadline;
    ScheduledFuture<?> expiryDeadline;

    Entry(String property, SecretMapping mapping, boolean fromPrefix) {
        this(property, mapping, fromPrefix, false);
    }

    Entry(String property, SecretMapping mapping, boolean fromPrefix, boolean reference) {
        this.property = property;
        this.mapping = mapping;
        this.fromPrefix = fromPrefix;
        this.reference = reference;
    }

    /** How messages name it: property (or reference) and secret, never the value. */
    String describe() {
        return reference ? "secret reference ${coffer::" + mapping.target() + "}"
                : "property '" + property + "' (" + mapping.target() + ")";
    }

    @Override
    public String toString() {
        return "Entry[" + describe() + ", " + served + "]";
    }
}
