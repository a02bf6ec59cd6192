package dev.coffer.server.auth;

import dev.coffer.server.auth.TokenRejectedException.Reason;
import dev.coffer.server.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Leaves a trace of every refused authentication without flooding anything: each refusal counts
 * in {@value #COUNTER}{@code {reason="..."}} (one series per {@link Reason}, a closed set), and
 * the log gets at most one WARNING line per reason per {@link #LOG_INTERVAL}, carrying how many
 * refusals of that reason came since its previous line. Neither ever holds the token or a claim:
 * only the reason word and counts.
 *
 * <pre>{@code
 * AuthenticationFailures failures = new AuthenticationFailures(metrics);
 * failures.record(Reason.EXPIRED);
 * }</pre>
 *
 * <p>A burst's tail (refusals after the last line) is logged with the next refusal of that reason
 * after the interval, and is always in the counter.
 */
public final class AuthenticationFailures {
    /** The counter's name. */
    public static final String COUNTER = "coffer_authentication_failures_total";
    // The Micrometer name; the Prometheus registry adds the _total.
    private static final String COUNTER_METER = "coffer.authentication.failures";
    /** At most one log line per reason in this interval. */
    public static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    /** The logger the summaries go to. */
    public static final String LOGGER = "dev.coffer.server.auth";

    private static final Logger LOG = Logger.getLogger(LOGGER);

    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);
    private final Map<Reason, Window> windows = new EnumMap<>(Reason.class);
    private final Clock clock;

    public AuthenticationFailures(Metrics metrics) {
        this(metrics, Clock.systemUTC());
    }

    /** As above, with the clock that paces the log lines. */
    public AuthenticationFailures(Metrics metrics, Clock clock) {
        Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (Reason reason : Reason.values()) {
            counters.put(reason, Counter.builder(COUNTER_METER).description("Requests refused 401 by reason").tag("reason", reason.label())
                    .register(metrics.registry()));
            windows.put(reason, new Window());
        }
    }

    /** Counts one refusal and logs a summary line if this reason's interval has passed. */
    public void record(Reason reason) {
        counters.get(reason).increment();
        long pending = windows.get(reason).add(clock.instant());
        if (pending > 0) {
            LOG.log(Level.WARNING, "Coffer: {0} request(s) refused 401 ({1}) since the last report for this reason",
                    new Object[] {Long.toString(pending), reason.label()});
        }
    }

    /** One reason's log pacing: refusals since its last line and when that line was written. */
    private static final class Window {
        private long pending;
        private Instant lastLine;

        /** Adds a refusal; returns the count to log now, or 0 to stay quiet. */
        synchronized long add(Instant now) {
            pending++;
            if (lastLine != null && now.isBefore(lastLine.plus(LOG_INTERVAL))) {
                return 0;
            }
            long report = pending;
            pending = 0;
            lastLine = now;
            return report;
        }
    }
}
