package dev.coffer.server.metrics;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Times {@link AuditLog#append} as {@code coffer_audit_append_seconds}, counts appends that fail
 * as {@code coffer_audit_append_failures_total{code=...}}, and counts, from the events appended,
 * denials ({@code coffer_denied_total}) and break-glass reads
 * ({@code coffer_break_glass_total{kind="read",environment=...}}, the environment one of
 * the first {@value #ENVIRONMENTS} seen, so that an alert can single out production). Every attempt is audited, so the audit stream is
 * the one place that sees every denial; denials and reads are appended here directly.
 *
 * <p>Break-glass grants ({@code kind="grant"}) are counted by {@link MeteredPolicyStore}: a
 * change's events are committed by the store with the change, so on JDBI they never come through
 * here, and from a store's outbox they may come through more than once (a relay after a crash
 * appends again what the log already holds). For the same reason the latency and failures here
 * are those of direct appends and of relays from an outbox.
 */
public final class MeteredAuditLog implements AuditLog {
    /** How many environments the break-glass counter names; later ones are {@code other}. */
    public static final int ENVIRONMENTS = 16;
    private static final String BREAK_GLASS = "coffer.break.glass";
    private static final String BREAK_GLASS_HELP = "Break-glass grants given and reads made under them, by environment";
    private static final String APPEND_FAILURES = "coffer.audit.append.failures";
    private static final String APPEND_FAILURES_HELP = "Audit events that could not be appended, by error code (a read or denial failed with it; "
            + "a write's events wait in the store's outbox)";

    private final AuditLog delegate;
    private final MeterRegistry registry;
    private final Timer append;
    private final Counter denied;
    private final BoundedTagValues environments;

    public MeteredAuditLog(AuditLog delegate, Metrics metrics) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.registry = metrics.registry();
        this.environments = metrics.breakGlassEnvironments();
        this.append = Metrics.latency("coffer.audit.append", "Latency of durably appending one audit event").register(registry);
        this.denied = Counter.builder("coffer.denied").description("Attempts refused by policy or tenant boundary").register(registry);
        breakGlass("grant", BoundedTagValues.NONE);
        breakGlass("read", BoundedTagValues.NONE);
        // Present from the start, so an alert on its rate has a series before the first failure.
        failures("AUDIT_UNAVAILABLE");
    }

    @Override
    public AuditEvent append(AuditEvent draft) {
        long start = System.nanoTime();
        AuditEvent stored;
        try {
            stored = delegate.append(draft);
        } catch (RuntimeException e) {
            failures(FailureCode.of(e)).increment();
            throw e;
        } finally {
            append.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        switch (stored.eventType()) {
            case ACCESS_DENIED -> denied.increment();
            case BREAK_GLASS_READ -> breakGlass("read", environments.of(stored.environment())).increment();
            default -> { }
        }
        return stored;
    }

    private Counter breakGlass(String kind, String environment) {
        return breakGlass(registry, kind, environment);
    }

    /** The break-glass counter of {@code kind} ({@code grant} or {@code read}) in {@code environment}. */
    static Counter breakGlass(MeterRegistry registry, String kind, String environment) {
        return Counter.builder(BREAK_GLASS).description(BREAK_GLASS_HELP).tag("kind", kind).tag("environment", environment)
                .register(registry);
    }

    private Counter failures(String code) {
        return Counter.builder(APPEND_FAILURES).description(APPEND_FAILURES_HELP).tag(FailureCode.TAG, code).register(registry);
    }

    @Override
    public Page<AuditEvent> query(AuditQuery query, PageRequest page) {
        return delegate.query(query, page);
    }

    @Override
    public AuditVerification verify(String tenant) {
        return delegate.verify(tenant);
    }

    @Override
    public void checkpoint() {
        delegate.checkpoint();
    }

    @Override
    public java.util.List<AuditEvent> after(long afterSeq, int limit) {
        return delegate.after(afterSeq, limit);
    }

    @Override
    public long head() {
        return delegate.head();
    }

    @Override
    public boolean awaitAppend(long afterSeq, java.time.Duration timeout) throws InterruptedException {
        return delegate.awaitAppend(afterSeq, timeout);
    }
}
