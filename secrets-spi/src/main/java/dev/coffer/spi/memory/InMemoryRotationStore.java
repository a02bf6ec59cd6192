package dev.coffer.spi.memory;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.internal.PageTokens;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.RotationClaim;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.spi.store.StoredRotationPolicy;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The reference {@link RotationStore}: policies, runs and claims in memory, for tests and for
 * embedding without a database. One lock makes each mutation and its hook one atomic unit.
 *
 * <pre>{@code
 * RotationStore rotations = new InMemoryRotationStore(outbox);   // the secret store's outbox
 * }</pre>
 */
public final class InMemoryRotationStore implements RotationStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TAG = "rotation-policy";
    private static final Comparator<RotationRun> NEWEST_FIRST =
            Comparator.comparing(RotationRun::startedAt).thenComparing(RotationRun::id).reversed();

    private final ReentrantLock lock = new ReentrantLock();
    private final InMemoryAuditOutbox outbox;
    // tenant -> secret id -> policy row
    private final Map<String, TreeMap<String, Row>> policies = new HashMap<>();
    // tenant -> run id -> run
    private final Map<String, LinkedHashMap<String, RotationRun>> runs = new HashMap<>();

    private static final class Row {
        StoredRotationPolicy stored;
        String claimOwner;
        String claimToken;
        Instant claimExpiresAt;

        Row(StoredRotationPolicy stored) {
            this.stored = stored;
        }

        boolean claimLive(Instant now) {
            return claimToken != null && claimExpiresAt.isAfter(now);
        }

        void due(Instant dueAt, Instant now) {
            stored = new StoredRotationPolicy(stored.tenant(), stored.secretId(), stored.policy(), dueAt,
                    now == null ? stored.updatedAt() : now, stored.revision() + 1);
        }
    }

    /** An empty store with an outbox of its own. */
    public InMemoryRotationStore() {
        this(new InMemoryAuditOutbox());
    }

    /** An empty store keeping its audit events in {@code outbox} (which may be shared with a secret store). */
    public InMemoryRotationStore(InMemoryAuditOutbox outbox) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
    }

    @Override
    public AuditOutbox auditOutbox() {
        return outbox;
    }

    @Override
    public StoredRotationPolicy putPolicy(String tenant, String secretId, RotationPolicy policy, Instant dueAt,
            Instant now, BeforeCommit<StoredRotationPolicy> hook) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(hook, "hook");
        return locked(() -> {
            TreeMap<String, Row> bySecret = policies.computeIfAbsent(tenant, t -> new TreeMap<>());
            Row row = bySecret.get(secretId);
            long revision = row == null ? 1 : row.stored.revision() + 1;
            StoredRotationPolicy stored = new StoredRotationPolicy(tenant, secretId, policy, dueAt, now, revision);
            List<AuditEvent> events = hook.prepare(stored);
            if (row == null) {
                bySecret.put(secretId, new Row(stored));
            } else {
                row.stored = stored;
            }
            outbox.commit(events);
            return stored;
        });
    }

    @Override
    public Optional<StoredRotationPolicy> findPolicy(String tenant, String secretId) {
        return locked(() -> Optional.ofNullable(row(tenant, secretId)).map(r -> r.stored));
    }

    @Override
    public void deletePolicy(String tenant, String secretId, BeforeCommit<StoredRotationPolicy> hook) {
        Objects.requireNonNull(hook, "hook");
        locked(() -> {
            Row row = requireRow(tenant, secretId);
            if (openRunOf(tenant, secretId).isPresent()) {
                throw new ConflictException(ErrorCode.ROTATION_IN_PROGRESS, "secret " + secretId
                        + " has an open rotation run; cancel it before removing the policy");
            }
            List<AuditEvent> events = hook.prepare(row.stored);
            policies.get(tenant).remove(secretId);
            outbox.commit(events);
            return null;
        });
    }

    @Override
    public void forgetSecret(String tenant, String secretId) {
        locked(() -> {
            TreeMap<String, Row> bySecret = policies.get(tenant);
            if (bySecret != null) {
                bySecret.remove(secretId);
            }
            LinkedHashMap<String, RotationRun> byId = runs.get(tenant);
            if (byId != null) {
                byId.values().removeIf(r -> r.secretId().equals(secretId));
            }
            return null;
        });
    }

    @Override
    public Page<StoredRotationPolicy> listPolicies(String tenant, PageRequest page) {
        Objects.requireNonNull(page, "page");
        return locked(() -> {
            TreeMap<String, Row> bySecret = policies.getOrDefault(tenant, new TreeMap<>());
            String after = page.pageToken() == null ? null : PageTokens.decode(TAG, page.pageToken());
            Map<String, Row> tail = after == null ? bySecret : bySecret.tailMap(after, false);
            List<StoredRotationPolicy> items = new ArrayList<>();
            String next = null;
            for (Row row : tail.values()) {
                if (items.size() == page.limit()) {
                    next = PageTokens.encode(TAG, items.get(items.size() - 1).secretId());
                    break;
                }
                items.add(row.stored);
            }
            return new Page<>(items, next);
        });
    }

    @Override
    public RotationRun createRun(RotationRun run, Instant dueAt, BeforeCommit<RotationRun> hook) {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(hook, "hook");
        return locked(() -> {
            Row row = requireRow(run.tenant(), run.secretId());
            if (openRunOf(run.tenant(), run.secretId()).isPresent()) {
                throw new ConflictException(ErrorCode.ROTATION_IN_PROGRESS, "secret " + run.secretId()
                        + " already has an open rotation run");
            }
            LinkedHashMap<String, RotationRun> byId = runs.computeIfAbsent(run.tenant(), t -> new LinkedHashMap<>());
            if (byId.containsKey(run.id())) {
                throw new ConflictException(ErrorCode.ROTATION_IN_PROGRESS, "rotation run " + run.id() + " exists");
            }
            if (run.revision() != 1 || !run.isOpen()) {
                throw new IllegalArgumentException("a new rotation run is open and at revision 1");
            }
            RotationRun stored = run;
            List<AuditEvent> events = hook.prepare(stored);
            byId.put(stored.id(), stored);
            if (dueAt != null) {
                row.due(dueAt, null);
            }
            outbox.commit(events);
            return stored;
        });
    }

    @Override
    public RotationRun updateRun(RotationRun run, Instant dueAt, BeforeCommit<RotationRun> hook) {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(hook, "hook");
        return locked(() -> {
            LinkedHashMap<String, RotationRun> byId = runs.get(run.tenant());
            RotationRun before = byId == null ? null : byId.get(run.id());
            if (before == null || !before.secretId().equals(run.secretId())) {
                throw new NotFoundException(ErrorCode.ROTATION_NOT_CONFIGURED, "no rotation run " + run.id());
            }
            if (before.revision() + 1 != run.revision()) {
                throw new ConflictException(ErrorCode.STATE_CONFLICT, "rotation run " + run.id() + " is at revision "
                        + before.revision() + ", not " + (run.revision() - 1));
            }
            if (!before.isOpen() && before.state() != run.state()) {
                throw new ConflictException(ErrorCode.STATE_CONFLICT, "rotation run " + run.id() + " ended "
                        + before.state() + " and cannot become " + run.state());
            }
            List<AuditEvent> events = hook.prepare(run);
            byId.put(run.id(), run);
            Row row = row(run.tenant(), run.secretId());
            if (dueAt != null && row != null) {
                row.due(dueAt, null);
            }
            outbox.commit(events);
            return run;
        });
    }

    @Override
    public Optional<RotationRun> findRun(String tenant, String runId) {
        return locked(() -> Optional.ofNullable(runs.get(tenant)).map(byId -> byId.get(runId)));
    }

    @Override
    public Optional<RotationRun> openRun(String tenant, String secretId) {
        return locked(() -> openRunOf(tenant, secretId));
    }

    @Override
    public List<RotationRun> recentRuns(String tenant, String secretId, int limit) {
        if (limit < 1 || limit > MAX_RECENT_RUNS) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_RECENT_RUNS);
        }
        return locked(() -> {
            LinkedHashMap<String, RotationRun> byId = runs.get(tenant);
            if (byId == null) {
                return List.<RotationRun>of();
            }
            return byId.values().stream().filter(r -> r.secretId().equals(secretId)).sorted(NEWEST_FIRST)
                    .limit(limit).toList();
        });
    }

    @Override
    public List<RotationClaim> claimDue(Instant now, String owner, Duration lease, int limit) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(owner, "owner");
        requirePositive(lease);
        if (limit < 1 || limit > MAX_CLAIMS) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_CLAIMS);
        }
        return locked(() -> {
            List<Row> due = new ArrayList<>();
            for (TreeMap<String, Row> bySecret : policies.values()) {
                for (Row row : bySecret.values()) {
                    if (!row.stored.dueAt().isAfter(now) && !row.claimLive(now)) {
                        due.add(row);
                    }
                }
            }
            due.sort(Comparator.comparing((Row r) -> r.stored.dueAt()).thenComparing(r -> r.stored.secretId()));
            List<RotationClaim> claims = new ArrayList<>();
            for (Row row : due.subList(0, Math.min(limit, due.size()))) {
                row.claimOwner = owner;
                row.claimToken = HexFormat.of().formatHex(randomBytes());
                row.claimExpiresAt = now.plus(lease);
                claims.add(new RotationClaim(row.stored.tenant(), row.stored.secretId(), owner, row.claimToken,
                        row.claimExpiresAt, row.stored.revision()));
            }
            return List.copyOf(claims);
        });
    }

    @Override
    public Optional<RotationClaim> renewClaim(RotationClaim claim, Instant now, Duration lease) {
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(now, "now");
        requirePositive(lease);
        return locked(() -> {
            Row row = row(claim.tenant(), claim.secretId());
            if (row == null || !claim.token().equals(row.claimToken) || !row.claimLive(now)) {
                return Optional.<RotationClaim>empty();
            }
            row.claimExpiresAt = now.plus(lease);
            return Optional.of(new RotationClaim(claim.tenant(), claim.secretId(), claim.owner(), claim.token(),
                    row.claimExpiresAt, claim.policyRevision()));
        });
    }

    @Override
    public boolean releaseClaim(RotationClaim claim, Instant dueAt) {
        return locked(() -> {
            Row row = row(claim.tenant(), claim.secretId());
            if (row == null || !claim.token().equals(row.claimToken)) {
                return false;
            }
            row.claimOwner = null;
            row.claimToken = null;
            row.claimExpiresAt = null;
            if (dueAt != null && row.stored.revision() == claim.policyRevision()) {
                row.due(dueAt, null);
            }
            return true;
        });
    }

    private Optional<RotationRun> openRunOf(String tenant, String secretId) {
        LinkedHashMap<String, RotationRun> byId = runs.get(tenant);
        if (byId == null) {
            return Optional.empty();
        }
        return byId.values().stream().filter(r -> r.secretId().equals(secretId) && r.isOpen()).findFirst();
    }

    private Row row(String tenant, String secretId) {
        TreeMap<String, Row> bySecret = policies.get(tenant);
        return bySecret == null ? null : bySecret.get(secretId);
    }

    private Row requireRow(String tenant, String secretId) {
        Row row = row(tenant, secretId);
        if (row == null) {
            throw new NotFoundException(ErrorCode.ROTATION_NOT_CONFIGURED, "secret " + secretId + " has no rotation policy");
        }
        return row;
    }

    // A lease of zero or less would hand out claims that are expired when made: two claimers at once.
    private static void requirePositive(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, got " + lease);
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
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
