package dev.coffer.server.metrics;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import java.util.Objects;

/**
 * Times {@link AuditLog#append} as {@code coffer_audit_append_seconds} and counts, from the events
 * appended, denials ({@code coffer_denied_total}) and break-glass grants and reads
 * ({@code coffer_break_glass_total{kind=...}}). Every attempt is audited, so the audit stream is
 * the one place that sees every denial.
 */
public final class MeteredAuditLog implements AuditLog {
    private final AuditLog delegate;
    private final Histogram append;
    private final Counter denied;
    private final Counter breakGlassGrants;
    private final Counter breakGlassReads;

    public MeteredAuditLog(AuditLog delegate, Metrics metrics) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.append = metrics.histogram("coffer_audit_append_seconds", "Latency of durably appending one audit event", "");
        this.denied = metrics.counter("coffer_denied_total", "Attempts refused by policy or tenant boundary", "");
        String help = "Break-glass grants given and reads made under them";
        this.breakGlassGrants = metrics.counter("coffer_break_glass_total", help, "kind=\"grant\"");
        this.breakGlassReads = metrics.counter("coffer_break_glass_total", help, "kind=\"read\"");
    }

    @Override
    public AuditEvent append(AuditEvent draft) {
        long start = System.nanoTime();
        AuditEvent stored;
        try {
            stored = delegate.append(draft);
        } finally {
            append.observeNanos(System.nanoTime() - start);
        }
        switch (stored.eventType()) {
            case ACCESS_DENIED -> denied.increment();
            case BREAK_GLASS_GRANT -> breakGlassGrants.increment();
            case BREAK_GLASS_READ -> breakGlassReads.increment();
            default -> { }
        }
        return stored;
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
}
