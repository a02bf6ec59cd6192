package dev.coffer.server.metrics;

import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.PolicyStore;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Times the lookups every policy decision makes — a tenant's policies and a caller's active
 * break-glass grants — as {@code coffer_policy_decision_seconds}. Matching the fetched policies
 * happens in memory inside the kernel and adds microseconds, so the lookup is the decision's cost.
 */
public final class MeteredPolicyStore implements PolicyStore {
    private final PolicyStore delegate;
    private final Timer decision;

    public MeteredPolicyStore(PolicyStore delegate, Metrics metrics) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.decision = Metrics.latency("coffer.policy.decision", "Latency of the policy and grant lookups a policy decision is made from")
                .register(metrics.registry());
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
        return delegate.addGrant(grant, hook);
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
