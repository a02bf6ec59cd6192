package dev.coffer.server.metrics;

import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.PolicyStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Times the lookups every policy decision makes — a tenant's policies and a caller's active
 * break-glass grants — as {@code coffer_policy_decision_seconds}. Matching the fetched policies
 * happens in memory inside the kernel and adds microseconds, so the lookup is the decision's cost.
 *
 * <p>Counts the break-glass grants it commits as {@code coffer_break_glass_total{kind="grant"}}:
 * a grant's audit event is committed by the store with the grant (straight into the log's chain
 * on JDBI, or into the store's outbox, relayed later), so it never passes through
 * {@link MeteredAuditLog}'s {@code append} on JDBI and may pass more than once elsewhere. The
 * events the hook prepared in the try that committed are counted once the store has returned.
 * That wraps {@link #addGrant}'s hook; {@link #put} and {@link #delete} pass theirs on as they are
 * (a hook that needs the store's own transaction, such as JDBI's
 * {@code JdbiInstallation.markingDone}, goes to the unwrapped store in any case).
 */
public final class MeteredPolicyStore implements PolicyStore {
    private final PolicyStore delegate;
    private final Timer decision;
    private final MeterRegistry registry;
    private final BoundedTagValues environments;

    public MeteredPolicyStore(PolicyStore delegate, Metrics metrics) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.registry = metrics.registry();
        this.environments = metrics.breakGlassEnvironments();
        this.decision = Metrics.latency("coffer.policy.decision", "Latency of the policy and grant lookups a policy decision is made from")
                .register(registry);
    }

    @Override
    public AuditOutbox auditOutbox() {
        return delegate.auditOutbox();
    }

    @Override
    public Policy put(String tenant, Policy policy, BeforeCommit<Policy> hook) {
        return delegate.put(tenant, policy, hook);
    }

    @Override
    public Optional<Policy> get(String tenant, String name) {
        return delegate.get(tenant, name);
    }

    @Override
    public List<Policy> list(String tenant) {
        long start = System.nanoTime();
        try {
            return delegate.list(tenant);
        } finally {
            decision.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void delete(String tenant, String name, BeforeCommit<Policy> hook) {
        delegate.delete(tenant, name, hook);
    }

    @Override
    public BreakGlassGrant addGrant(BreakGlassGrant grant, BeforeCommit<BreakGlassGrant> hook) {
        Objects.requireNonNull(hook, "hook");
        // A store that retries its unit prepares again per try: the last try's events are the committed ones.
        AtomicReference<List<AuditEvent>> prepared = new AtomicReference<>(List.of());
        BreakGlassGrant added = delegate.addGrant(grant, g -> {
            List<AuditEvent> events = hook.prepare(g);
            prepared.set(events == null ? List.of() : events);
            return events;
        });
        for (AuditEvent event : prepared.get()) {
            if (event.eventType() == AuditEventType.BREAK_GLASS_GRANT) {
                MeteredAuditLog.breakGlass(registry, "grant", environments.of(event.environment())).increment();
            }
        }
        return added;
    }

    @Override
    public List<BreakGlassGrant> activeGrants(String tenant, String principalId, Instant now) {
        long start = System.nanoTime();
        try {
            return delegate.activeGrants(tenant, principalId, now);
        } finally {
            decision.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
