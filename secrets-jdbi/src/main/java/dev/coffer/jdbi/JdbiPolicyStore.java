package dev.coffer.jdbi;

import dev.coffer.spi.internal.Messages;
import dev.coffer.jdbi.internal.Database;
import dev.coffer.jdbi.internal.Sql;
import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Conditions;
import dev.coffer.spi.access.Effect;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.PolicyStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

/**
 * {@link PolicyStore} on JDBI: policies in {@code policies} (list-valued fields as arrays),
 * break-glass grants in {@code break_glass_grants}. Each change is one transaction that runs its
 * {@link BeforeCommit} hook and writes the audit events it returns into the database's audit
 * chain before it commits, so {@link #auditOutbox()} is {@link AuditOutbox#none()}.
 *
 * <pre>{@code
 * PolicyStore policies = db.policyStore();
 * policies.put("acme", Policy.allow("admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")), BeforeCommit.none());
 * }</pre>
 */
public final class JdbiPolicyStore implements PolicyStore {
    private static final String POLICY_COLUMNS =
            "name, effect, principals, actions, resources, mfa, ticket_required, source_cidr, source_cluster";
    private static final String GRANT_COLUMNS =
            "tenant, id, principal_id, resources, reason, ticket_url, created_at, expires_at";

    private final Database db;

    JdbiPolicyStore(Database db) {
        this.db = db;
    }

    /** {@link AuditOutbox#none()}: a change's events are in the audit chain when it commits. */
    @Override
    public AuditOutbox auditOutbox() {
        return AuditOutbox.none();
    }

    @Override
    public Policy put(String tenant, Policy policy, BeforeCommit<Policy> hook) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(hook, "hook");
        return db.write(h -> {
            Sql.ensureTenant(h, tenant);
            // Insert if new (a racing insert of the same name waits, then does nothing), else replace.
            int inserted = bindPolicy(h.createUpdate("INSERT INTO policies (tenant, " + POLICY_COLUMNS + ") VALUES (:tenant, :name,"
                    + " :effect, :principals, :actions, :resources, :mfa, :ticketRequired, :sourceCidr, :sourceCluster)"
                    + " ON CONFLICT DO NOTHING"), tenant, policy).execute();
            if (inserted == 0) {
                bindPolicy(h.createUpdate("UPDATE policies SET effect = :effect, principals = :principals, actions = :actions,"
                        + " resources = :resources, mfa = :mfa, ticket_required = :ticketRequired, source_cidr = :sourceCidr,"
                        + " source_cluster = :sourceCluster WHERE tenant = :tenant AND name = :name"), tenant, policy).execute();
            }
            return policy;
        }, hook);
    }

    @Override
    public Optional<Policy> get(String tenant, String name) {
        if (tenant == null || name == null) {
            return Optional.empty();
        }
        return db.read(h -> h.createQuery("SELECT " + POLICY_COLUMNS + " FROM policies WHERE tenant = :tenant AND name = :name")
                .bind("tenant", tenant).bind("name", name)
                .map(JdbiPolicyStore::policy).findOne());
    }

    @Override
    public List<Policy> list(String tenant) {
        if (tenant == null) {
            return List.of();
        }
        return db.read(h -> h.createQuery("SELECT " + POLICY_COLUMNS + " FROM policies WHERE tenant = :tenant ORDER BY name")
                .bind("tenant", tenant)
                .map(JdbiPolicyStore::policy).list());
    }

    @Override
    public void delete(String tenant, String name, BeforeCommit<Policy> hook) {
        Objects.requireNonNull(hook, "hook");
        db.write(h -> {
            Policy before = h.createQuery("SELECT " + POLICY_COLUMNS + " FROM policies"
                            + " WHERE tenant = :tenant AND name = :name FOR UPDATE")
                    .bind("tenant", tenant).bind("name", name)
                    .map(JdbiPolicyStore::policy).findOne()
                    .orElseThrow(() -> new NotFoundException(ErrorCode.POLICY_NOT_FOUND, "no policy '" + Messages.printable(name)
                            + "' in tenant '" + Messages.printable(tenant) + "'"));
            h.createUpdate("DELETE FROM policies WHERE tenant = :tenant AND name = :name")
                    .bind("tenant", tenant).bind("name", name).execute();
            return before;
        }, hook);
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
        return db.write(h -> {
            Sql.ensureTenant(h, grant.tenant());
            try {
                h.createUpdate("INSERT INTO break_glass_grants (" + GRANT_COLUMNS + ") VALUES (:tenant, :id, :principalId,"
                                + " :resources, :reason, :ticketUrl, :createdAt, :expiresAt)")
                        .bind("tenant", grant.tenant()).bind("id", grant.id()).bind("principalId", grant.principalId())
                        .bind("resources", Sql.strings(grant.resources()))
                        .bind("reason", grant.reason()).bind("ticketUrl", grant.ticketUrl())
                        .bind("createdAt", Sql.instant(grant.createdAt())).bind("expiresAt", Sql.instant(grant.expiresAt()))
                        .execute();
            } catch (JdbiException e) {
                if (Sql.isUniqueViolation(e)) {
                    throw new IllegalArgumentException("break-glass grant '" + grant.id() + "' is already recorded");
                }
                throw e;
            }
            return grant;
        }, hook);
    }

    @Override
    public List<BreakGlassGrant> activeGrants(String tenant, String principalId, Instant now) {
        Objects.requireNonNull(now, "now");
        if (tenant == null || principalId == null) {
            return List.of();
        }
        return db.read(h -> h.createQuery("SELECT " + GRANT_COLUMNS + " FROM break_glass_grants WHERE tenant = :tenant"
                        + " AND principal_id = :principalId AND created_at <= :now AND expires_at > :now ORDER BY created_at, id")
                .bind("tenant", tenant).bind("principalId", principalId).bind("now", Sql.instant(now))
                .map((rs, ctx) -> new BreakGlassGrant(rs.getString("id"), rs.getString("tenant"), rs.getString("principal_id"),
                        Sql.strings(rs, "resources"), rs.getString("reason"), rs.getString("ticket_url"),
                        Sql.instant(rs, "created_at"), Sql.instant(rs, "expires_at")))
                .list());
    }

    private static Update bindPolicy(Update u, String tenant, Policy p) {
        return u.bind("tenant", tenant).bind("name", p.name()).bind("effect", p.effect().name())
                .bind("principals", Sql.strings(p.principals()))
                .bind("actions", Sql.strings(p.actions()))
                .bind("resources", Sql.strings(p.resources()))
                .bind("mfa", p.conditions().mfa())
                .bind("ticketRequired", p.conditions().ticketRequired())
                .bind("sourceCidr", Sql.strings(p.conditions().sourceCidr()))
                .bind("sourceCluster", Sql.strings(p.conditions().sourceCluster()));
    }

    private static Policy policy(ResultSet rs, StatementContext ctx) throws SQLException {
        Conditions conditions = new Conditions(rs.getBoolean("mfa"), rs.getBoolean("ticket_required"),
                Sql.strings(rs, "source_cidr"), Sql.strings(rs, "source_cluster"));
        return new Policy(rs.getString("name"), Effect.valueOf(rs.getString("effect")), Sql.strings(rs, "principals"),
                Sql.strings(rs, "actions"), Sql.strings(rs, "resources"), conditions);
    }
}
