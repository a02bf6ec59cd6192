package dev.coffer.jdbi;

import dev.coffer.spi.internal.Messages;
import dev.coffer.jdbi.internal.Database;
import dev.coffer.jdbi.internal.GenerationCache;
import dev.coffer.jdbi.internal.LocalChanges;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

/**
 * {@link PolicyStore} on JDBI: policies in {@code policies} (list-valued fields as arrays),
 * break-glass grants in {@code break_glass_grants}. Each change is one transaction that runs its
 * {@link BeforeCommit} hook and writes the audit events it returns into the database's audit
 * chain before it commits, so {@link #auditOutbox()} is {@link AuditOutbox#none()}.
 *
 * <p>{@link #list} and {@link #activeGrants} answer from a per-tenant cache (bounded, in this
 * instance's memory) that is validated on every call: one primary-key read of the tenant's
 * {@code policy_generation}, which every policy put or delete and every grant added sets to a new
 * value in its own transaction. A different value reloads (generation and rows in one statement),
 * so a change committed by any instance sharing the database is enforced by every call that
 * starts after that commit returned; nothing is ever served by time alone. On an embedded H2
 * database, which no other process can write, the cache is validated against the changes this
 * JVM makes instead ({@link LocalChanges}), and a hit asks the database nothing.
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

    // Bounds of the caches, in policies (or grants) plus one per entry: a few MB at most.
    static final long MAX_CACHED_POLICIES = 20_000;
    static final long MAX_CACHED_GRANTS = 20_000;

    private static final String GENERATION = "SELECT policy_generation FROM tenants WHERE tenant = :tenant";
    private static final String BUMP_GENERATION =
            "UPDATE tenants SET policy_generation = nextval('policy_generation_seq') WHERE tenant = :tenant";

    private final Database db;
    private final GenerationCache<String, List<Policy>> policies =
            new GenerationCache<>(MAX_CACHED_POLICIES, List::size);
    private final GenerationCache<GrantsOf, CachedGrants> grants =
            new GenerationCache<>(MAX_CACHED_GRANTS, cached -> cached.grants().size());

    /** Whose grants an entry of the grant cache holds. */
    private record GrantsOf(String tenant, String principalId) {}

    /**
     * The grants of one principal that had not expired at {@code from}: they answer every
     * {@link #activeGrants} call with a {@code now} at or after {@code from} (expiry only comes
     * closer), filtered by {@code now} as the query would.
     */
    private record CachedGrants(Instant from, List<BreakGlassGrant> grants) {
        List<BreakGlassGrant> activeAt(Instant now) {
            return grants.stream().filter(g -> !g.createdAt().isAfter(now) && g.expiresAt().isAfter(now)).toList();
        }
    }

    /** What a reload read: the tenant's generation and, in the same statement, its rows. */
    private record Loaded<V>(long generation, V value) {}

    // The rows of a reload, or null when the tenant has no row.
    private static <V> V valueOf(Loaded<V> loaded) {
        return loaded == null ? null : loaded.value();
    }

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
            bumpGeneration(h, tenant);
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

    /**
     * {@inheritDoc}
     *
     * <p>One connection; on a cache hit one statement (the tenant's generation), after a change
     * two (the generation, then the generation with the policies).
     */
    @Override
    public List<Policy> list(String tenant) {
        if (tenant == null) {
            return List.of();
        }
        LocalChanges local = db.localChanges();
        if (local != null) {
            List<Policy> found = policies.local(local, tenant, cached -> true, () -> valueOf(db.read(h -> loadPolicies(h, tenant))));
            return found == null ? List.of() : found; // no tenant row: no policy can refer to it
        }
        return db.read(h -> {
            OptionalLong generation = generation(h, tenant);
            if (generation.isEmpty()) {
                return List.of(); // no tenant row: no policy can refer to it
            }
            Optional<List<Policy>> cached = policies.at(tenant, generation.getAsLong());
            if (cached.isPresent()) {
                return cached.get();
            }
            Loaded<List<Policy>> loaded = loadPolicies(h, tenant);
            if (loaded == null) {
                return List.of(); // the tenant row went away in between
            }
            policies.offer(tenant, loaded.generation(), loaded.value());
            return loaded.value();
        });
    }

    // The generation and the policies in one statement, so the two come from one snapshot.
    private static Loaded<List<Policy>> loadPolicies(Handle h, String tenant) {
        long[] generation = {-1};
        List<Policy> rows = new ArrayList<>();
        h.createQuery("SELECT t.policy_generation, " + qualified("p", POLICY_COLUMNS) + " FROM tenants t"
                        + " LEFT JOIN policies p ON p.tenant = t.tenant WHERE t.tenant = :tenant ORDER BY p.name")
                .bind("tenant", tenant)
                .map((rs, ctx) -> {
                    generation[0] = rs.getLong("policy_generation");
                    return rs.getString("name") == null ? null : policy(rs, ctx);
                })
                .forEach(policy -> {
                    if (policy != null) {
                        rows.add(policy);
                    }
                });
        return generation[0] < 0 ? null : new Loaded<>(generation[0], List.copyOf(rows));
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
            bumpGeneration(h, tenant);
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
            bumpGeneration(h, grant.tenant());
            return grant;
        }, hook);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Answered from the cache like {@link #list}: the principal's grants that had not expired
     * when they were loaded, filtered by {@code now}; a {@code now} before that load (a clock set
     * back) is asked of the database directly.
     */
    @Override
    public List<BreakGlassGrant> activeGrants(String tenant, String principalId, Instant now) {
        Objects.requireNonNull(now, "now");
        if (tenant == null || principalId == null) {
            return List.of();
        }
        GrantsOf key = new GrantsOf(tenant, principalId);
        LocalChanges local = db.localChanges();
        if (local != null) {
            CachedGrants found = grants.local(local, key, cached -> !now.isBefore(cached.from()),
                    () -> valueOf(db.read(h -> loadGrants(h, key, now))));
            return found == null ? List.of() : found.activeAt(now); // no tenant row: no grant can refer to it
        }
        return db.read(h -> {
            OptionalLong generation = generation(h, tenant);
            if (generation.isEmpty()) {
                return List.of(); // no tenant row: no grant can refer to it
            }
            Optional<CachedGrants> cached = grants.at(key, generation.getAsLong()).filter(c -> !now.isBefore(c.from()));
            if (cached.isPresent()) {
                return cached.get().activeAt(now);
            }
            Loaded<CachedGrants> loaded = loadGrants(h, key, now);
            if (loaded == null) {
                return List.of();
            }
            grants.offer(key, loaded.generation(), loaded.value());
            return loaded.value().activeAt(now);
        });
    }

    // The generation and the principal's grants unexpired at 'from', in one statement.
    private static Loaded<CachedGrants> loadGrants(Handle h, GrantsOf key, Instant from) {
        long[] generation = {-1};
        List<BreakGlassGrant> rows = new ArrayList<>();
        h.createQuery("SELECT t.policy_generation, " + qualified("g", GRANT_COLUMNS) + " FROM tenants t"
                        + " LEFT JOIN break_glass_grants g ON g.tenant = t.tenant AND g.principal_id = :principalId"
                        + " AND g.expires_at > :from WHERE t.tenant = :tenant ORDER BY g.created_at, g.id")
                .bind("tenant", key.tenant()).bind("principalId", key.principalId()).bind("from", Sql.instant(from))
                .map((rs, ctx) -> {
                    generation[0] = rs.getLong("policy_generation");
                    return rs.getString("id") == null ? null : new BreakGlassGrant(rs.getString("id"), rs.getString("tenant"),
                            rs.getString("principal_id"), Sql.strings(rs, "resources"), rs.getString("reason"),
                            rs.getString("ticket_url"), Sql.instant(rs, "created_at"), Sql.instant(rs, "expires_at"));
                })
                .forEach(grant -> {
                    if (grant != null) {
                        rows.add(grant);
                    }
                });
        return generation[0] < 0 ? null : new Loaded<>(generation[0], new CachedGrants(from, List.copyOf(rows)));
    }

    private static OptionalLong generation(Handle h, String tenant) {
        return h.createQuery(GENERATION).bind("tenant", tenant).mapTo(Long.class).findOne()
                .map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /**
     * Gives the tenant a new policy generation inside the change's transaction: every cache of its
     * policies and grants (in any instance) stops answering once the change commits, and none can
     * see the new value before the change itself.
     */
    private static void bumpGeneration(Handle h, String tenant) {
        if (h.createUpdate(BUMP_GENERATION).bind("tenant", tenant).execute() != 1) {
            throw new IllegalStateException("tenant '" + Messages.printable(tenant) + "' has no row to record its policy change in");
        }
    }

    // "a, b" as "t.a, t.b": the joined queries name the table of every column.
    private static String qualified(String table, String columns) {
        return Arrays.stream(columns.split(",")).map(c -> table + "." + c.strip()).collect(Collectors.joining(", "));
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
