package dev.coffer.jdbi;

import dev.coffer.jdbi.internal.Database;
import dev.coffer.jdbi.internal.Sql;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.internal.PageTokens;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.rotation.RunState;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.RotationClaim;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.spi.store.StoredRotationPolicy;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

/**
 * {@link RotationStore} on JDBI: policies in {@code rotation_policies} (params in
 * {@code rotation_params}), runs in {@code rotation_runs}. Each change is one transaction that
 * runs its {@link BeforeCommit} hook and writes the audit events it returns into the database's
 * audit chain before it commits, so {@link #auditOutbox()} is {@link AuditOutbox#none()}.
 *
 * <p>Several server instances may share the database. A change to a secret's rotation first
 * locks its policy row ({@code SELECT ... FOR UPDATE}); "at most one open run per secret" is also
 * a unique index, so no interleaving can open two. {@link #claimDue} locks the due rows it picks
 * with {@code FOR UPDATE SKIP LOCKED}, so concurrent claimers (threads or instances) pick
 * disjoint rows without waiting for each other, then writes the claim in the same transaction.
 *
 * <pre>{@code
 * RotationStore rotations = db.rotationStore();
 * rotations.putPolicy("acme", secretId, policy, dueAt, clock.instant(), BeforeCommit.none());
 * for (RotationClaim claim : rotations.claimDue(clock.instant(), "instance-1", Duration.ofMinutes(5), 50)) { ... }
 * }</pre>
 *
 * <p>Durations of a policy (window, overlap, canary) are kept in whole seconds, which is all a
 * {@link RotationPolicy} can hold (it refuses fractions of a second).
 */
public final class JdbiRotationStore implements RotationStore {
    /** The longest claim owner (an instance name) accepted. */
    public static final int MAX_OWNER_LENGTH = 200;
    /** The longest lease a claim may be given. */
    public static final Duration MAX_LEASE = Duration.ofDays(1);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TOKEN_TAG = "rotation-policy";
    private static final String POLICY_COLUMNS = "tenant, secret_id, rotator, schedule, window_seconds, overlap_seconds,"
            + " canary_seconds, enabled, max_attempts, due_at, updated_at, revision";
    private static final String RUN_COLUMNS = "tenant, id, secret_id, state, test_only, cancel_requested, rotator, from_version,"
            + " pending_version, attempt, started_by, started_at, updated_at, next_attempt_at, window_ends_at, canary_until,"
            + " last_error_code, finished_at, retire_at, retired_at, revision";
    // A policy row is free to claim when it is due and holds no live claim.
    private static final String CLAIMABLE = "due_at <= :now AND (claim_token IS NULL OR claim_expires_at <= :now)";

    private final Database db;

    JdbiRotationStore(Database db) {
        this.db = db;
    }

    /** {@link AuditOutbox#none()}: a change's events are in the audit chain when it commits. */
    @Override
    public AuditOutbox auditOutbox() {
        return AuditOutbox.none();
    }

