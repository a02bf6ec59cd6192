package dev.coffer.spi.memory;

import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.PolicyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The reference {@link PolicyStore}: policies and break-glass grants in memory, for tests and for
 * embedding without a database. Nothing survives the JVM.
 *
 * <p>One lock makes each mutation and its {@link BeforeCommit} hook one atomic unit; when the
 * hook throws, the change is undone before the hook's exception propagates.
 *
 * <pre>{@code
 * PolicyStore policies = new InMemoryPolicyStore();
 * }</pre>
 */
public final class InMemoryPolicyStore implements PolicyStore {
    private final ReentrantLock lock = new ReentrantLock();
    private final InMemoryAuditOutbox outbox;
    private final Map<String, TreeMap<String, Policy>> policies = new HashMap<>();
    // Grants by id, in the order they were granted.
    private final Map<String, LinkedHashMap<String, BreakGlassGrant>> grants = new HashMap<>();

    /** An empty store with an outbox of its own. */
    public InMemoryPolicyStore() {
        this(new InMemoryAuditOutbox());
    }

    /** An empty store keeping its audit events in {@code outbox} (which may be shared with a secret store). */
    public InMemoryPolicyStore(InMemoryAuditOutbox outbox) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
    }

    @Override
    public AuditOutbox auditOutbox() {
        return outbox;
    }

    @Override
    public Policy put(String tenant, Policy policy, BeforeCommit<Policy> hook) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(hook, "hook");
        return locked(() -> {
            TreeMap<String, Policy> byName = policies.computeIfAbsent(tenant, t -> new TreeMap<>());
            Policy before = byName.put(policy.name(), policy);
            try {
                outbox.commit(hook.prepare(policy));
            } catch (Throwable failure) {
                restore(byName, policy.name(), before);
                throw failure;
            }
            return policy;
        });
    }

    @Override
    public Optional<Policy> get(String tenant, String name) {
        return locked(() -> Optional.ofNullable(policies.get(tenant)).map(byName -> byName.get(name)));
    }

    @Override
    public List<Policy> list(String tenant) {
        return locked(() -> {
            TreeMap<String, Policy> byName = policies.get(tenant);
            return byName == null ? List.<Policy>of() : List.copyOf(byName.values());
        });
    }

    @Override
    public void delete(String tenant, String name, BeforeCommit<Policy> hook) {
        Objects.requireNonNull(hook, "hook");
        locked(() -> {
            TreeMap<String, Policy> byName = policies.get(tenant);
            Policy before = byName == null || name == null ? null : byName.remove(name);
            if (before == null) {
                throw new NotFoundException(ErrorCode.POLICY_NOT_FOUND, "no policy '" + Messages.printable(name)
                        + "' in tenant '" + Messages.printable(tenant) + "'");
            }
            try {
                outbox.commit(hook.prepare(before));
            } catch (Throwable failure) {
                byName.put(name, before);
                throw failure;
            }
            return before;
        });
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if a grant with the same id is already recorded: grants
     *         are never silently replaced, since that could extend one
     */
    @Override
    public BreakGlassGrant addGrant(BreakGlassGrant grant, BeforeCommit<BreakGlassGrant> hook) {
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(hook, "hook");
        return locked(() -> {
            LinkedHashMap<String, BreakGlassGrant> byId = grants.computeIfAbsent(grant.tenant(), t -> new LinkedHashMap<>());
            if (byId.containsKey(grant.id())) {
                throw new IllegalArgumentException("break-glass grant '" + grant.id() + "' is already recorded");
            }
            byId.put(grant.id(), grant);
            try {
                outbox.commit(hook.prepare(grant));
            } catch (Throwable failure) {
                byId.remove(grant.id());
                throw failure;
            }
            return grant;
        });
    }

    @Override
    public List<BreakGlassGrant> activeGrants(String tenant, String principalId, Instant now) {
        Objects.requireNonNull(now, "now");
        return locked(() -> {
            LinkedHashMap<String, BreakGlassGrant> byId = grants.get(tenant);
            List<BreakGlassGrant> active = new ArrayList<>();
            if (byId != null) {
                for (BreakGlassGrant g : byId.values()) {
                    if (g.principalId().equals(principalId) && g.activeAt(now)) {
                        active.add(g);
                    }
                }
            }
            return List.copyOf(active);
        });
    }

    private static void restore(Map<String, Policy> byName, String name, Policy before) {
        if (before == null) {
            byName.remove(name);
        } else {
            byName.put(name, before);
        }
    }

    private <T> T locked(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
