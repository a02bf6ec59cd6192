package dev.coffer.spi.kernel;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.kernel.internal.Attempt;
import dev.coffer.spi.kernel.internal.RetryBackoff;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.rotation.RotationException;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.spi.rotation.RunState;
import dev.coffer.spi.store.RotationClaim;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.spi.store.StoredRotationPolicy;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Drives one claimed secret's rotation work as far as it can go now. Each pass reloads the secret,
 * policy and run from the stores, does one step, and records it (compare-and-set on the run's
 * revision, with the step's audit event) before the next: so the work resumes at the right step on
 * any instance after a crash, and a cancel or a concurrent change is seen at the next pass.
 *
 * <p>Every step first checks whether its work is already done: a PENDING version the engine
 * created for this run is adopted instead of creating another, a promotion found done is recorded,
 * and the rotator's own steps are idempotent by contract.
 */
final class RunDriver {
    private static final System.Logger LOG = System.getLogger("dev.coffer.spi.rotation");
    // Enough passes for a whole run (create, apply, test, promote, finish, retire) in one claim.
    private static final int MAX_PASSES = 12;
    // After an unexpected failure (a store outage): look again soon, not in a tight loop.
    static final Duration AFTER_ERROR = Duration.ofSeconds(30);
    // Secrets with nothing scheduled are still looked at daily (a policy change, a never-firing cron).
    private static final Duration IDLE_RECHECK = Duration.ofDays(1);

    private final StandardRotationManager rotation;
    private final StandardSecretManager kernel;
    private final RotationStore runs;
    private RotationClaim claim;
    private boolean claimHeld = true;
    // The claimed secret's path (it never changes), for the engine's audit events.
    private dev.coffer.spi.model.SecretPath path;

    RunDriver(StandardRotationManager rotation, RotationClaim claim) {
        this.rotation = rotation;
        this.kernel = rotation.kernel();
        this.runs = rotation.runs();
        this.claim = claim;
    }

    void drive() {
        Instant nextDue = null;
        try {
            nextDue = work();
        } catch (RuntimeException unexpected) {
            LOG.log(Level.WARNING, "rotation work on secret {0} stopped and is retried in {1}: {2}",
                    claim.secretId(), AFTER_ERROR, describe(unexpected));
            nextDue = rotation.now().plus(AFTER_ERROR);
        } finally {
            if (claimHeld) {
                try {
                    runs.releaseClaim(claim, nextDue);
                } catch (RuntimeException releaseFailed) {
                    // The lease runs out by itself; the secret is claimed again then.
                    LOG.log(Level.DEBUG, "releasing the rotation claim on {0} failed: {1}", claim.secretId(),
                            describe(releaseFailed));
                }
            }
        }
    }

    /** Does what is due; returns when the secret is next due, or {@code null} to keep what the last change set. */
    private Instant work() {
        String tenant = claim.tenant();
        String secretId = claim.secretId();
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            if (pass > 0 && !renew()) {
                return null;
            }
            Optional<Secret> found = kernel.store.findSecret(tenant, secretId);
            if (found.isEmpty()) {
                runs.forgetSecret(tenant, secretId);
                claimHeld = false;
                return null;
            }
            Secret secret = found.get();
            path = secret.path();
            Optional<StoredRotationPolicy> stored = runs.findPolicy(tenant, secretId);
            if (stored.isEmpty()) {
                claimHeld = false;
                return null;
            }
            RotationPolicy policy = stored.get().policy();
            Instant now = rotation.now();
            Optional<RotationRun> open = runs.openRun(tenant, secretId);
            Optional<RotationRun> retiring = rotation.pendingRetirement(tenant, secretId);
            if (retiring.isPresent() && (!retiring.get().retireAt().isAfter(now)
                    || open.isPresent() && !open.get().testOnly())) {
                // A new rotation pushes the old version out of previous anyway: retire it first.
                Instant retryAt = retire(secret, policy, retiring.get(), now);
                if (retryAt != null) {
                    return retryAt;
                }
                continue;
            }
            if (open.isPresent()) {
                Instant waitUntil = advance(secret, policy, open.get(), now);
                if (waitUntil != null) {
                    return waitUntil;
                }
                continue;
            }
            List<RotationRun> recent = runs.recentRuns(tenant, secretId, 1);
            RotationRun last = recent.isEmpty() ? null : recent.get(0);
            Optional<Instant> rotationDue = policy.isAutomatic() && !secret.isPendingDeletion()
                    ? StandardRotationManager.nextRotationAt(secret, policy, last) : Optional.empty();
            boolean rotateNow = rotationDue.isPresent() && !rotationDue.get().isAfter(now);
            if (retiring.isPresent() && rotateNow) {
                Instant retryAt = retire(secret, policy, retiring.get(), now);
                if (retryAt != null) {
                    return retryAt;
                }
                continue;
            }
            if (rotateNow) {
                startScheduled(secret, policy, now);
                continue;
            }
            Instant next = now.plus(IDLE_RECHECK);
            if (rotationDue.isPresent() && rotationDue.get().isBefore(next)) {
                next = rotationDue.get();
            }
            if (retiring.isPresent() && retiring.get().retireAt().isBefore(next)) {
                next = retiring.get().retireAt();
            }
            return next;
        }
        return rotation.now();
    }

    private boolean renew() {
        Optional<RotationClaim> renewed = runs.renewClaim(claim, rotation.now(), rotation.claimLease());
        if (renewed.isEmpty()) {
            // Another instance holds the secret now; it resumes from what was recorded.
            claimHeld = false;
            LOG.log(Level.INFO, "the rotation claim on secret {0} was lost; another instance continues", claim.secretId());
            return false;
        }
        claim = renewed.get();
        return true;
    }

    private void startScheduled(Secret secret, RotationPolicy policy, Instant now) {
        RotationRun run = rotation.open(secret, policy, StandardRotationManager.ENGINE_ID, false, now);
        Attempt a = engineAttempt(run, AuditEventType.ROTATION_START, now).on(secret.path());
        try {
            runs.createRun(run, now, StandardSecretManager.audited(a, runs.auditOutbox(),
                    r -> a.detail("run=" + r.id() + " scheduled").allowed()));
            a.relay();
        } catch (ConflictException alreadyOpen) {
            if (alreadyOpen.code() != ErrorCode.ROTATION_IN_PROGRESS) {
                throw alreadyOpen;
            }
            // A rotate-now opened one meanwhile: the next pass drives it.
        }
    }

    // ---- one open run ----------------------------------------------------------------------

    /** Does the open run's next step; returns when to look again if it must wait, else {@code null}. */
    private Instant advance(Secret secret, RotationPolicy policy, RotationRun run, Instant now) {
        Rotator rotator = rotation.rotators().find(run.rotator()).orElse(null);
        AccessContext engine = engineContext(run);
        try (EngineRotationContext ctx = new EngineRotationContext(kernel, engine, secret, policy, run, rotator, now)) {
            OptionalInt current = kernel.store.aliases(run.tenant(), run.secretId()).get(Aliases.CURRENT);
            if (run.state() != RunState.PROMOTED && isPending(run, current)) {
                if (run.state() == RunState.TESTED || run.state() == RunState.CANARY) {
                    // Promoted before the run could record it (a crash right after the move): record it now,
                    // whatever a cancel asked meanwhile: a promoted value is never discarded downstream.
                    record(run, run.toBuilder().state(RunState.PROMOTED).cancelRequested(false), AuditEventType.ROTATION_STEP,
                            "step=promote version=" + run.pendingVersion() + " found-done", now, now);
                } else {
                    // Someone promoted a value that was never applied and tested: not this run's to finish.
                    abandon(secret, run, current, now);
                }
                return null;
            }
            if (secret.isPendingDeletion()) {
                // Scheduled for deletion: nothing about it may change any more, so the run ends here.
                endPendingDeletion(secret, run, rotator, ctx, now);
                return null;
            }
            if (run.cancelRequested()) {
                Integer orphan = run.pendingVersion() == null ? adoptable(secret, run) : null;
                if (orphan != null) {
                    // Cancelled while create ran: record the version it made, so the cancel sets it aside.
                    record(run, run.toBuilder().state(RunState.CREATED).pendingVersion(orphan), AuditEventType.ROTATION_STEP,
                            "step=create version=" + orphan + " found-done", now, now);
                    return null;
                }
                return cancel(secret, policy, run, rotator, ctx, now);
            }
            if (run.state() != RunState.PROMOTED
                    && !Objects.equals(current.isPresent() ? current.getAsInt() : null, run.fromVersion())) {
                abandon(secret, run, current, now);
                return null;
            }
            if (run.nextAttemptAt() != null && run.nextAttemptAt().isAfter(now)) {
                return run.nextAttemptAt();
            }
            try {
                if (rotator == null) {
                    throw new RotationException("ROTATOR_UNAVAILABLE", false, "rotator " + run.rotator()
                            + " is not installed on this server");
                }
                step(secret, policy, run, rotator, ctx, now);
                return null;
            } catch (ConflictException changed) {
                if (changed.code() == ErrorCode.STATE_CONFLICT) {
                    return null; // the run changed under us (a cancel request): the next pass reloads it
                }
                return failed(secret, policy, run, rotator, ctx, changed, now);
            } catch (RuntimeException failure) {
                return failed(secret, policy, run, rotator, ctx, failure, now);
            } catch (LinkageError broken) {
                // A rotator installed without what it needs (NoClassDefFoundError): a failure like any
                // other, retried and ended, not an escape that would re-claim the secret every tick.
                return failed(secret, policy, run, rotator, ctx, new RotationException("ROTATOR_BROKEN", false,
                        "rotator " + run.rotator() + " cannot run: " + broken.getClass().getName()), now);
            }
        }
    }

    private static boolean isPending(RotationRun run, OptionalInt current) {
        return run.pendingVersion() != null && current.isPresent() && current.getAsInt() == run.pendingVersion();
    }

    /** A run of a secret scheduled for deletion: undone downstream if it can be, then FAILED; its versions stay as they are. */
    private void endPendingDeletion(Secret secret, RotationRun run, Rotator rotator, EngineRotationContext ctx, Instant now) {
        if (run.pendingVersion() != null && rotator != null && run.state() != RunState.PROMOTED) {
            try {
                timed(rotator, "discard", () -> rotator.discard(ctx));
            } catch (RuntimeException discardFailed) {
                LOG.log(Level.WARNING, "rotation run {0}: undoing it downstream failed: {1}", run.id(), reasonOf(discardFailed));
            }
        }
        String code = ErrorCode.SECRET_PENDING_DELETION.name();
        recordFailure(run, ended(run, RunState.FAILED, now).lastErrorCode(code), code,
                "run=" + run.id() + " ended: the secret is scheduled for deletion", now, now);
        rotation.observer().runEnded(run.rotator(), RunState.FAILED);
    }

    private void step(Secret secret, RotationPolicy policy, RotationRun run, Rotator rotator,
            EngineRotationContext ctx, Instant now) {
        switch (run.state()) {
            case STARTED -> create(secret, run, rotator, ctx, now);
            case CREATED -> {
                timed(rotator, "apply", () -> rotator.apply(ctx));
                record(run, run.toBuilder().state(RunState.APPLIED), AuditEventType.ROTATION_STEP,
                        "step=apply version=" + run.pendingVersion(), now, now);
            }
            case APPLIED -> {
                timed(rotator, "test", () -> rotator.test(ctx));
                RotationRun.Builder tested = run.toBuilder().state(RunState.TESTED);
                Instant due = now;
                String detail = "step=test version=" + run.pendingVersion();
                if (!run.testOnly() && !policy.canary().isZero()) {
                    Instant until = now.plus(policy.canary());
                    tested.state(RunState.CANARY).canaryUntil(until).nextAttemptAt(until);
                    due = until;
                    detail += " canary-until=" + until;
                }
                record(run, tested, AuditEventType.ROTATION_STEP, detail, now, due);
            }
            case TESTED, CANARY -> {
                if (run.testOnly()) {
                    timed(rotator, "discard", () -> rotator.discard(ctx));
                    setAside(run, now);
                    record(run, ended(run, RunState.DISCARDED, now), AuditEventType.ROTATION_CANCEL,
                            "step=discard version=" + run.pendingVersion() + " test-only", now, now);
                    rotation.observer().runEnded(run.rotator(), RunState.DISCARDED);
                } else {
                    promote(secret, run, now);
                }
            }
            case PROMOTED -> {
                timed(rotator, "finish", () -> rotator.finish(ctx));
                finished(run, null, now);
            }
            default -> throw new IllegalStateException("run " + run.id() + " is not open: " + run.state());
        }
    }

    private void create(Secret secret, RotationRun run, Rotator rotator, EngineRotationContext ctx, Instant now) {
        AccessContext engine = engineContext(run);
        // Already done? A version this run created before a crash is taken up, not made again.
        Integer number = adoptable(secret, run);
        if (number == null) {
            SecretValue value = timedValue(rotator, () -> rotator.create(ctx));
            try (value) {
                number = kernel.addVersion(engine, SecretRef.id(secret.id()), NewVersion.pending(value)).number();
            }
        }
        OptionalInt next = kernel.store.aliases(run.tenant(), run.secretId()).get(Aliases.NEXT);
        if (next.isEmpty() || next.getAsInt() != number) {
            kernel.moveAlias(engine, SecretRef.id(secret.id()), Aliases.NEXT, number, next);
        }
        record(run, run.toBuilder().state(RunState.CREATED).pendingVersion(number), AuditEventType.ROTATION_STEP,
                "step=create version=" + number, now, now);
    }

    /** The newest enabled, non-current version the engine added since this run opened, if any. */
    private Integer adoptable(Secret secret, RotationRun run) {
        int after = run.fromVersion() == null ? 0 : run.fromVersion();
        Integer found = null;
        for (VersionRecord v : kernel.store.listVersions(run.tenant(), secret.id())) {
            if (v.number() > after && v.state() == VersionState.ENABLED
                    && StandardRotationManager.ENGINE_ID.equals(v.createdBy()) && !v.createdAt().isBefore(run.startedAt())) {
                found = v.number();
            }
        }
        return found;
    }

    private void promote(Secret secret, RotationRun run, Instant now) {
        int pending = run.pendingVersion();
        OptionalInt expected = run.fromVersion() == null ? OptionalInt.empty() : OptionalInt.of(run.fromVersion());
        try {
            kernel.promote(engineContext(run), SecretRef.id(secret.id()), pending, expected);
        } catch (ConflictException moved) {
            if (moved.code() != ErrorCode.VERSION_CONFLICT) {
                throw moved;
            }
            OptionalInt current = kernel.store.aliases(run.tenant(), run.secretId()).get(Aliases.CURRENT);
            if (current.isEmpty() || current.getAsInt() != pending) {
                abandon(secret, run, current, now);
                return;
            }
        }
        // The store cleared next in the same step as the move (SecretStore.moveAlias).
        record(run, run.toBuilder().state(RunState.PROMOTED), AuditEventType.ROTATION_STEP,
                "step=promote version=" + pending + " from=" + (run.fromVersion() == null ? "none" : run.fromVersion()), now, now);
    }

    private void finished(RotationRun run, String finishError, Instant now) {
        RotationPolicy policy = runs.findPolicy(run.tenant(), run.secretId()).map(StoredRotationPolicy::policy).orElse(null);
        Duration overlap = policy == null ? Duration.ZERO : policy.overlap();
        RotationRun.Builder done = ended(run, RunState.FINISHED, now).lastErrorCode(finishError)
                .retireAt(run.fromVersion() == null ? null : now.plus(overlap));
        record(run, done, AuditEventType.ROTATION_SUCCEED, "run=" + run.id() + " version=" + run.pendingVersion()
                + (finishError == null ? "" : " finish-failed=" + finishError), now, now);
        rotation.observer().runEnded(run.rotator(), RunState.FINISHED);
    }

    private void abandon(Secret secret, RotationRun run, OptionalInt current, Instant now) {
        clearNext(run);
        record(run, ended(run, RunState.ABANDONED, now), AuditEventType.ROTATION_ABANDON, "run=" + run.id()
                + " current moved to " + (current.isPresent() ? String.valueOf(current.getAsInt()) : "none")
                + " (expected " + (run.fromVersion() == null ? "none" : run.fromVersion()) + ")", now, now);
        rotation.observer().runEnded(run.rotator(), RunState.ABANDONED);
        LOG.log(Level.INFO, "rotation run {0} of {1} abandoned: current was moved by someone else",
                run.id(), secret.path().qualifiedName());
    }

    private Instant cancel(Secret secret, RotationPolicy policy, RotationRun run, Rotator rotator,
            EngineRotationContext ctx, Instant now) {
        String discardError = null;
        if (run.pendingVersion() != null && rotator != null) {
            if (!renew()) {
                return null; // another instance holds the secret now and carries the cancel out
            }
            try {
                timed(rotator, "discard", () -> rotator.discard(ctx));
            } catch (RuntimeException failure) {
                discardError = reasonOf(failure);
                int failures = run.attempt() + 1;
                if (failures < policy.maxAttempts()) {
                    Instant retryAt = now.plus(RetryBackoff.delay(failures));
                    recordFailure(run, run.toBuilder().attempt(failures).lastErrorCode(discardError).nextAttemptAt(retryAt),
                            discardError, "run=" + run.id() + " step=discard attempt=" + failures + " retry-at=" + retryAt,
                            now, retryAt);
                    return retryAt;
                }
            }
        }
        setAside(run, now);
        record(run, ended(run, RunState.CANCELLED, now).lastErrorCode(discardError != null ? discardError : run.lastErrorCode()),
                AuditEventType.ROTATION_CANCEL, "run=" + run.id() + " cancelled", now, now);
        rotation.observer().runEnded(run.rotator(), RunState.CANCELLED);
        return null;
    }

    /** A failed step: retried after backoff within the policy's attempts and window, else the run ends FAILED. */
    private Instant failed(Secret secret, RotationPolicy policy, RotationRun run, Rotator rotator,
            EngineRotationContext ctx, RuntimeException failure, Instant now) {
        String code = reasonOf(failure);
        if (run.state() != RunState.PROMOTED
                && isPending(run, kernel.store.aliases(run.tenant(), run.secretId()).get(Aliases.CURRENT))) {
            // The promotion went through and only its record failed: the next pass records it; never undo it.
            return now;
        }
        int failures = run.attempt() + 1;
        Duration delay = RetryBackoff.delay(failures);
        boolean last = failures >= policy.maxAttempts() || now.plus(delay).isAfter(run.windowEndsAt());
        String step = stepName(run);
        if (run.state() == RunState.PROMOTED) {
            // The new version is current already: a finish that keeps failing does not undo the rotation.
            if (last) {
                finished(run, code, now);
                return null;
            }
        } else if (last) {
            if (run.pendingVersion() != null && rotator != null) {
                if (!renew()) {
                    return null; // the step outlasted the claim: another instance has the run now
                }
                try {
                    timed(rotator, "discard", () -> rotator.discard(ctx));
                } catch (RuntimeException discardFailed) {
                    LOG.log(Level.WARNING, "rotation run {0}: undoing the failed rotation downstream failed too: {1}",
                            run.id(), reasonOf(discardFailed));
                }
            }
            setAside(run, now);
            recordFailure(run, ended(run, RunState.FAILED, now).attempt(failures).lastErrorCode(code), code,
                    "run=" + run.id() + " step=" + step + " attempt=" + failures + " final", now, now);
            rotation.observer().runEnded(run.rotator(), RunState.FAILED);
            LOG.log(Level.WARNING, "rotation run {0} of {1} failed after {2} attempts at step {3}: {4}",
                    run.id(), secret.path().qualifiedName(), failures, step, code);
            return null;
        }
        Instant retryAt = now.plus(delay);
        RotationRun.Builder retry = run.toBuilder().attempt(failures).lastErrorCode(code).nextAttemptAt(retryAt);
        boolean rejected = failure instanceof RotationException re && re.valueRejected();
        if (rejected && (run.state() == RunState.CREATED || run.state() == RunState.APPLIED)) {
            // The downstream refused this value: the next attempt starts over with a fresh one. Refused
            // at test, it was applied: undo that first, so that no system keeps a value Coffer dropped.
            if (run.state() == RunState.APPLIED && rotator != null) {
                try {
                    timed(rotator, "discard", () -> rotator.discard(ctx));
                } catch (RuntimeException discardFailed) {
                    LOG.log(Level.WARNING, "rotation run {0}: undoing a refused value downstream failed: {1}",
                            run.id(), reasonOf(discardFailed));
                }
            }
            setAside(run, now);
            retry.state(RunState.STARTED).pendingVersion(null);
        }
        recordFailure(run, retry, code, "run=" + run.id() + " step=" + step + " attempt=" + failures
                + " retry-at=" + retryAt, now, retryAt);
        LOG.log(Level.INFO, "rotation run {0} of {1}: step {2} failed ({3}); retry {4} at {5}",
                run.id(), secret.path().qualifiedName(), step, code, failures, retryAt);
        return retryAt;
    }

    // ---- retirement ------------------------------------------------------------------------

    /** Retires the old version of a finished run; returns when to retry if that failed, else {@code null}. */
    private Instant retire(Secret secret, RotationPolicy policy, RotationRun run, Instant now) {
        Integer old = run.fromVersion();
        Rotator rotator = rotation.rotators().find(run.rotator()).orElse(null);
        AccessContext engine = engineContext(run);
        try (EngineRotationContext ctx = new EngineRotationContext(kernel, engine, secret, policy, run, rotator, now, true)) {
            OptionalInt current = kernel.store.aliases(run.tenant(), run.secretId()).get(Aliases.CURRENT);
            Optional<VersionRecord> record = kernel.store.findVersion(run.tenant(), run.secretId(), old);
            String detail = "step=retire version=" + old;
            if (current.isPresent() && current.getAsInt() == old) {
                detail += " skipped: current again";
            } else if (record.isEmpty() || record.get().state() != VersionState.ENABLED) {
                detail += " skipped: " + record.map(r -> r.state().name().toLowerCase(java.util.Locale.ROOT)).orElse("gone");
            } else {
                // The rotator first (it may need the old value, readable only while enabled), then disable:
                // a crash in between repeats the rotator's idempotent retire.
                Optional<SecretValue> oldValue = ctx.readIfReadable(old);
                if (rotator != null && oldValue.isPresent()) {
                    timed(rotator, "retire", () -> rotator.retire(ctx, old, oldValue.get()));
                }
                kernel.disable(engine, SecretRef.id(secret.id()), old);
            }
            record(run, run.toBuilder().retiredAt(now).attempt(0), AuditEventType.ROTATION_STEP, detail, now, now);
            return null;
        } catch (ConflictException changed) {
            if (changed.code() == ErrorCode.STATE_CONFLICT) {
                return null;
            }
            return retireFailed(run, policy, changed, now);
        } catch (RuntimeException failure) {
            return retireFailed(run, policy, failure, now);
        }
    }

    private Instant retireFailed(RotationRun run, RotationPolicy policy, RuntimeException failure, Instant now) {
        String code = reasonOf(failure);
        int failures = run.attempt() + 1;
        if (failures >= policy.maxAttempts()) {
            recordFailure(run, run.toBuilder().retiredAt(now).attempt(failures).lastErrorCode(code), code,
                    "run=" + run.id() + " step=retire version=" + run.fromVersion() + " attempt=" + failures + " final", now, now);
            LOG.log(Level.WARNING, "rotation run {0}: retiring version {1} failed {2} times ({3}); given up",
                    run.id(), run.fromVersion(), failures, code);
            return null;
        }
        Instant retryAt = now.plus(RetryBackoff.delay(failures));
        recordFailure(run, run.toBuilder().attempt(failures).lastErrorCode(code), code, "run=" + run.id()
                + " step=retire version=" + run.fromVersion() + " attempt=" + failures + " retry-at=" + retryAt, now, retryAt);
        return retryAt;
    }

    // ---- shared ----------------------------------------------------------------------------

    /** A run that did not promote: its pending version is disabled (it must not be promoted by mistake) and next cleared. */
    private void setAside(RotationRun run, Instant now) {
        if (run.pendingVersion() == null) {
            return;
        }
        clearNext(run);
        Optional<VersionRecord> pending = kernel.store.findVersion(run.tenant(), run.secretId(), run.pendingVersion());
        OptionalInt current = kernel.store.aliases(run.tenant(), run.secretId()).get(Aliases.CURRENT);
        boolean isCurrent = current.isPresent() && current.getAsInt() == run.pendingVersion();
        if (pending.isPresent() && pending.get().state() == VersionState.ENABLED && !isCurrent) {
            kernel.disable(engineContext(run), SecretRef.id(run.secretId()), run.pendingVersion());
        }
    }

    /** Clears alias {@code next} if it still points at this run's pending version. */
    private void clearNext(RotationRun run) {
        if (run.pendingVersion() == null) {
            return;
        }
        OptionalInt next = kernel.store.aliases(run.tenant(), run.secretId()).get(Aliases.NEXT);
        if (next.isPresent() && next.getAsInt() == run.pendingVersion()) {
            kernel.removeAlias(engineContext(run), SecretRef.id(run.secretId()), Aliases.NEXT, next);
        }
    }

    private static RotationRun.Builder ended(RotationRun run, RunState state, Instant now) {
        return run.toBuilder().state(state).finishedAt(now).nextAttemptAt(null);
    }

    private void record(RotationRun run, RotationRun.Builder change, AuditEventType type, String detail, Instant now,
            Instant dueAt) {
        Attempt a = engineAttempt(run, type, now);
        a.detail(detail);
        if (run.pendingVersion() != null) {
            a.version(run.pendingVersion());
        }
        runs.updateRun(change.next(now), dueAt, StandardSecretManager.audited(a, runs.auditOutbox(), r -> a.allowed()));
        a.relay();
    }

    private void recordFailure(RotationRun run, RotationRun.Builder change, String code, String detail, Instant now,
            Instant dueAt) {
        Attempt a = engineAttempt(run, AuditEventType.ROTATION_FAIL, now);
        a.detail(detail);
        if (run.pendingVersion() != null) {
            a.version(run.pendingVersion());
        }
        runs.updateRun(change.next(now), dueAt, StandardSecretManager.audited(a, runs.auditOutbox(), r -> a.erred(code)));
        a.relay();
    }

    private Attempt engineAttempt(RotationRun run, AuditEventType type, Instant now) {
        Attempt a = new Attempt(kernel.auditLog, engineContext(run), type, now, kernel.relayFailing);
        if (path != null) {
            a.on(path);
        }
        return a;
    }

    private AccessContext engineContext(RotationRun run) {
        return kernel.engineContext(run.tenant(), "rotation-" + run.id());
    }

    private void timed(Rotator rotator, String step, Runnable work) {
        long start = System.nanoTime();
        try {
            work.run();
            rotation.observer().stepRan(rotator.name(), step, Duration.ofNanos(System.nanoTime() - start), null);
        } catch (RuntimeException failure) {
            rotation.observer().stepRan(rotator.name(), step, Duration.ofNanos(System.nanoTime() - start), reasonOf(failure));
            throw failure;
        }
    }

    private SecretValue timedValue(Rotator rotator, java.util.function.Supplier<SecretValue> work) {
        SecretValue[] made = new SecretValue[1];
        timed(rotator, "create", () -> made[0] = Objects.requireNonNull(work.get(),
                () -> "rotator " + rotator.name() + " created no value"));
        return made[0];
    }

    private static String stepName(RotationRun run) {
        return run.step().orElse(run.state().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** The stable code of a failure: the rotator's reason, the kernel's error code, or the exception's kind. */
    static String reasonOf(RuntimeException failure) {
        if (failure instanceof RotationException re) {
            return re.reason();
        }
        if (failure instanceof SecretsException se) {
            return se.code().name();
        }
        return "INTERNAL_ERROR";
    }

    // Never the message: a rotator's or driver's message is not ours to trust with values.
    private static String describe(RuntimeException e) {
        return reasonOf(e) + " (" + e.getClass().getName() + ")";
    }
}
