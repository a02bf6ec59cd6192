package dev.coffer.server.standalone;

import dev.coffer.server.metrics.Metrics;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.kernel.StandardSecretManager;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves the audit events waiting in the stores' outboxes into the audit log
 * ({@link StandardSecretManager#relayAuditOutbox()}): once when the server starts, then every
 * {@link #PERIOD} on a daemon thread, until {@link #close}.
 *
 * <p>Every change relays its own events as soon as the store has committed it; what waits in an
 * outbox is what could not be relayed then: the audit log was down (a write on an outbox-keeping
 * store still succeeds, its events committed with it), or the process stopped between commit and
 * relay. Relaying is idempotent by event id, so running it beside the changes' own relays and on
 * several instances at once chains each event once. A store that appends its events to the log
 * inside its own transaction (JDBI) has {@link dev.coffer.spi.store.AuditOutbox#none()} outboxes:
 * then no thread is started and the start-up relay does nothing.
 *
 * <p>Logging: one {@code WARNING} when relaying starts to fail (not one per attempt), one
 * {@code INFO} with the count when it succeeds again, and one {@code INFO} whenever other events
 * are relayed late. Metric: {@code coffer_audit_relayed_late_total}, the events this relay moved
 * (each was written to the log after its change had returned).
 *
 * <pre>{@code
 * StandardSecretManager kernel = Kernel.standard(backend, metrics, protectedEnvironments);
 * try (AuditRelay relay = AuditRelay.start(kernel, backend, metrics)) {
 *     ... serve Kernel.measured(kernel, metrics) ...
 * }
 * }</pre>
 */
public final class AuditRelay implements AutoCloseable {
    /** How often the outboxes are relayed. */
    public static final Duration PERIOD = Duration.ofSeconds(5);
    /** The Micrometer name of the late-relay counter ({@code coffer_audit_relayed_late_total} in Prometheus). */
    public static final String RELAYED_LATE = "coffer.audit.relayed.late";

    private static final Logger LOG = Logger.getLogger(AuditRelay.class.getName());
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final IntSupplier relay;
    private final Counter relayedLate;
    private final Duration period;
    private final ScheduledExecutorService scheduler;
    // Guarded by this: relays run one at a time, so the outage is opened and closed exactly once.
    private boolean failing;

    private AuditRelay(IntSupplier relay, Metrics metrics, Duration period, boolean periodic) {
        this.relay = Objects.requireNonNull(relay, "relay");
        this.period = Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("the relay period must be positive, not " + period);
        }
        this.relayedLate = Counter.builder(RELAYED_LATE)
                .description("Audit events moved from a store's outbox into the audit log after their change had returned "
                        + "(the log was down, or the process stopped before relaying)")
                .register(metrics.registry());
        this.scheduler = periodic ? Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "coffer-audit-relay");
            thread.setDaemon(true);
            return thread;
        }) : null;
    }

    /**
     * Relays {@code kernel}'s outboxes now (a failure is logged, not thrown) and, if a store of
     * {@code backend} keeps events in an outbox, every {@link #PERIOD}. Call once the audit log
     * is open, after anything written at start-up (the admin bootstrap).
     */
    public static AuditRelay start(StandardSecretManager kernel, Backend backend, Metrics metrics) {
        Objects.requireNonNull(kernel, "kernel");
        boolean outboxes = backend.secretStore().auditOutbox().holdsEvents() || backend.policyStore().auditOutbox().holdsEvents();
        return start(kernel::relayAuditOutbox, outboxes, metrics, PERIOD);
    }

    /**
     * Runs {@code relay} now and, if {@code periodic}, every {@code period}; {@code relay} returns
     * how many events it moved and throws when the log (or an outbox) cannot be used. Without a
     * timer, relays happen when {@link #relayNow} is called (tests that decide when).
     */
    public static AuditRelay start(IntSupplier relay, boolean periodic, Metrics metrics, Duration period) {
        AuditRelay started = new AuditRelay(relay, metrics, period, periodic);
        started.relayNow();
        if (started.scheduler != null) {
            long millis = period.toMillis();
            started.scheduler.scheduleWithFixedDelay(started::relayNow, millis, millis, TimeUnit.MILLISECONDS);
        }
        return started;
    }

    /** Whether a thread relays every period (some store keeps events in an outbox). */
    public boolean periodic() {
        return scheduler != null;
    }

    /**
     * Relays once, as the timer does: returns how many events were moved, or {@code -1} if the
     * relay failed (logged once per outage, never thrown).
     */
    public synchronized int relayNow() {
        int relayed;
        try {
            relayed = relay.getAsInt();
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                // One line, naming the failure by code and type only: no message, no stack trace.
                LOG.warning("Coffer: audit events cannot be relayed to the audit log (" + describe(e)
                        + "); writes keep theirs in the store's outbox, relaying is retried every " + period.toSeconds() + " s");
            }
            return -1;
        }
        if (relayed > 0) {
            relayedLate.increment(relayed);
        }
        if (failing) {
            failing = false;
            LOG.info("Coffer: the audit log takes events again; relayed " + relayed + " audit event"
                    + (relayed == 1 ? "" : "s") + " that waited in the outbox");
        } else if (relayed > 0) {
            LOG.info("Coffer: relayed " + relayed + " audit event" + (relayed == 1 ? "" : "s") + " that waited in the outbox");
        }
        return relayed;
    }

    private static String describe(RuntimeException e) {
        return e instanceof SecretsException s ? s.code().name() : e.getClass().getName();
    }

    /** Stops the timer, waiting for a relay under way to finish. */
    @Override
    public void close() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
