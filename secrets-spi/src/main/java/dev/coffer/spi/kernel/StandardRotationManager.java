package dev.coffer.spi.kernel;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.kernel.internal.Attempt;
import dev.coffer.spi.kernel.internal.Ids;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.rotation.RotationEngine;
import dev.coffer.spi.rotation.RotationFilter;
import dev.coffer.spi.rotation.RotationManager;
import dev.coffer.spi.rotation.RotationObserver;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.rotation.RotationStatus;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.spi.rotation.Rotators;
import dev.coffer.spi.rotation.RunState;
import dev.coffer.spi.store.AliasMove;
import dev.coffer.spi.store.RotationClaim;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.spi.store.StoredRotationPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The kernel's rotation API and engine: authorizes and audits the callers' requests like every
 * kernel call, and drives runs as {@value #ENGINE_ID} through the kernel's own operations (so a
 * rotation's versions, alias moves and reads are authorized and audited like anyone's).
 * Obtained from {@link StandardSecretManager#rotations()} and {@link StandardSecretManager#rotationEngine()}.
 */
final class StandardRotationManager implements RotationManager, RotationEngine {
    /** The principal the engine acts as. */
    static final String ENGINE_ID = "service:coffer:rotation";

    private final StandardSecretManager kernel;
    private final RotationStore runs;
    private final Rotators rotators;
    private final RotationObserver observer;
    private final String instanceId;
    private final Clock clock;
    private final Duration claimLease;

    StandardRotationManager(StandardSecretManager kernel, RotationStore runs, Rotators rotators,
            RotationObserver observer, String instanceId, Clock clock, Duration claimLease) {
        this.claimLease = claimLease;
        this.kernel = kernel;
        this.runs = Objects.requireNonNull(runs, "rotationStore");
        this.rotators = Objects.requireNonNull(rotators, "rotators");
        this.observer = Objects.requireNonNull(observer, "rotationObserver");
        this.instanceId = instanceId;
        this.clock = clock;
    }

    // ---- the API -------------------------------------------------------------------------

    @Override
    public RotationStatus setPolicy(AccessContext ctx, SecretRef ref, RotationPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return kernel.attempt(ctx, AuditEventType.ROTATION_POLICY_PUT, a -> {
            Secret secret = kernel.resolve(a, ctx, ref, StandardSecretManager.NO_GATE, Action.ADMIN);
            StandardSecretManager.requireNotPendingDeletion(secret);
            a.detail("rotator=" + policy.rotator() + " schedule=" + policy.schedule() + " enabled=" + policy.enabled());
            if (!RotationPolicy.MANUAL_OVERLAP.equals(policy.rotator())) {
                // The engine will read, write and rotate this secret on the setter's behalf: the setter must
                // be allowed all three (a webhook policy would otherwise hand the value to an admin without read).
                kernel.authorize(a, ctx, Action.READ, secret.path());
                kernel.authorize(a, ctx, Action.WRITE, secret.path());
                kernel.authorize(a, ctx, Action.ROTATE, secret.path());
                a.action(Action.ADMIN);
                Rotator rotator = rotators.require(policy.rotator());
                rotator.validate(policy.params());
                for (String param : rotator.secretParams(policy.params())) {
                    requireReadableReference(a, ctx, policy, param);
                }
            }
            // Due now: the engine works out the real due moment when it first claims the secret.
            StoredRotationPolicy stored = runs.putPolicy(ctx.tenant(), secret.id(), policy, a.at(), a.at(),
                    StandardSecretManager.audited(a, runs.auditOutbox(), p -> a.allowed()));
            a.relay();
            return statusOf(secret, stored, a.at());
        });
    }

    // Whoever sets a policy must be allowed to read what it makes the engine read.
    private void requireReadableReference(Attempt a, AccessContext ctx, RotationPolicy policy, String param) {
        String named = policy.param(param);
        if (named == null || named.isBlank()) {
            throw new InvalidRequestException(ErrorCode.INVALID_ROTATION_POLICY, "param " + param
                    + " is required by rotator " + policy.rotator() + ": the environment/path of a secret");
        }
        SecretPath path;
        try {
            path = SecretPath.parse(ctx.tenant(), named);
        } catch (InvalidRequestException badPath) {
            throw new InvalidRequestException(ErrorCode.INVALID_ROTATION_POLICY, "param " + param
                    + " must name a secret as environment/path: " + badPath.getMessage());
        }
        kernel.authorize(a, ctx, Action.READ, path);
        if (kernel.store.findSecretByPath(path).isEmpty()) {
            throw new InvalidRequestException(ErrorCode.INVALID_ROTATION_POLICY, "param " + param + " names "
                    + path.qualifiedName() + ", which does not exist");
        }
    }

    @Override
    public RotationStatus status(AccessContext ctx, SecretRef ref) {
        return kernel.attempt(ctx, AuditEventType.SECRET_DESCRIBE, a -> {
            a.detail("rotation");
            Secret secret = resolveForMetadata(a, ctx, ref);
            StoredRotationPolicy stored = requirePolicy(secret);
            RotationStatus status = statusOf(secret, stored, a.at());
            a.allowed();
            return status;
        });
    }

    @Override
    public void removePolicy(AccessContext ctx, SecretRef ref) {
        kernel.attempt(ctx, AuditEventType.ROTATION_POLICY_DELETE, a -> {
            Secret secret = kernel.resolve(a, ctx, ref, StandardSecretManager.NO_GATE, Action.ADMIN);
            runs.deletePolicy(ctx.tenant(), secret.id(), StandardSecretManager.audited(a, runs.auditOutbox(), p -> a.allowed()));
            return null;
        });
    }

    @Override
    public RotationRun rotateNow(AccessContext ctx, SecretRef ref, boolean testOnly) {
        return kernel.attempt(ctx, AuditEventType.ROTATION_START, a -> {
            Secret secret = kernel.resolve(a, ctx, ref, StandardSecretManager.NO_GATE, Action.ROTATE);
            StandardSecretManager.requireNotPendingDeletion(secret);
            RotationPolicy policy = requirePolicy(secret).policy();
            if (!policy.isAutomatic()) {
                throw new ConflictException(ErrorCode.ROTATION_NOT_AUTOMATIC, secret.path().qualifiedName()
                        + (policy.enabled() ? " rotates manually (manual-overlap): add a CURRENT version instead"
                                : " has its rotation policy disabled; enable it first"));
            }
            rotators.require(policy.rotator());
            RotationRun run = open(secret, policy, ctx.principal().id(), testOnly, a.at());
            a.detail("run=" + run.id() + " requested" + (testOnly ? " testOnly" : ""));
            RotationRun created = runs.createRun(run, a.at(), StandardSecretManager.audited(a, runs.auditOutbox(), r -> a.allowed()));
            a.relay();
            return created;
        });
    }

    /** A new run of {@code secret}, due at once. */
    RotationRun open(Secret secret, RotationPolicy policy, String by, boolean testOnly, Instant at) {
        OptionalInt current = kernel.store.aliases(secret.path().tenant(), secret.id()).get(Aliases.CURRENT);
        return RotationRun.started(Ids.runId(), secret.path().tenant(), secret.id(), policy.rotator(), by, at)
                .testOnly(testOnly)
                .fromVersion(current.isPresent() ? current.getAsInt() : null)
                .windowEndsAt(at.plus(policy.window()))
                .nextAttemptAt(at)
                .build();
    }

    @Override
    public RotationRun cancel(AccessContext ctx, SecretRef ref) {
        return kernel.attempt(ctx, AuditEventType.ROTATION_CANCEL, a -> {
            Secret secret = kernel.resolve(a, ctx, ref, StandardSecretManager.NO_GATE, Action.ROTATE);
            requirePolicy(secret);
            RotationRun open = runs.openRun(ctx.tenant(), secret.id()).orElseThrow(() -> new ConflictException(
                    ErrorCode.ROTATION_NOT_RUNNING, secret.path().qualifiedName() + " has no open rotation run"));
            if (open.state() == RunState.PROMOTED) {
                throw new ConflictException(ErrorCode.ROTATION_NOT_RUNNING, "rotation run " + open.id()
                        + " already promoted its version; roll back instead");
            }
            // The engine carries the cancel out, even for a run that has created nothing yet: it may be
            // inside create right now, and only the engine can set aside what that leaves.
            RotationRun.Builder change = open.toBuilder().cancelRequested(true).nextAttemptAt(a.at());
            a.detail("run=" + open.id() + " cancel requested");
            RotationRun changed = runs.updateRun(change.next(a.at()), a.at(),
                    StandardSecretManager.audited(a, runs.auditOutbox(), r -> a.allowed()));
            a.relay();
            return changed;
        });
    }

    @Override
    public Aliases rollback(AccessContext ctx, SecretRef ref) {
        return kernel.attempt(ctx, AuditEventType.ROTATION_ROLLBACK, a -> {
            Secret secret = kernel.resolve(a, ctx, ref, StandardSecretManager.NO_GATE, Action.ROTATE);
            StandardSecretManager.requireNotPendingDeletion(secret);
            String tenant = ctx.tenant();
            Optional<RotationRun> open = runs.openRun(tenant, secret.id());
            if (open.isPresent()) {
                throw new ConflictException(ErrorCode.ROTATION_IN_PROGRESS, "rotation run " + open.get().id()
                        + " is open on " + secret.path().qualifiedName() + "; cancel it before rolling back");
            }
            Aliases aliases = kernel.store.aliases(tenant, secret.id());
            OptionalInt current = aliases.get(Aliases.CURRENT);
            OptionalInt previous = aliases.get(Aliases.PREVIOUS);
            Optional<VersionRecord> target = previous.isPresent()
                    ? kernel.store.findVersion(tenant, secret.id(), previous.getAsInt()) : Optional.empty();
            if (current.isEmpty() || target.isEmpty() || target.get().state() != VersionState.ENABLED) {
                throw new ConflictException(ErrorCode.ROLLBACK_UNAVAILABLE, secret.path().qualifiedName()
                        + " has no enabled previous version to roll back to");
            }
            int to = target.get().number();
            a.version(to);
            AliasMove move = kernel.store.moveAlias(tenant, secret.id(), Aliases.CURRENT, to, current, a.at(),
                    StandardSecretManager.audited(a, kernel.store.auditOutbox(), moved -> {
                        a.detail("from=" + current.getAsInt() + " to=" + to).allowed();
                        a.alsoAllowed(AuditEventType.ALIAS_MOVE, "alias=current from=" + current.getAsInt() + " to=" + to);
                    }));
            a.relay();
            // The version rolled back to must not be retired when its overlap ends.
            for (RotationRun run : runs.recentRuns(tenant, secret.id(), RETIREMENT_LOOKBACK)) {
                if (run.retirementPending() && Objects.equals(run.fromVersion(), to)) {
                    runs.updateRun(run.toBuilder().retireAt(null).next(a.at()), null,
                            dev.coffer.spi.store.BeforeCommit.none());
                }
            }
            return move.aliases();
        });
    }

    @Override
    public Page<RotationStatus> list(AccessContext ctx, RotationFilter filter, PageRequest page) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(page, "page");
        return kernel.attempt(ctx, AuditEventType.SECRET_LIST, a -> {
            a.detail("rotations");
            String binding = "rotations|" + ctx.principal().id() + "|" + filter.state() + "|" + filter.overdueOnly();
            String inner = page.pageToken() == null ? null : kernel.pageTokens.open(page.pageToken(), binding);
            Page<StoredRotationPolicy> stored = runs.listPolicies(ctx.tenant(), new PageRequest(inner, page.limit()));
            List<dev.coffer.spi.access.Policy> policies = kernel.authorizer.policiesOf(ctx);
            List<RotationStatus> items = new ArrayList<>();
            for (StoredRotationPolicy p : stored.items()) {
                Optional<Secret> secret = kernel.store.findSecret(ctx.tenant(), p.secretId());
                if (secret.isEmpty() || !kernel.authorizer.anyAllowed(policies, ctx, secret.get().path(),
                        Action.READ, Action.WRITE, Action.ROTATE, Action.ADMIN)) {
                    continue;
                }
                RotationStatus status = statusOf(secret.get(), p, a.at());
                if (filter.overdueOnly() && !status.overdue()) {
                    continue;
                }
                if (filter.state() != null && (status.lastRun() == null || status.lastRun().state() != filter.state())) {
                    continue;
                }
                items.add(status);
            }
            a.allowed();
            String next = stored.nextPageToken() == null ? null : kernel.pageTokens.seal(stored.nextPageToken(), binding);
            return new Page<>(items, next);
        });
    }

    private Secret resolveForMetadata(Attempt a, AccessContext ctx, SecretRef ref) {
        Objects.requireNonNull(ref, "secret");
        if (ref instanceof SecretRef.ById byId) {
            Secret secret = kernel.requireSecret(a, ctx, byId.secretId());
            kernel.authorizeMetadata(a, ctx, secret.path());
            return secret;
        }
        SecretPath path = ((SecretRef.ByPath) ref).path();
        a.on(path);
        kernel.authorizeMetadata(a, ctx, path);
        return kernel.store.findSecretByPath(path).orElseThrow(() -> StandardSecretManager.secretNotFound(path.qualifiedName()));
    }

    private StoredRotationPolicy requirePolicy(Secret secret) {
        return runs.findPolicy(secret.path().tenant(), secret.id()).orElseThrow(() -> new NotFoundException(
                ErrorCode.ROTATION_NOT_CONFIGURED, secret.path().qualifiedName() + " has no rotation policy"));
    }

    /** How a secret stands with rotation now: a manual move of current counts (lastRotatedAt is the store's). */
    RotationStatus statusOf(Secret secret, StoredRotationPolicy stored, Instant now) {
        RotationPolicy policy = stored.policy();
        List<RotationRun> recent = runs.recentRuns(secret.path().tenant(), secret.id(), 1);
        RotationRun last = recent.isEmpty() ? null : recent.get(0);
        RotationRun open = last != null && last.isOpen() ? last : runs.openRun(secret.path().tenant(), secret.id()).orElse(null);
        // Runs started in the same instant (a frozen test clock) may come back in any order: the open one is the latest.
        last = open != null ? open : last;
        Instant next = policy.enabled() ? nextRotationAt(secret, policy, last).orElse(null) : null;
        boolean overdue = next != null && now.isAfter(next.plus(policy.window()));
        return new RotationStatus(secret.id(), secret.path(), policy, secret.lastRotatedAt(), next, overdue, open, last);
    }

    /** When {@code secret} is next due: its policy's next rotation, or (without a policy) its legacy rotation period. */
    Optional<Instant> dueAt(Secret secret) {
        Optional<StoredRotationPolicy> stored = runs.findPolicy(secret.path().tenant(), secret.id());
        if (stored.isEmpty()) {
            return secret.rotationDueAt();
        }
        if (!stored.get().policy().enabled()) {
            return Optional.empty();
        }
        List<RotationRun> recent = runs.recentRuns(secret.path().tenant(), secret.id(), 1);
        return nextRotationAt(secret, stored.get().policy(), recent.isEmpty() ? null : recent.get(0));
    }

    /**
     * When the next rotation is due: the schedule's next moment after the last rotation (or the
     * secret's creation), and after a failed or cancelled run not before the next window (the
     * schedule's next firing, or a day at most for periods), so a failing rotation neither loops nor
     * waits a whole period.
     */
    static Optional<Instant> nextRotationAt(Secret secret, RotationPolicy policy, RotationRun last) {
        Instant base = Objects.requireNonNullElse(secret.lastRotatedAt(), secret.createdAt());
        Optional<Instant> due = policy.schedule().nextAfter(base);
        if (due.isEmpty() || last == null || last.finishedAt() == null
                || (last.state() != RunState.FAILED && last.state() != RunState.CANCELLED)
                || !last.finishedAt().isAfter(base)) {
            return due;
        }
        Instant ended = last.finishedAt();
        Optional<Instant> nextWindow = policy.schedule().period()
                .map(p -> ended.plus(p.compareTo(Duration.ofDays(1)) < 0 ? p : Duration.ofDays(1)))
                .or(() -> policy.schedule().nextAfter(ended));
        return nextWindow.map(w -> w.isAfter(due.get()) ? w : due.get());
    }

    // How many recent runs are searched for a retirement still to do (test-only or failed runs may follow a finished one).
    static final int RETIREMENT_LOOKBACK = 20;

    /** The newest finished run whose old version's retirement is still to do, among the recent runs. */
    Optional<RotationRun> pendingRetirement(String tenant, String secretId) {
        return runs.recentRuns(tenant, secretId, RETIREMENT_LOOKBACK).stream().filter(RotationRun::retirementPending).findFirst();
    }

    // ---- the engine ----------------------------------------------------------------------

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public List<RotationClaim> claimDue(int limit) {
        return runs.claimDue(now(), instanceId, claimLease, limit);
    }

    @Override
    public void drive(RotationClaim claim) {
        new RunDriver(this, claim).drive();
    }

    @Override
    public long countOverdue(String tenant) {
        SecretPath.requireTenant(tenant);
        Instant now = now();
        long overdue = 0;
        String token = null;
        do {
            Page<StoredRotationPolicy> page = runs.listPolicies(tenant, new PageRequest(token, PageRequest.MAX_LIMIT));
            for (StoredRotationPolicy p : page.items()) {
                Optional<Secret> secret = kernel.store.findSecret(tenant, p.secretId());
                if (secret.isPresent() && statusOf(secret.get(), p, now).overdue()) {
                    overdue++;
                }
            }
            token = page.nextPageToken();
        } while (token != null);
        return overdue;
    }

    // What the driver needs, kept in one place.
    StandardSecretManager kernel() {
        return kernel;
    }

    Duration claimLease() {
        return claimLease;
    }

    RotationStore runs() {
        return runs;
    }

    Rotators rotators() {
        return rotators;
    }

    RotationObserver observer() {
        return observer;
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static String printable(String s) {
        return Messages.printable(s);
    }
}