    @Override
    public StoredRotationPolicy putPolicy(String tenant, String secretId, RotationPolicy policy, Instant dueAt, Instant now,
            BeforeCommit<StoredRotationPolicy> hook) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(secretId, "secretId");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(hook, "hook");
        long window = policy.window().getSeconds();
        long overlap = policy.overlap().getSeconds();
        long canary = policy.canary().getSeconds();
        return db.write(h -> {
            Sql.ensureTenant(h, tenant);
            // Insert if new (a racing insert of the same secret waits, then does nothing), else replace.
            int inserted = bindPolicy(h.createUpdate("INSERT INTO rotation_policies (" + POLICY_COLUMNS + ") VALUES (:tenant,"
                    + " :secretId, :rotator, :schedule, :window, :overlap, :canary, :enabled, :maxAttempts, :dueAt, :now, 1)"
                    + " ON CONFLICT DO NOTHING"), tenant, secretId, policy, window, overlap, canary, dueAt, now).execute();
            long revision = 1;
            if (inserted == 0) {
                revision = lockPolicy(h, tenant, secretId).orElseThrow(
                        () -> new IllegalStateException("rotation policy row vanished while being replaced")) + 1;
                // The claim columns are left alone: a claim on the secret is kept.
                bindPolicy(h.createUpdate("UPDATE rotation_policies SET rotator = :rotator, schedule = :schedule,"
                        + " window_seconds = :window, overlap_seconds = :overlap, canary_seconds = :canary, enabled = :enabled,"
                        + " max_attempts = :maxAttempts, due_at = :dueAt, updated_at = :now, revision = :revision"
                        + " WHERE tenant = :tenant AND secret_id = :secretId"), tenant, secretId, policy, window, overlap, canary,
                        dueAt, now).bind("revision", revision).execute();
                h.createUpdate("DELETE FROM rotation_params WHERE tenant = :tenant AND secret_id = :secretId")
                        .bind("tenant", tenant).bind("secretId", secretId).execute();
            }
            if (!policy.params().isEmpty()) {
                PreparedBatch batch = h.prepareBatch("INSERT INTO rotation_params (tenant, secret_id, param_name, param_value)"
                        + " VALUES (:tenant, :secretId, :name, :value)");
                for (Map.Entry<String, String> param : policy.params().entrySet()) {
                    batch.bind("tenant", tenant).bind("secretId", secretId).bind("name", param.getKey())
                            .bind("value", param.getValue()).add();
                }
                batch.execute();
            }
            return new StoredRotationPolicy(tenant, secretId, policy, dueAt, now, revision);
        }, hook);
    }

    @Override
    public Optional<StoredRotationPolicy> findPolicy(String tenant, String secretId) {
        if (tenant == null || secretId == null) {
            return Optional.empty();
        }
        return db.snapshot(h -> readPolicies(h, tenant, "secret_id = :secretId", secretId, 1).stream().findFirst(),
                ErrorCode.STORE_UNAVAILABLE);
    }

    @Override
    public void deletePolicy(String tenant, String secretId, BeforeCommit<StoredRotationPolicy> hook) {
        Objects.requireNonNull(hook, "hook");
        db.write(h -> {
            if (lockPolicy(h, tenant, secretId).isEmpty()) {
                throw notConfigured(secretId);
            }
            if (openRunId(h, tenant, secretId).isPresent()) {
                throw new ConflictException(ErrorCode.ROTATION_IN_PROGRESS, "secret " + Messages.printable(secretId)
                        + " has an open rotation run; cancel it before removing the policy");
            }
            StoredRotationPolicy before = readPolicies(h, tenant, "secret_id = :secretId", secretId, 1).get(0);
            h.createUpdate("DELETE FROM rotation_params WHERE tenant = :tenant AND secret_id = :secretId")
                    .bind("tenant", tenant).bind("secretId", secretId).execute();
            h.createUpdate("DELETE FROM rotation_policies WHERE tenant = :tenant AND secret_id = :secretId")
                    .bind("tenant", tenant).bind("secretId", secretId).execute();
            return before;
        }, hook);
    }

    @Override
    public void forgetSecret(String tenant, String secretId) {
        if (tenant == null || secretId == null) {
            return;
        }
        db.transact(h -> {
            for (String table : List.of("rotation_params", "rotation_policies", "rotation_runs")) {
                h.createUpdate("DELETE FROM " + table + " WHERE tenant = :tenant AND secret_id = :secretId")
                        .bind("tenant", tenant).bind("secretId", secretId).execute();
            }
            return null;
        }, ErrorCode.STORE_UNAVAILABLE);
    }

    @Override
    public Page<StoredRotationPolicy> listPolicies(String tenant, PageRequest page) {
        Objects.requireNonNull(page, "page");
        // Decoded first: a token of another listing is refused even for a tenant without policies.
        String after = page.pageToken() == null ? null : PageTokens.decode(TOKEN_TAG, page.pageToken());
        if (tenant == null) {
            return new Page<>(List.of(), null);
        }
        // One more than asked tells whether there is a next page.
        List<StoredRotationPolicy> rows = db.snapshot(h -> after == null
                ? readPolicies(h, tenant, "TRUE", null, page.limit() + 1)
                : readPolicies(h, tenant, "secret_id > :secretId", after, page.limit() + 1), ErrorCode.STORE_UNAVAILABLE);
        if (rows.size() <= page.limit()) {
            return new Page<>(rows, null);
        }
        List<StoredRotationPolicy> items = rows.subList(0, page.limit());
        return new Page<>(List.copyOf(items), PageTokens.encode(TOKEN_TAG, items.get(items.size() - 1).secretId()));
    }

    @Override
    public RotationRun createRun(RotationRun run, Instant dueAt, BeforeCommit<RotationRun> hook) {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(hook, "hook");
        if (run.revision() != 1 || !run.isOpen()) {
            throw new IllegalArgumentException("a new rotation run is open and at revision 1");
        }
        return db.write(h -> {
            // The policy row's lock serializes every change to this secret's rotation.
            if (lockPolicy(h, run.tenant(), run.secretId()).isEmpty()) {
                throw notConfigured(run.secretId());
            }
            if (openRunId(h, run.tenant(), run.secretId()).isPresent()) {
                throw inProgress(run.secretId());
            }
            try {
                bindRun(h.createUpdate("INSERT INTO rotation_runs (" + RUN_COLUMNS + ", open_secret_id) VALUES (:tenant, :id,"
                        + " :secretId, :state, :testOnly, :cancelRequested, :rotator, :fromVersion, :pendingVersion, :attempt,"
                        + " :startedBy, :startedAt, :updatedAt, :nextAttemptAt, :windowEndsAt, :canaryUntil, :lastErrorCode,"
                        + " :finishedAt, :retireAt, :retiredAt, :revision, :openSecretId)"), run).execute();
            } catch (JdbiException e) {
                // The unique indexes are the backstop: the run id is taken, or another open run got in.
                if (Sql.isUniqueViolation(e)) {
                    throw inProgress(run.secretId());
                }
                throw e;
            }
            if (dueAt != null) {
                moveDueAt(h, run.tenant(), run.secretId(), dueAt);
            }
            return run;
        }, hook);
    }

    @Override
    public RotationRun updateRun(RotationRun run, Instant dueAt, BeforeCommit<RotationRun> hook) {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(hook, "hook");
        return db.write(h -> {
            RotationRun before = h.createQuery("SELECT " + RUN_COLUMNS + " FROM rotation_runs WHERE tenant = :tenant AND id = :id"
                            + " FOR UPDATE")
                    .bind("tenant", run.tenant()).bind("id", run.id())
                    .map(JdbiRotationStore::run).findOne()
                    .filter(r -> r.secretId().equals(run.secretId()))
                    .orElseThrow(() -> new NotFoundException(ErrorCode.ROTATION_NOT_CONFIGURED, "no rotation run " + run.id()));
            if (before.revision() + 1 != run.revision()) {
                throw new ConflictException(ErrorCode.STATE_CONFLICT, "rotation run " + run.id() + " is at revision "
                        + before.revision() + ", not " + (run.revision() - 1));
            }
            if (!before.isOpen() && before.state() != run.state()) {
                throw new ConflictException(ErrorCode.STATE_CONFLICT, "rotation run " + run.id() + " ended " + before.state()
                        + " and cannot become " + run.state());
            }
            int updated = bindRun(h.createUpdate("UPDATE rotation_runs SET state = :state, open_secret_id = :openSecretId,"
                    + " test_only = :testOnly, cancel_requested = :cancelRequested, rotator = :rotator, from_version = :fromVersion,"
                    + " pending_version = :pendingVersion, attempt = :attempt, started_by = :startedBy, started_at = :startedAt,"
                    + " updated_at = :updatedAt, next_attempt_at = :nextAttemptAt, window_ends_at = :windowEndsAt,"
                    + " canary_until = :canaryUntil, last_error_code = :lastErrorCode, finished_at = :finishedAt,"
                    + " retire_at = :retireAt, retired_at = :retiredAt, revision = :revision"
                    + " WHERE tenant = :tenant AND id = :id AND revision = :before"), run)
                    .bind("before", before.revision()).execute();
            if (updated != 1) {
                // The row lock makes this unreachable; the revision condition is the compare-and-set's own guard.
                throw new ConflictException(ErrorCode.STATE_CONFLICT, "rotation run " + run.id() + " changed meanwhile");
            }
            if (dueAt != null) {
                moveDueAt(h, run.tenant(), run.secretId(), dueAt);
            }
            return run;
        }, hook);
    }

    @Override
    public Optional<RotationRun> findRun(String tenant, String runId) {
        if (tenant == null || runId == null) {
            return Optional.empty();
        }
        return db.read(h -> h.createQuery("SELECT " + RUN_COLUMNS + " FROM rotation_runs WHERE tenant = :tenant AND id = :id")
                .bind("tenant", tenant).bind("id", runId)
                .map(JdbiRotationStore::run).findOne());
    }

    @Override
    public Optional<RotationRun> openRun(String tenant, String secretId) {
        if (tenant == null || secretId == null) {
            return Optional.empty();
        }
        return db.read(h -> h.createQuery("SELECT " + RUN_COLUMNS + " FROM rotation_runs"
                        + " WHERE tenant = :tenant AND open_secret_id = :secretId")
                .bind("tenant", tenant).bind("secretId", secretId)
                .map(JdbiRotationStore::run).findOne());
    }

    @Override
    public List<RotationRun> recentRuns(String tenant, String secretId, int limit) {
        if (limit < 1 || limit > MAX_RECENT_RUNS) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_RECENT_RUNS);
        }
        if (tenant == null || secretId == null) {
            return List.of();
        }
        return db.read(h -> h.createQuery("SELECT " + RUN_COLUMNS + " FROM rotation_runs WHERE tenant = :tenant"
                        + " AND secret_id = :secretId ORDER BY started_at DESC, id DESC LIMIT :limit")
                .bind("tenant", tenant).bind("secretId", secretId).bind("limit", limit)
                .map(JdbiRotationStore::run).list());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction: {@code SELECT ... WHERE due_at <= :now AND (claim_token IS NULL OR
     * claim_expires_at <= :now) ORDER BY due_at LIMIT :limit FOR UPDATE SKIP LOCKED}, then an
     * {@code UPDATE} of each row picked that repeats the condition, so a row is claimed only if it is
     * still claimable under its lock.
     *
     * <p>On PostgreSQL only the rows returned are locked, so concurrent claimers (threads or
     * instances) each get their own share. H2 (2.3) accepts the same statement but locks every row
     * the query reads, that is every due row, until the claim commits: a concurrent
     * {@code claimDue} then skips them all and returns fewer claims or none, never a secret claimed
     * twice. H2 is the embedded, single-process store, where one scheduler claims at a time anyway.
     *
     * @throws IllegalArgumentException for a limit outside 1..{@value #MAX_CLAIMS}, a lease that is
     *         not positive or longer than {@link #MAX_LEASE}, an owner blank or longer than
     *         {@value #MAX_OWNER_LENGTH}
     */
    @Override
    public List<RotationClaim> claimDue(Instant now, String owner, Duration lease, int limit) {
        Objects.requireNonNull(now, "now");
        requireOwner(owner);
        requireLease(lease);
        if (limit < 1 || limit > MAX_CLAIMS) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_CLAIMS);
        }
        Instant expiresAt = now.plus(lease);
        return db.transact(h -> {
            List<Candidate> due = h.createQuery("SELECT tenant, secret_id, revision FROM rotation_policies WHERE " + CLAIMABLE
                            + " ORDER BY due_at, secret_id, tenant LIMIT :limit FOR UPDATE SKIP LOCKED")
                    .bind("now", Sql.instant(now)).bind("limit", limit)
                    .map((rs, ctx) -> new Candidate(rs.getString("tenant"), rs.getString("secret_id"), rs.getLong("revision")))
                    .list();
            if (due.isEmpty()) {
                return List.<RotationClaim>of();
            }
            List<String> tokens = new ArrayList<>(due.size());
            PreparedBatch batch = h.prepareBatch("UPDATE rotation_policies SET claim_owner = :owner, claim_token = :token,"
                    + " claim_expires_at = :expiresAt WHERE tenant = :tenant AND secret_id = :secretId AND " + CLAIMABLE);
            for (Candidate c : due) {
                String token = newToken();
                tokens.add(token);
                batch.bind("owner", owner).bind("token", token).bind("expiresAt", Sql.instant(expiresAt))
                        .bind("tenant", c.tenant()).bind("secretId", c.secretId()).bind("now", Sql.instant(now)).add();
            }
            int[] counts = batch.execute();
            List<RotationClaim> claims = new ArrayList<>(due.size());
            for (int i = 0; i < due.size(); i++) {
                if (counts[i] == 1) {
                    Candidate c = due.get(i);
                    claims.add(new RotationClaim(c.tenant(), c.secretId(), owner, tokens.get(i), expiresAt, c.revision()));
                }
            }
            return List.copyOf(claims);
        }, ErrorCode.STORE_UNAVAILABLE);
    }

    @Override
    public Optional<RotationClaim> renewClaim(RotationClaim claim, Instant now, Duration lease) {
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(now, "now");
        requireLease(lease);
        Instant expiresAt = now.plus(lease);
        int renewed = db.transact(h -> h.createUpdate("UPDATE rotation_policies SET claim_expires_at = :expiresAt"
                        + " WHERE tenant = :tenant AND secret_id = :secretId AND claim_token = :token AND claim_expires_at > :now")
                .bind("expiresAt", Sql.instant(expiresAt)).bind("tenant", claim.tenant()).bind("secretId", claim.secretId())
                .bind("token", claim.token()).bind("now", Sql.instant(now))
                .execute(), ErrorCode.STORE_UNAVAILABLE);
        if (renewed != 1) {
            return Optional.empty();
        }
        return Optional.of(new RotationClaim(claim.tenant(), claim.secretId(), claim.owner(), claim.token(), expiresAt,
                claim.policyRevision()));
    }

    @Override
    public boolean releaseClaim(RotationClaim claim, Instant dueAt) {
        Objects.requireNonNull(claim, "claim");
        return db.transact(h -> {
            if (dueAt != null) {
                // Moves dueAt only if nothing changed the row since the claim (a rotate-now, a new policy).
                int moved = h.createUpdate("UPDATE rotation_policies SET due_at = :dueAt, revision = revision + 1,"
                                + " claim_owner = NULL, claim_token = NULL, claim_expires_at = NULL"
                                + " WHERE tenant = :tenant AND secret_id = :secretId AND claim_token = :token AND revision = :revision")
                        .bind("dueAt", Sql.instant(dueAt)).bind("tenant", claim.tenant()).bind("secretId", claim.secretId())
                        .bind("token", claim.token()).bind("revision", claim.policyRevision())
                        .execute();
                if (moved == 1) {
                    return true;
                }
            }
            return h.createUpdate("UPDATE rotation_policies SET claim_owner = NULL, claim_token = NULL, claim_expires_at = NULL"
                            + " WHERE tenant = :tenant AND secret_id = :secretId AND claim_token = :token")
                    .bind("tenant", claim.tenant()).bind("secretId", claim.secretId()).bind("token", claim.token())
                    .execute() == 1;
        }, ErrorCode.STORE_UNAVAILABLE);
    }

    private record Candidate(String tenant, String secretId, long revision) {}

    /** Locks the policy row; its revision, or empty if the secret has no policy. */
    private static Optional<Long> lockPolicy(Handle h, String tenant, String secretId) {
        return h.createQuery("SELECT revision FROM rotation_policies WHERE tenant = :tenant AND secret_id = :secretId FOR UPDATE")
                .bind("tenant", tenant).bind("secretId", secretId)
                .mapTo(Long.class).findOne();
    }

    private static Optional<String> openRunId(Handle h, String tenant, String secretId) {
        return h.createQuery("SELECT id FROM rotation_runs WHERE tenant = :tenant AND open_secret_id = :secretId")
                .bind("tenant", tenant).bind("secretId", secretId)
                .mapTo(String.class).findOne();
    }

    private static void moveDueAt(Handle h, String tenant, String secretId, Instant dueAt) {
        h.createUpdate("UPDATE rotation_policies SET due_at = :dueAt, revision = revision + 1"
                        + " WHERE tenant = :tenant AND secret_id = :secretId")
                .bind("dueAt", Sql.instant(dueAt)).bind("tenant", tenant).bind("secretId", secretId).execute();
    }

    /**
     * The tenant's policies matching {@code condition} (on {@code :secretId}, or none), ordered by
     * secret id, at most {@code limit}, each with its params.
     */
    private static List<StoredRotationPolicy> readPolicies(Handle h, String tenant, String condition, String secretId,
            int limit) {
        Query query = h.createQuery("SELECT " + POLICY_COLUMNS + " FROM rotation_policies"
                        + " WHERE tenant = :tenant AND " + condition + " ORDER BY secret_id LIMIT :limit")
                .bind("tenant", tenant).bind("limit", limit);
        if (secretId != null) {
            query.bind("secretId", secretId);
        }
        List<PolicyRow> rows = query.map(JdbiRotationStore::policyRow).list();
        if (rows.isEmpty()) {
            return List.of();
        }
        // The params of exactly these rows: they lie between the first and the last secret id.
        Map<String, Map<String, String>> params = new HashMap<>();
        h.createQuery("SELECT secret_id, param_name, param_value FROM rotation_params WHERE tenant = :tenant"
                        + " AND secret_id >= :first AND secret_id <= :last")
                .bind("tenant", tenant).bind("first", rows.get(0).secretId()).bind("last", rows.get(rows.size() - 1).secretId())
                .map((rs, ctx) -> new String[] {rs.getString("secret_id"), rs.getString("param_name"), rs.getString("param_value")})
                .forEach(p -> params.computeIfAbsent(p[0], k -> new TreeMap<>()).put(p[1], p[2]));
        List<StoredRotationPolicy> out = new ArrayList<>(rows.size());
        for (PolicyRow row : rows) {
            out.add(row.stored(params.getOrDefault(row.secretId(), Map.of())));
        }
        return out;
    }

    private record PolicyRow(String tenant, String secretId, String rotator, String schedule, long window, long overlap,
            long canary, boolean enabled, int maxAttempts, Instant dueAt, Instant updatedAt, long revision) {
        StoredRotationPolicy stored(Map<String, String> params) {
            RotationPolicy policy = new RotationPolicy(rotator, RotationSchedule.parse(schedule), Duration.ofSeconds(window),
                    Duration.ofSeconds(overlap), Duration.ofSeconds(canary), params, enabled, maxAttempts);
            return new StoredRotationPolicy(tenant, secretId, policy, dueAt, updatedAt, revision);
        }
    }

    private static PolicyRow policyRow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new PolicyRow(rs.getString("tenant"), rs.getString("secret_id"), rs.getString("rotator"), rs.getString("schedule"),
                rs.getLong("window_seconds"), rs.getLong("overlap_seconds"), rs.getLong("canary_seconds"),
                rs.getBoolean("enabled"), rs.getInt("max_attempts"), Sql.instant(rs, "due_at"), Sql.instant(rs, "updated_at"),
                rs.getLong("revision"));
    }

    private static Update bindPolicy(Update u, String tenant, String secretId, RotationPolicy p, long window, long overlap,
            long canary, Instant dueAt, Instant now) {
        return u.bind("tenant", tenant).bind("secretId", secretId).bind("rotator", p.rotator())
                .bind("schedule", p.schedule().expression())
                .bind("window", window).bind("overlap", overlap).bind("canary", canary)
                .bind("enabled", p.enabled()).bind("maxAttempts", p.maxAttempts())
                .bind("dueAt", Sql.instant(dueAt)).bind("now", Sql.instant(now));
    }

    private static Update bindRun(Update u, RotationRun r) {
        return u.bind("tenant", r.tenant()).bind("id", r.id()).bind("secretId", r.secretId()).bind("state", r.state().name())
                .bind("openSecretId", r.isOpen() ? r.secretId() : null)
                .bind("testOnly", r.testOnly()).bind("cancelRequested", r.cancelRequested()).bind("rotator", r.rotator())
                .bind("fromVersion", r.fromVersion()).bind("pendingVersion", r.pendingVersion()).bind("attempt", r.attempt())
                .bind("startedBy", r.startedBy()).bind("startedAt", Sql.instant(r.startedAt()))
                .bind("updatedAt", Sql.instant(r.updatedAt())).bind("nextAttemptAt", Sql.instant(r.nextAttemptAt()))
                .bind("windowEndsAt", Sql.instant(r.windowEndsAt())).bind("canaryUntil", Sql.instant(r.canaryUntil()))
                .bind("lastErrorCode", r.lastErrorCode()).bind("finishedAt", Sql.instant(r.finishedAt()))
                .bind("retireAt", Sql.instant(r.retireAt())).bind("retiredAt", Sql.instant(r.retiredAt()))
                .bind("revision", r.revision());
    }

    private static RotationRun run(ResultSet rs, StatementContext ctx) throws SQLException {
        return new RotationRun(rs.getString("id"), rs.getString("tenant"), rs.getString("secret_id"),
                RunState.valueOf(rs.getString("state")), rs.getBoolean("test_only"), rs.getBoolean("cancel_requested"),
                rs.getString("rotator"), Sql.nullableInt(rs, "from_version"), Sql.nullableInt(rs, "pending_version"),
                rs.getInt("attempt"), rs.getString("started_by"), Sql.instant(rs, "started_at"), Sql.instant(rs, "updated_at"),
                Sql.instant(rs, "next_attempt_at"), Sql.instant(rs, "window_ends_at"), Sql.instant(rs, "canary_until"),
                rs.getString("last_error_code"), Sql.instant(rs, "finished_at"), Sql.instant(rs, "retire_at"),
                Sql.instant(rs, "retired_at"), rs.getLong("revision"));
    }

    private static void requireOwner(String owner) {
        Objects.requireNonNull(owner, "owner");
        if (owner.isBlank() || owner.length() > MAX_OWNER_LENGTH) {
            throw new IllegalArgumentException("claim owner must be 1 to " + MAX_OWNER_LENGTH + " characters");
        }
    }

    private static void requireLease(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero() || lease.compareTo(MAX_LEASE) > 0) {
            throw new IllegalArgumentException("lease must be positive and at most " + MAX_LEASE + ", got " + lease);
        }
    }

    private static NotFoundException notConfigured(String secretId) {
        return new NotFoundException(ErrorCode.ROTATION_NOT_CONFIGURED, "secret " + Messages.printable(String.valueOf(secretId))
                + " has no rotation policy");
    }

    private static ConflictException inProgress(String secretId) {
        return new ConflictException(ErrorCode.ROTATION_IN_PROGRESS, "secret " + Messages.printable(secretId)
                + " already has an open rotation run");
    }

    private static String newToken() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
