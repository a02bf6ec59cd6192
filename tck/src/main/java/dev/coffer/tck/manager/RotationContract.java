package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.Action;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.rotation.RotationStatus;
import dev.coffer.spi.rotation.RunState;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.ScriptedRotator;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rotation engine as the kernel runs it over the fixture's stores, on a movable clock: runs
 * open on schedule or on request, store the pending value before anything downstream changes,
 * resume after a crash at any step with the same value, never run twice at once, give up cleanly
 * (backoff, then FAILED), step aside when someone else rotates, and retire the old version after
 * the overlap. Part of {@link dev.coffer.tck.SecretManagerContract}; skipped when the fixture has no
 * {@link ManagerFixture#rotation()}.
 */
public abstract class RotationContract extends ManagerContractBase {
    private static final String ENGINE = "service:coffer:rotation";

    /** Skips every test of the topic up front when the fixture has no engine (not inside a lambda, where it would fail). */
    @org.junit.jupiter.api.BeforeEach
    void requireRotation() {
        rotation();
    }

    private ManagerFixture.Rotation rotation() {
        Optional<ManagerFixture.Rotation> rotation = fixture().rotation();
        Assumptions.assumeTrue(rotation.isPresent(), "the fixture's manager has no rotation engine");
        return rotation.get();
    }

    private ScriptedRotator rotator() {
        return rotation().rotator();
    }

    /** A secret with a current value the scripted downstream accepts, under a policy of the scripted rotator. */
    private Secret rotated(String name, RotationPolicy.Builder policy) {
        Secret secret = createSecret("prod/rotation/" + name);
        String first = TestValues.text();
        addCurrent(secret.id(), first);
        rotator().accept(first);
        rotation().rotations().setPolicy(admin(), SecretRef.id(secret.id()), policy.build());
        return secret;
    }

    private static RotationPolicy.Builder scripted() {
        return RotationPolicy.builder(ScriptedRotator.NAME, RotationSchedule.parse("30d"));
    }

    private int drive() {
        return rotation().engine().runDue(100);
    }

    private RotationStatus status(Secret secret) {
        return rotation().rotations().status(admin(), SecretRef.id(secret.id()));
    }

    private RotationRun rotateNow(Secret secret) {
        return rotation().rotations().rotateNow(admin(), SecretRef.id(secret.id()), false);
    }

    private RunState lastState(Secret secret) {
        RotationRun last = status(secret).lastRun();
        return last == null ? null : last.state();
    }

    // ------------------------------------------------------------------ schedule

    @Test
    public void aRotationRunsWhenItsScheduleFallsDueAndNotBefore() {
        MutableClock clock = clock();
        Secret secret = rotated("scheduled", scripted());
        drive();
        assertNull(status(secret).lastRun(), "rule: RotationEngine.runDue opens no run before the schedule's due moment (30d after the last rotation)");
        Instant due = status(secret).nextRotationAt();
        assertEquals(secret.createdAt().plus(Duration.ofDays(30)).getEpochSecond() / 60,
                due.getEpochSecond() / 60, "rule: nextRotationAt = lastRotatedAt + the period");
        clock.advance(Duration.ofDays(30).plusMinutes(1));
        drive();
        RotationStatus after = status(secret);
        assertEquals(RunState.FINISHED, after.lastRun().state(), "rule: a due rotation runs to FINISHED in one drive when nothing waits");
        assertEquals(ENGINE, after.lastRun().startedBy(), "rule: a scheduled run is started by " + ENGINE);
        assertEquals(Integer.valueOf(2), aliases(secret.id()).get(Aliases.CURRENT), "rule: the new version becomes current");
        assertEquals(Integer.valueOf(1), aliases(secret.id()).get(Aliases.PREVIOUS), "rule: the old version becomes previous");
        assertTrue(rotator().accepts(readCurrent(secret.path())), "rule: the downstream accepts the new current value");
        assertFalse(after.overdue(), "rule: a rotated secret is not overdue");
        assertTrue(after.nextRotationAt().isAfter(clock.instant()), "rule: the next rotation is due a period after this one");
    }

    @Test
    public void aManualCurrentAddCountsAsARotation() {
        MutableClock clock = clock();
        Secret secret = rotated("manual-counts", scripted());
        clock.advance(Duration.ofDays(20));
        addCurrent(secret.id(), TestValues.text());
        RotationStatus status = status(secret);
        assertEquals(clock.instant().plus(Duration.ofDays(30)).getEpochSecond() / 60, status.nextRotationAt().getEpochSecond() / 60,
                "rule: adding a CURRENT version by hand moves nextRotationAt to a period after it");
        clock.advance(Duration.ofDays(15));
        drive();
        assertNull(status(secret).lastRun(), "rule: no run opens before the period since the manual rotation has passed");
    }

    @Test
    public void aSecretPastItsDueMomentAndWindowIsOverdue() {
        MutableClock clock = clock();
        Secret secret = rotated("overdue", scripted().enabled(false));
        clock.advance(Duration.ofDays(30).plusHours(2));
        assertNull(status(secret).nextRotationAt(), "rule: a disabled policy reports no next rotation");
        rotation().rotations().setPolicy(admin(), SecretRef.id(secret.id()), scripted().build());
        rotator().failNext("apply", 100, "DOWNSTREAM_UNAVAILABLE", false);
        RotationStatus status = status(secret);
        assertTrue(status.overdue(), "rule: due moment + window (1h) in the past without a rotation means overdue");
        assertTrue(rotation().rotations().list(admin(), dev.coffer.spi.rotation.RotationFilter.overdue(),
                dev.coffer.spi.model.PageRequest.first()).items().stream().anyMatch(s -> s.secretId().equals(secret.id())),
                "rule: RotationManager.list(overdue) lists it");
    }

    @Test
    public void theAuditSummaryListsSecretsPastTheirPolicysNextRotation() {
        MutableClock clock = clock();
        Secret secret = createSecret("prod/rotation/summary");
        addCurrent(secret.id(), TestValues.text());
        rotation().rotations().setPolicy(admin(), SecretRef.id(secret.id()),
                RotationPolicy.builder(RotationPolicy.MANUAL_OVERLAP, RotationSchedule.parse("7d")).build());
        clock.advance(Duration.ofDays(6));
        assertTrue(manager().summarizeAudit(admin(), clock.instant().minus(Duration.ofDays(30))).pastRotationPeriod().stream()
                .noneMatch(o -> o.secretId().equals(secret.id())), "rule: not past its rotation before nextRotationAt");
        clock.advance(Duration.ofDays(2));
        assertTrue(manager().summarizeAudit(admin(), clock.instant().minus(Duration.ofDays(30))).pastRotationPeriod().stream()
                .anyMatch(o -> o.secretId().equals(secret.id())),
                "rule: SecretManager.summarizeAudit lists a secret past its policy's nextRotationAt (7d schedule, 8 days on)");
    }

    // ------------------------------------------------------------------ the steps

    @Test
    public void thePendingValueIsStoredWithAliasNextBeforeApplyTouchesTheDownstream() {
        Secret secret = rotated("pending-first", scripted());
        AtomicReference<Map<String, Integer>> aliasesAtApply = new AtomicReference<>();
        AtomicReference<Map<Integer, VersionStatus>> statusesAtApply = new AtomicReference<>();
        rotator().during("apply", ctx -> {
            aliasesAtApply.set(aliases(secret.id()));
            statusesAtApply.set(statuses(secret.id()));
        });
        rotateNow(secret);
        drive();
        assertEquals(Integer.valueOf(2), aliasesAtApply.get().get(Aliases.NEXT), "rule: alias next points at the pending version when apply runs");
        assertEquals(VersionStatus.PENDING, statusesAtApply.get().get(2), "rule: the new value is a PENDING version when apply runs");
        assertNull(aliases(secret.id()).get(Aliases.NEXT), "rule: promotion clears next");
        assertEquals(RunState.FINISHED, lastState(secret), "rule: the run finishes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"create", "apply", "test", "finish"})
    public void aCrashAfterAnyStepResumesWithTheSameValueAndNoSecondVersion(String step) {
        Secret secret = rotated("crash-" + step, scripted());
        rotator().crashAfter(step);
        rotateNow(secret);
        assertThrows(ScriptedRotator.SimulatedCrash.class, this::drive, "rule: the simulated crash after " + step + " escapes the engine like a dying process");
        drive();
        assertEquals(RunState.FINISHED, lastState(secret), "rule: after a crash after " + step + " the next drive resumes the run to FINISHED");
        Map<Integer, VersionStatus> statuses = statuses(secret.id());
        assertEquals(Map.of(1, VersionStatus.PREVIOUS, 2, VersionStatus.CURRENT), statuses,
                "rule: a crash after " + step + " creates no second pending version (the stored one is resumed)");
        assertTrue(rotator().accepts(readCurrent(secret.path())), "rule: the downstream accepts the value that became current after a crash after " + step);
        // A step that crashed after its work runs once more on resume (it checks "already done?"); the others once.
        assertEquals(step.equals("create") ? 2 : 1, rotator().calls("create"),
                "rule: create runs again only if the crash came before its value was stored (crash after " + step + ")");
        assertEquals(step.equals("apply") ? 2 : 1, rotator().calls("apply"),
                "rule: apply is repeated only when the crash came after it and before it was recorded (crash after " + step + ")");
    }

    @Test
    public void aPromotionFoundDoneIsRecordedNotAbandoned() {
        // Stands for a crash after the engine moved current and before it recorded the promotion.
        Secret secret = rotated("promoted-before-record", scripted());
        rotator().during("test", ctx -> manager().promote(admin(), secret.id(), ctx.run().pendingVersion(),
                java.util.OptionalInt.of(1)));
        rotateNow(secret);
        drive();
        assertEquals(RunState.FINISHED, lastState(secret),
                "rule: a run whose pending version is already current records the promotion and finishes (not ABANDONED)");
        assertEquals(Map.of(1, VersionStatus.PREVIOUS, 2, VersionStatus.CURRENT), statuses(secret.id()),
                "rule: a promotion found done promotes nothing twice");
    }

    @Test
    public void aFailedStepIsRetriedWithBackoffThenTheRunFailsWithItsCode() {
        MutableClock clock = clock();
        Secret secret = rotated("failing", scripted().maxAttempts(3));
        rotator().failNext("apply", 100, "DOWNSTREAM_UNAVAILABLE", false);
        clock.advance(Duration.ofDays(31)); // due: the schedule opens the run
        drive();
        RotationRun first = status(secret).openRun();
        assertNotNull(first, "rule: a failed attempt keeps the run open for a retry");
        assertEquals(1, first.attempt(), "rule: the failed attempt is counted");
        assertEquals("DOWNSTREAM_UNAVAILABLE", first.lastErrorCode(), "rule: the rotator's reason code is on the run");
        Duration wait = Duration.between(clock.instant(), first.nextAttemptAt());
        assertTrue(wait.compareTo(Duration.ofSeconds(5)) >= 0 && wait.compareTo(Duration.ofSeconds(10)) <= 0,
                "rule: the first retry waits 5-10 s (10 s with jitter), waited " + wait);
        drive();
        assertEquals(1, rotator().calls("apply"), "rule: no retry before nextAttemptAt");
        clock.advance(Duration.ofSeconds(10));
        drive();
        RotationRun second = status(secret).openRun();
        Duration secondWait = Duration.between(clock.instant(), second.nextAttemptAt());
        assertTrue(secondWait.compareTo(Duration.ofSeconds(10)) >= 0 && secondWait.compareTo(Duration.ofSeconds(20)) <= 0,
                "rule: the backoff doubles (10-20 s), waited " + secondWait);
        clock.advance(Duration.ofSeconds(20));
        drive();
        RotationStatus failed = status(secret);
        assertNull(failed.openRun(), "rule: after maxAttempts the run is closed");
        assertEquals(RunState.FAILED, failed.lastRun().state(), "rule: after maxAttempts (3) the run ends FAILED");
        assertEquals("DOWNSTREAM_UNAVAILABLE", failed.lastRun().lastErrorCode(), "rule: the FAILED run keeps the error code");
        assertEquals(Integer.valueOf(1), aliases(secret.id()).get(Aliases.CURRENT), "rule: a failed rotation leaves current alone");
        assertNull(aliases(secret.id()).get(Aliases.NEXT), "rule: a failed run clears next");
        assertEquals(VersionStatus.DISABLED, statuses(secret.id()).get(2), "rule: a failed run's pending version is disabled");
        assertTrue(rotator().accepts(readCurrent(secret.path())), "rule: the current value still works downstream");
        List<AuditEvent> fails = auditEvents(AuditEventType.ROTATION_FAIL);
        assertEquals(3, fails.size(), "rule: every failed attempt is audited as ROTATION_FAIL");
        assertTrue(fails.stream().allMatch(e -> e.decision() == Decision.ERROR && "DOWNSTREAM_UNAVAILABLE".equals(e.reason())
                && ENGINE.equals(e.principal())), "rule: ROTATION_FAIL events carry the code as reason, decision ERROR, principal " + ENGINE);
        clock.advance(Duration.ofMinutes(10));
        drive();
        assertEquals(RunState.FAILED, lastState(secret), "rule: a FAILED rotation is not retried at once (no loop)");
        clock.advance(Duration.ofDays(1));
        rotator().failNext("apply", 0, "DOWNSTREAM_UNAVAILABLE", false);
        drive();
        assertEquals(RunState.FINISHED, lastState(secret), "rule: the next window of an overdue secret (a day after the failure for a period schedule) rotates again");
    }

    @Test
    public void aRejectedValueIsReplacedByAFreshOneOnTheNextAttempt() {
        MutableClock clock = clock();
        Secret secret = rotated("rejected", scripted());
        rotator().failNext("apply", 1, "PASSWORD_REJECTED", true);
        rotateNow(secret);
        drive();
        assertEquals(RunState.STARTED, status(secret).openRun().state(), "rule: a rejected value sends the run back to create");
        clock.advance(Duration.ofSeconds(11));
        drive();
        assertEquals(RunState.FINISHED, lastState(secret), "rule: the retry with a fresh value finishes");
        Map<Integer, VersionStatus> statuses = statuses(secret.id());
        assertEquals(VersionStatus.DISABLED, statuses.get(2), "rule: the rejected pending version is disabled");
        assertEquals(VersionStatus.CURRENT, statuses.get(3), "rule: the fresh value is a new version and becomes current");
    }

    @Test
    public void aRunWhoseCurrentWasMovedBySomeoneElseIsAbandoned() {
        Secret secret = rotated("abandoned", scripted());
        rotator().during("apply", ctx -> addCurrent(secret.id(), TestValues.text()));
        rotateNow(secret);
        drive();
        RotationStatus status = status(secret);
        assertEquals(RunState.ABANDONED, status.lastRun().state(), "rule: a run whose current moved meanwhile ends ABANDONED");
        assertEquals(Integer.valueOf(3), aliases(secret.id()).get(Aliases.CURRENT), "rule: the other caller's current stays");
        assertNull(aliases(secret.id()).get(Aliases.NEXT), "rule: an abandoned run clears next");
        assertEquals(VersionStatus.PENDING, statuses(secret.id()).get(2), "rule: the abandoned run's pending version stays");
        assertEquals(1, auditEvents(AuditEventType.ROTATION_ABANDON).size(), "rule: the abandon is audited");
    }

    @Test
    public void atMostOneRunIsOpenPerSecret() {
        Secret secret = rotated("single-flight", scripted());
        rotateNow(secret);
        Expect.thrown(ConflictException.class, ErrorCode.ROTATION_IN_PROGRESS, () -> rotateNow(secret),
                () -> "rule: RotationManager.rotateNow refuses a second run while one is open");
    }

    @Test
    public void concurrentEnginesRotateEachSecretExactlyOnce() throws Exception {
        MutableClock clock = clock();
        List<Secret> secrets = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            secrets.add(rotated("concurrent-" + i, scripted()));
        }
        clock.advance(Duration.ofDays(31));
        Concurrently.run(4, i -> drive());
        drive();
        for (Secret s : secrets) {
            assertEquals(Map.of(1, VersionStatus.PREVIOUS, 2, VersionStatus.CURRENT), statuses(s.id()),
                    "rule: concurrent RotationEngine.runDue calls rotate " + s.id() + " exactly once");
        }
    }

    @Test
    public void aTestOnlyRunDiscardsItsValueAndLeavesCurrentWorking() {
        Secret secret = rotated("test-only", scripted());
        rotator().singleUser();
        String current = readCurrent(secret.path());
        rotation().rotations().rotateNow(admin(), SecretRef.id(secret.id()), true);
        drive();
        assertEquals(RunState.DISCARDED, lastState(secret), "rule: a test-only run ends DISCARDED");
        assertEquals(1, rotator().calls("test"), "rule: a test-only run tests the value");
        assertEquals(Integer.valueOf(1), aliases(secret.id()).get(Aliases.CURRENT), "rule: a test-only run promotes nothing");
        assertEquals(VersionStatus.DISABLED, statuses(secret.id()).get(2), "rule: the discarded value's version is disabled");
        assertTrue(rotator().accepts(current), "rule: discard makes the downstream accept the current value again");
    }

    @Test
    public void aCancelUndoesTheApplyAndEndsTheRun() {
        Secret secret = rotated("cancel", scripted());
        rotator().singleUser();
        String current = readCurrent(secret.path());
        rotator().failNext("test", 100, "LOGIN_REFUSED", false);
        rotateNow(secret);
        drive();
        assertEquals(RunState.APPLIED, status(secret).openRun().state(), "rule: the run waits for a retry of test");
        RotationRun cancelled = rotation().rotations().cancel(admin(), SecretRef.id(secret.id()));
        assertTrue(cancelled.cancelRequested(), "rule: cancel records the request on the open run");
        drive();
        assertEquals(RunState.CANCELLED, lastState(secret), "rule: the engine ends a cancelled run CANCELLED");
        assertTrue(rotator().accepts(current), "rule: cancelling after apply undoes it downstream (discard)");
        assertNull(aliases(secret.id()).get(Aliases.NEXT), "rule: a cancelled run clears next");
        Expect.thrown(ConflictException.class, ErrorCode.ROTATION_NOT_RUNNING,
                () -> rotation().rotations().cancel(admin(), SecretRef.id(secret.id())),
                () -> "rule: RotationManager.cancel without an open run is ROTATION_NOT_RUNNING");
    }

    @Test
    public void aCancelThatArrivesWhileCreateRunsSetsAsideWhatCreateMade() {
        Secret secret = rotated("cancel-during-create", scripted());
        rotator().during("create", ctx -> rotation().rotations().cancel(admin(), SecretRef.id(secret.id())));
        rotateNow(secret);
        drive();
        assertEquals(RunState.CANCELLED, lastState(secret), "rule: a cancel during create ends the run CANCELLED");
        assertEquals(Map.of(1, VersionStatus.CURRENT, 2, VersionStatus.DISABLED), statuses(secret.id()),
                "rule: the version create made is set aside (disabled), not left pending");
        assertNull(aliases(secret.id()).get(Aliases.NEXT), "rule: next does not point at a cancelled run's value");
    }

    @Test
    public void theOldVersionStaysPreviousForTheOverlapThenIsDisabledAndRetired() {
        MutableClock clock = clock();
        Secret secret = rotated("overlap", scripted().overlap(Duration.ofHours(2)));
        rotateNow(secret);
        drive();
        assertEquals(VersionStatus.PREVIOUS, statuses(secret.id()).get(1), "rule: the old version is previous during the overlap");
        readText(admin(), secret.path(), VersionSelector.alias(Aliases.PREVIOUS));
        clock.advance(Duration.ofHours(1));
        drive();
        assertEquals(VersionStatus.PREVIOUS, statuses(secret.id()).get(1), "rule: not retired before the overlap ends");
        clock.advance(Duration.ofHours(1).plusMinutes(1));
        drive();
        assertEquals(VersionStatus.DISABLED, statuses(secret.id()).get(1), "rule: after the overlap the old version is disabled");
        assertEquals(java.util.Set.of(1), rotator().retiredVersions(), "rule: the rotator's retire runs for the old version");
        assertNotNull(status(secret).lastRun().retiredAt(), "rule: the run records the retirement");
    }

    @Test
    public void rollbackPromotesPreviousWhileEnabledAndCallsOffItsRetirement() {
        MutableClock clock = clock();
        Secret secret = rotated("rollback", scripted().overlap(Duration.ofHours(1)));
        rotateNow(secret);
        drive();
        Aliases back = rotation().rotations().rollback(admin(), SecretRef.id(secret.id()));
        assertEquals(1, back.get(Aliases.CURRENT).getAsInt(), "rule: rollback moves current back to previous");
        clock.advance(Duration.ofHours(2));
        drive();
        assertEquals(VersionStatus.CURRENT, statuses(secret.id()).get(1), "rule: the rolled-back-to version is not retired");
        assertEquals(1, auditEvents(AuditEventType.ROTATION_ROLLBACK).size(), "rule: the rollback is audited");
        Secret fresh = rotated("rollback-none", scripted());
        Expect.thrown(ConflictException.class, ErrorCode.ROLLBACK_UNAVAILABLE,
                () -> rotation().rotations().rollback(admin(), SecretRef.id(fresh.id())),
                () -> "rule: rollback without a previous version is ROLLBACK_UNAVAILABLE");
    }

    @Test
    public void aCanaryRunKeepsThePendingValueReadableAsNextUntilTheCanaryEnds() {
        MutableClock clock = clock();
        Secret secret = rotated("canary", scripted().canary(Duration.ofMinutes(10)));
        rotateNow(secret);
        drive();
        assertEquals(RunState.CANARY, status(secret).openRun().state(), "rule: a tested run with a canary waits in CANARY");
        assertEquals(Integer.valueOf(1), aliases(secret.id()).get(Aliases.CURRENT), "rule: nothing is promoted during the canary");
        assertTrue(rotator().accepts(readText(admin(), secret.path(), VersionSelector.alias(Aliases.NEXT))),
                "rule: canary instances read the pending value as alias next");
        clock.advance(Duration.ofMinutes(11));
        drive();
        assertEquals(RunState.FINISHED, lastState(secret), "rule: after the canary the run promotes and finishes");
    }

    // ------------------------------------------------------------------ rules of the API

    @Test
    public void settingAPolicyNeedsAdminAndRunningOneNeedsRotate() {
        Secret secret = rotated("authz", scripted());
        Principal rotatorOnly = user("rotation-operator");
        grant(rotatorOnly, Action.ROTATE);
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> rotation().rotations().setPolicy(as(rotatorOnly), SecretRef.id(secret.id()), scripted().build()),
                () -> "rule: RotationManager.setPolicy needs secrets:admin");
        RotationRun run = rotation().rotations().rotateNow(as(rotatorOnly), SecretRef.id(secret.id()), false);
        assertEquals(rotatorOnly.id(), run.startedBy(), "rule: secrets:rotate may run a rotation; the run names who asked");
        Principal reader = user("rotation-reader");
        grant(reader, Action.READ);
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> rotation().rotations().cancel(as(reader), SecretRef.id(secret.id())),
                () -> "rule: RotationManager.cancel needs secrets:rotate; reading does not imply rotating");
        assertNotNull(rotation().rotations().status(as(reader), SecretRef.id(secret.id())), "rule: a reader may see the rotation status");
    }

    @Test
    public void anAdministratorWhoMayNotReadCannotSetAnAutomaticPolicy() {
        // The engine would read the value on the setter's behalf (a webhook receives it): admin alone is not enough.
        Secret secret = createSecret("prod/rotation/admin-only");
        addCurrent(secret.id(), TestValues.text());
        Principal adminOnly = user("rotation-admin-only");
        grant(adminOnly, Action.ADMIN);
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> rotation().rotations().setPolicy(as(adminOnly), SecretRef.id(secret.id()), scripted().build()),
                () -> "rule: setting an automatic rotation policy needs secrets:read, write and rotate on the secret too");
        assertNotNull(rotation().rotations().setPolicy(as(adminOnly), SecretRef.id(secret.id()),
                RotationPolicy.builder(RotationPolicy.MANUAL_OVERLAP, RotationSchedule.parse("30d")).build()),
                "rule: a manual-overlap policy (the engine never runs it) needs secrets:admin only");
    }

    @Test
    public void aRunPromotedAndCancelledMeanwhileIsFinishedNotUndone() {
        // Stands for: the engine moved current, then a cancel came in before it recorded the promotion.
        Secret secret = rotated("promoted-then-cancelled", scripted().canary(Duration.ofMinutes(10)));
        rotator().singleUser();
        rotateNow(secret);
        drive();
        RotationRun waiting = status(secret).openRun();
        assertEquals(RunState.CANARY, waiting.state(), "rule: the run waits in CANARY");
        manager().promote(admin(), secret.id(), waiting.pendingVersion(), java.util.OptionalInt.of(1));
        rotation().rotations().cancel(admin(), SecretRef.id(secret.id()));
        drive();
        assertEquals(RunState.FINISHED, lastState(secret), "rule: a tested run whose value is current is finished even if a cancel came in");
        assertEquals(0, rotator().calls("discard"), "rule: a promoted value is never discarded downstream");
        assertTrue(rotator().accepts(readCurrent(secret.path())), "rule: the downstream accepts the current value");
    }

    @Test
    public void aValuePromotedByHandBeforeItWasTestedAbandonsTheRun() {
        Secret secret = rotated("promoted-untested", scripted());
        rotator().failNext("apply", 1, "DOWNSTREAM_UNAVAILABLE", false);
        rotateNow(secret);
        drive();
        RotationRun waiting = status(secret).openRun();
        assertEquals(RunState.CREATED, waiting.state(), "rule: the run waits to retry apply");
        manager().promote(admin(), secret.id(), waiting.pendingVersion(), java.util.OptionalInt.of(1));
        clock().advance(Duration.ofSeconds(11));
        drive();
        assertEquals(RunState.ABANDONED, lastState(secret),
                "rule: a value promoted by someone else before it was applied and tested is not this run's to finish");
        assertEquals(java.util.Set.of(), rotator().retiredVersions(), "rule: nothing is retired for an abandoned run");
    }

    @Test
    public void aTestOnlyRunDuringTheOverlapDoesNotLoseTheOldVersionsRetirement() {
        MutableClock clock = clock();
        Secret secret = rotated("retire-after-test-only", scripted().overlap(Duration.ofHours(1)));
        rotateNow(secret);
        drive();
        clock.advance(Duration.ofMinutes(1)); // runs are ordered by when they started
        rotation().rotations().rotateNow(admin(), SecretRef.id(secret.id()), true);
        drive();
        assertEquals(RunState.DISCARDED, lastState(secret), "rule: the test-only run ends DISCARDED");
        clock.advance(Duration.ofMinutes(60));
        drive();
        assertEquals(VersionStatus.DISABLED, statuses(secret.id()).get(1),
                "rule: the first run's old version is retired after its overlap although a test-only run came after it");
    }

    @Test
    public void aCallerNamedLikeTheEngineGetsNoneOfItsRights() {
        Secret secret = rotated("forged-engine", scripted());
        AccessContext forged = AccessContext.of(Principal.of(ENGINE, tenant()));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(forged, secret.path(), VersionSelector.current()),
                () -> "rule: only the kernel's own engine context acts as " + ENGINE + "; the id alone is denied");
    }

    @Test
    public void anUnknownRotatorOrABadScheduleIsRefusedWhenThePolicyIsSet() {
        Secret secret = createSecret("prod/rotation/unknown");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ROTATION_POLICY,
                () -> rotation().rotations().setPolicy(admin(), SecretRef.id(secret.id()),
                        RotationPolicy.builder("postgres-password-rotator", RotationSchedule.parse("30d")).build()),
                () -> "rule: RotationManager.setPolicy refuses a rotator this manager does not know");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ROTATION_POLICY,
                () -> RotationSchedule.parse("every tuesday"), () -> "rule: a schedule is a period or a cron expression");
        Expect.thrown(NotFoundException.class, ErrorCode.ROTATION_NOT_CONFIGURED,
                () -> rotation().rotations().status(admin(), SecretRef.id(secret.id())),
                () -> "rule: a secret without a policy has no rotation status");
    }

    @Test
    public void aManualOverlapSecretIsTrackedButNeverRunByTheEngine() {
        MutableClock clock = clock();
        Secret secret = createSecret("prod/rotation/manual");
        addCurrent(secret.id(), TestValues.text());
        rotation().rotations().setPolicy(admin(), SecretRef.id(secret.id()),
                RotationPolicy.builder(RotationPolicy.MANUAL_OVERLAP, RotationSchedule.parse("7d")).build());
        clock.advance(Duration.ofDays(8));
        drive();
        RotationStatus status = status(secret);
        assertNull(status.lastRun(), "rule: the engine never runs manual-overlap");
        assertTrue(status.overdue(), "rule: manual-overlap secrets are still reported overdue");
        Expect.thrown(ConflictException.class, ErrorCode.ROTATION_NOT_AUTOMATIC, () -> rotateNow(secret),
                () -> "rule: rotate-now on manual-overlap is ROTATION_NOT_AUTOMATIC");
    }

    @Test
    public void everyStepIsAuditedAsTheEngineWithCodesOnly() {
        Secret secret = rotated("audited", scripted());
        rotateNow(secret);
        drive();
        List<AuditEvent> steps = auditEvents(AuditEventType.ROTATION_STEP);
        assertTrue(steps.size() >= 4, "rule: create, apply, test and promote are each audited as ROTATION_STEP, got " + steps.size());
        assertTrue(steps.stream().allMatch(e -> ENGINE.equals(e.principal())), "rule: the engine's steps are audited as " + ENGINE);
        assertEquals(1, auditEvents(AuditEventType.ROTATION_SUCCEED).size(), "rule: the finished run is audited as ROTATION_SUCCEED");
        assertEquals(1, auditEvents(AuditEventType.ROTATION_START).size(), "rule: the requested run is audited as ROTATION_START");
        assertNotEquals(0, auditEvents(AuditEventType.SECRET_READ).stream().filter(e -> ENGINE.equals(e.principal())).count(),
                "rule: the engine's reads of values are audited as SECRET_READ");
    }
}
