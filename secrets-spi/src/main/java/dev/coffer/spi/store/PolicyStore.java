package dev.coffer.spi.store;

import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Policy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * SPI: a tenant's policies and break-glass grants.
 *
 * <p>Contract (proved by the TCK's {@code PolicyStoreContract}): names are unique per tenant;
 * {@link #put} creates or replaces; tenants never see each other's policies or grants; every
 * mutation runs its hook inside its atomic unit and commits the hook's audit events with it, as
 * {@link SecretStore} does (see {@link BeforeCommit} and {@link AuditOutbox}).
 *
 * <p>The kernel authorizes every request with {@link #list} (and break-glass reads with
 * {@link #activeGrants}), so both must reflect every change committed before the call started,
 * by this instance or any other sharing the storage. A store may cache them only if it checks on
 * every call that nothing changed since it loaded them (the JDBI store compares a per-tenant
 * generation that every change replaces in its own transaction); a cache that expires by time
 * alone serves revoked policies until it does.
 */
public interface PolicyStore {
    /**
     * Where the events of committed changes wait for the kernel to relay them; may be the same
     * outbox as the secret store's when both live in one storage, or {@link AuditOutbox#none()}.
     */
    AuditOutbox auditOutbox();

    /** Creates or replaces a policy by name. */
    Policy put(String tenant, Policy policy, BeforeCommit<Policy> hook);

    /** A policy by name. */
    Optional<Policy> get(String tenant, String name);

    /** Every policy of a tenant, by name. */
    List<Policy> list(String tenant);

    /**
     * Deletes a policy.
     *
     * @throws dev.coffer.spi.error.NotFoundException {@code POLICY_NOT_FOUND}
     */
    void delete(String tenant, String name, BeforeCommit<Policy> hook);

    /** Records a break-glass grant. */
    BreakGlassGrant addGrant(BreakGlassGrant grant, BeforeCommit<BreakGlassGrant> hook);

    /** The grants of {@code principalId} in force at {@code now}. */
    List<BreakGlassGrant> activeGrants(String tenant, String principalId, Instant now);
}
