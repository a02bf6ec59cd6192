package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.internal.PageTokens;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.rotation.RunState;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.RotationClaim;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.spi.store.StoredRotationPolicy;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.ContractNames;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.Hooks;
import dev.coffer.tck.support.NoValueLeaks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract every {@link RotationStore} must meet: every bullet of its Javadoc. Extend it in
 * your test sources and return a fresh, empty store from {@link #newRotationStore()}:
 *
 * <pre>{@code
 * class JdbiRotationStoreTest extends RotationStoreContract {
 *     @Override
 *     protected RotationStore newRotationStore() {
 *         return H2.freshDatabase().rotationStore();
 *     }
 * }
 * }</pre>
 *
 * <p>What is proved, group by group:
 * <ul>
 *   <li>{@code Policies}: put, find, replace (revision bumps, params replaced), delete
 *       ({@code ROTATION_NOT_CONFIGURED}, {@code ROTATION_IN_PROGRESS} while a run is open), a
 *       claim kept across a put, {@code forgetSecret};</li>
 *   <li>{@code Runs}: every field kept, at most one open run (also when many threads create one at
 *       once), compare-and-set updates ({@code STATE_CONFLICT}), terminal runs, {@code dueAt} and
 *       revision of the policy, {@code recentRuns} order and bounds;</li>
 *   <li>{@code Listing}: {@code listPolicies} ordered by secret id, paged by the store's tokens,
 *       a token of another listing refused;</li>
 *   <li>{@code Claims}: {@code claimDue} hands out only due policies, earliest first, within the
 *       limit, never one under a live claim, an expired one again, and each secret to exactly one of
 *       several concurrent claimers; {@code renewClaim} and {@code releaseClaim} need the claim's
 *       token, and a release moves {@code dueAt} only if the policy is unchanged since the claim;</li>
 *   <li>{@code Tenancy}: another tenant's policies and runs are invisible and untouchable;</li>
 *   <li>{@code Atomicity}: a hook sees the change, a hook that throws leaves nothing changed and
 *       its exception reaches the caller, a refused change calls no hook;</li>
 *   <li>{@code Audit}: the hook's events are committed with the change, once and in order.</li>
 * </ul>
 * Instants are whole seconds and durations whole seconds, which every store keeps exactly. If
 * the store implements {@link AutoCloseable} it is closed after each test.
 *
 * <p>Every failure message begins with {@code [RotationStoreContract › Group › testMethod]}
 * ({@link ContractNames}) and then states the rule that broke, naming the SPI method and the
 * values involved.
 */
@ExtendWith({NoValueLeaks.class, ContractNames.class})
public abstract class RotationStoreContract {
    static final String TENANT = "tck-acme";
    static final String OTHER_TENANT = "tck-other";
    static final String ENGINE = "service:coffer:rotation";
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    static final Duration LEASE = Duration.ofMinutes(5);
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final AtomicInteger RUN_IDS = new AtomicInteger();

    RotationStore store;

    /** A fresh store holding no policy, run or claim, called once per test. */
    protected abstract RotationStore newRotationStore();

    /**
     * The audit events {@code store} committed with its changes, oldest first. By default its
     * {@link AuditOutbox#pending} events; a store whose outbox is {@link AuditOutbox#none()} must
     * override this to read them from the audit log it writes them to.
     */
    protected List<AuditEvent> committedAuditEvents(RotationStore store) {
        AuditOutbox outbox = store.auditOutbox();
        if (!outbox.holdsEvents()) {
            throw new AssertionError("this store's auditOutbox() is AuditOutbox.none(): override"
                    + " RotationStoreContract.committedAuditEvents to read its events from the audit log it writes them to");
        }
        return new ArrayList<>(outbox.pending(AuditOutbox.MAX_BATCH));
    }

    @BeforeEach
    final void openStore() {
        store = Objects.requireNonNull(newRotationStore(), "newRotationStore() returned null");
    }

    @AfterEach
    final void closeStore() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** Policies: put, find, replace, delete, forget. */
    @Nested
    class Policies {
        @Test
        void putPolicyIsFoundWithEveryField() {
            RotationPolicy policy = fullPolicy();

            StoredRotationPolicy put = store.putPolicy(TENANT, "sec_db", policy, T0.plusSeconds(3600), T0, BeforeCommit.none());

            StoredRotationPolicy expected = new StoredRotationPolicy(TENANT, "sec_db", policy, T0.plusSeconds(3600), T0, 1);
            assertEquals(expected, put, "rule: putPolicy of a new policy returns it with the dueAt given, updatedAt = now and"
                    + " revision 1 (tenant " + TENANT + ", secret sec_db)");
            assertEquals(expected, found(TENANT, "sec_db"), "rule: findPolicy returns the policy as put, every field kept"
                    + " (rotator, schedule, window, overlap, canary, params, enabled, maxAttempts, dueAt, updatedAt, revision)");
            assertTrue(store.findPolicy(TENANT, "sec_unknown").isEmpty(),
                    "rule: findPolicy of a secret without policy is empty (secret sec_unknown)");
        }

        @Test
        void scheduleAsWrittenAndDefaultsRoundTrip() {
            // The expression is kept as written (ISO form here), not normalized to another spelling.
            RotationPolicy policy = RotationPolicy.builder(RotationPolicy.MANUAL_OVERLAP, RotationSchedule.parse("P90D"))
                    .enabled(false).build();

            store.putPolicy(TENANT, "sec_iso", policy, T0, T0, BeforeCommit.none());

            RotationPolicy back = found(TENANT, "sec_iso").policy();
            assertEquals(policy, back, "rule: findPolicy keeps the schedule, no params, a disabled policy and the"
                    + " defaults (secret sec_iso, schedule P90D)");
            assertEquals("P90D", back.schedule().expression(), "rule: findPolicy returns the schedule expression as written");
        }

        @Test
        void putPolicyReplacesTheOneOfTheSecretAndBumpsItsRevision() {
            store.putPolicy(TENANT, "sec_db", fullPolicy(), T0.plusSeconds(10), T0, BeforeCommit.none());
            RotationPolicy replacement = RotationPolicy.builder("generated", RotationSchedule.parse("7d"))
                    .param("length", "64").build();

            StoredRotationPolicy put = store.putPolicy(TENANT, "sec_db", replacement, T0.plusSeconds(20), T0.plusSeconds(5),
                    BeforeCommit.none());

            assertEquals(new StoredRotationPolicy(TENANT, "sec_db", replacement, T0.plusSeconds(20), T0.plusSeconds(5), 2), put,
                    "rule: putPolicy over an existing policy replaces it: new policy, new dueAt, updatedAt = now, revision 2");
            assertEquals(put, found(TENANT, "sec_db"), "rule: findPolicy after a replacing putPolicy returns the replacement"
                    + " only; params of the old policy (classes, exclude) are gone");
            assertEquals(1, store.listPolicies(TENANT, PageRequest.first()).items().size(),
                    "rule: a secret has one policy; after two putPolicy calls listPolicies holds it once");
        }

        @Test
        void deletePolicyRemovesItAndKeepsItsRuns() {
            store.putPolicy(TENANT, "sec_db", fullPolicy(), T0, T0, BeforeCommit.none());
            store.putPolicy(TENANT, "sec_kept", fullPolicy(), T0, T0, BeforeCommit.none());
            RotationRun run = store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());
            RotationRun finished = store.updateRun(run.toBuilder().state(RunState.FINISHED).finishedAt(T0.plusSeconds(1))
                    .next(T0.plusSeconds(1)), null, BeforeCommit.none());
            AtomicReference<StoredRotationPolicy> seen = new AtomicReference<>();
            StoredRotationPolicy before = found(TENANT, "sec_db");

            store.deletePolicy(TENANT, "sec_db", Hooks.seeing(seen::set));

            assertTrue(store.findPolicy(TENANT, "sec_db").isEmpty(), "rule: after deletePolicy, findPolicy is empty (sec_db)");
            assertEquals(before, seen.get(), "rule: the deletePolicy hook sees the policy being removed (sec_db)");
            assertEquals(Optional.of(finished), store.findRun(TENANT, run.id()),
                    "rule: deletePolicy keeps the secret's runs as history; findRun still finds " + run.id());
            assertEquals(List.of(finished), store.recentRuns(TENANT, "sec_db", 10),
                    "rule: deletePolicy keeps the secret's runs; recentRuns still lists " + run.id());
            assertTrue(store.findPolicy(TENANT, "sec_kept").isPresent(),
                    "rule: deletePolicy removes only the named secret's policy; sec_kept's stays");
        }

        @Test
        void deleteOfAMissingPolicyFailsWithRotationNotConfigured() {
            Expect.thrown(NotFoundException.class, ErrorCode.ROTATION_NOT_CONFIGURED,
                    () -> store.deletePolicy(TENANT, "sec_unknown", BeforeCommit.none()),
                    () -> "rule: deletePolicy of a secret without policy fails with NotFoundException ROTATION_NOT_CONFIGURED");
        }

        @Test
        void deleteWhileARunIsOpenFailsWithRotationInProgressAndKeepsThePolicy() {
            StoredRotationPolicy put = store.putPolicy(TENANT, "sec_db", fullPolicy(), T0, T0, BeforeCommit.none());
            store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());

            Expect.thrown(ConflictException.class, ErrorCode.ROTATION_IN_PROGRESS,
                    () -> store.deletePolicy(TENANT, "sec_db", BeforeCommit.none()),
                    () -> "rule: deletePolicy while the secret has an open run fails with ConflictException ROTATION_IN_PROGRESS");
            assertEquals(put, found(TENANT, "sec_db"), "rule: a refused deletePolicy leaves the policy as it was (sec_db)");
        }

        @Test
        void putPolicyKeepsALiveClaim() {
            store.putPolicy(TENANT, "sec_db", fullPolicy(), T0, T0, BeforeCommit.none());
            RotationClaim claim = single(store.claimDue(T0, "tck-instance-a", LEASE, 10), "claimDue of the one due policy");

            store.putPolicy(TENANT, "sec_db", fullPolicy(), T0, T0.plusSeconds(1), BeforeCommit.none());

            assertTrue(store.claimDue(T0.plusSeconds(2), "tck-instance-b", LEASE, 10).isEmpty(),
                    "rule: putPolicy keeps the claim on the secret: claimDue while that claim lives hands sec_db to nobody else");
            assertTrue(store.renewClaim(claim, T0.plusSeconds(2), LEASE).isPresent(),
                    "rule: putPolicy keeps the claim on the secret: renewClaim with its token still succeeds (sec_db)");
        }

        @Test
        void forgetSecretRemovesItsPolicyAndEveryRun() {
            store.putPolicy(TENANT, "sec_gone", fullPolicy(), T0, T0, BeforeCommit.none());
            store.putPolicy(TENANT, "sec_kept", fullPolicy(), T0, T0, BeforeCommit.none());
            RotationRun ended = store.createRun(newRun("sec_gone", T0), null, BeforeCommit.none());
            store.updateRun(ended.toBuilder().state(RunState.FAILED).lastErrorCode("LOGIN_REFUSED").next(T0.plusSeconds(1)),
                    null, BeforeCommit.none());
            RotationRun open = store.createRun(newRun("sec_gone", T0.plusSeconds(2)), null, BeforeCommit.none());
            RotationRun kept = store.createRun(newRun("sec_kept", T0), null, BeforeCommit.none());

            store.forgetSecret(TENANT, "sec_gone");

            assertTrue(store.findPolicy(TENANT, "sec_gone").isEmpty(), "rule: forgetSecret removes the secret's policy");
            assertTrue(store.findRun(TENANT, ended.id()).isEmpty() && store.findRun(TENANT, open.id()).isEmpty(),
                    "rule: forgetSecret removes every run of the secret, ended and open (" + ended.id() + ", " + open.id() + ")");
            assertTrue(store.openRun(TENANT, "sec_gone").isEmpty(), "rule: after forgetSecret the secret has no open run");
            assertTrue(store.recentRuns(TENANT, "sec_gone", 10).isEmpty(), "rule: after forgetSecret recentRuns is empty");
            assertEquals(Optional.of(kept), store.openRun(TENANT, "sec_kept"),
                    "rule: forgetSecret leaves other secrets' runs alone (sec_kept's open run " + kept.id() + ")");
            assertTrue(store.findPolicy(TENANT, "sec_kept").isPresent(), "rule: forgetSecret leaves other secrets' policies alone");

            store.forgetSecret(TENANT, "sec_never");
            store.forgetSecret(TENANT, "sec_gone");
        }
    }

    /** Runs: fields, one open run, compare-and-set, terminal states, history. */
    @Nested
    class Runs {
        @BeforeEach
        void policy() {
            store.putPolicy(TENANT, "sec_db", fullPolicy(), T0.plusSeconds(100), T0, BeforeCommit.none());
        }

        @Test
        void createRunStoresItOpenAndMovesThePolicyDueAt() {
            RotationRun run = newRun("sec_db", T0);
            AtomicReference<RotationRun> seen = new AtomicReference<>();

            RotationRun created = store.createRun(run, T0.plusSeconds(30), Hooks.seeing(seen::set));

            assertEquals(run, created, "rule: createRun returns the run it stored (" + run.id() + ")");
            assertEquals(run, seen.get(), "rule: the createRun hook sees the run being created (" + run.id() + ")");
            assertEquals(Optional.of(run), store.findRun(TENANT, run.id()), "rule: findRun finds a created run (" + run.id() + ")");
            assertEquals(Optional.of(run), store.openRun(TENANT, "sec_db"),
                    "rule: openRun returns the secret's open run (" + run.id() + ", STARTED)");
            StoredRotationPolicy policy = found(TENANT, "sec_db");
            assertEquals(T0.plusSeconds(30), policy.dueAt(), "rule: createRun with a dueAt sets the policy's dueAt");
            assertEquals(2, policy.revision(), "rule: createRun with a dueAt bumps the policy's revision (1 -> 2)");
            assertEquals(T0, policy.updatedAt(), "rule: createRun does not change when the policy was last set (updatedAt)");
        }

        @Test
        void createRunWithoutDueAtLeavesThePolicyDueAt() {
            store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());

            assertEquals(T0.plusSeconds(100), found(TENANT, "sec_db").dueAt(),
                    "rule: createRun with dueAt null leaves the policy's dueAt as it was");
        }

        @Test
        void createRunForASecretWithoutPolicyFailsWithRotationNotConfigured() {
            Expect.thrown(NotFoundException.class, ErrorCode.ROTATION_NOT_CONFIGURED,
                    () -> store.createRun(newRun("sec_unknown", T0), T0, BeforeCommit.none()),
                    () -> "rule: createRun for a secret without policy fails with NotFoundException ROTATION_NOT_CONFIGURED");
            assertTrue(store.openRun(TENANT, "sec_unknown").isEmpty(), "rule: a refused createRun stores no run");
        }

        @Test
        void aSecondOpenRunFailsWithRotationInProgressUntilTheFirstEnds() {
            RotationRun first = store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());
            StoredRotationPolicy before = found(TENANT, "sec_db");
            RotationRun second = newRun("sec_db", T0.plusSeconds(1));

            Expect.thrown(ConflictException.class, ErrorCode.ROTATION_IN_PROGRESS,
                    () -> store.createRun(second, T0.plusSeconds(50), BeforeCommit.none()),
                    () -> "rule: createRun while the secret has an open run (" + first.id() + ") fails with ROTATION_IN_PROGRESS");
            assertTrue(store.findRun(TENANT, second.id()).isEmpty(), "rule: a refused createRun stores nothing (" + second.id() + ")");
            assertEquals(before, found(TENANT, "sec_db"), "rule: a refused createRun leaves the policy's dueAt and revision");

            for (RunState state : List.of(RunState.STARTED, RunState.CREATED, RunState.APPLIED, RunState.TESTED,
                    RunState.CANARY, RunState.PROMOTED)) {
                RotationRun open = store.findRun(TENANT, first.id()).orElseThrow();
                store.updateRun(open.toBuilder().state(state).next(T0.plusSeconds(2)), null, BeforeCommit.none());
                Expect.thrown(ConflictException.class, ErrorCode.ROTATION_IN_PROGRESS,
                        () -> store.createRun(newRun("sec_db", T0.plusSeconds(3)), null, BeforeCommit.none()),
                        () -> "rule: a run in state " + state + " is open; createRun beside it fails with ROTATION_IN_PROGRESS");
            }
            RotationRun open = store.findRun(TENANT, first.id()).orElseThrow();
            store.updateRun(open.toBuilder().state(RunState.FINISHED).finishedAt(T0.plusSeconds(4)).next(T0.plusSeconds(4)),
                    null, BeforeCommit.none());

            RotationRun third = store.createRun(newRun("sec_db", T0.plusSeconds(5)), null, BeforeCommit.none());
            assertEquals(Optional.of(third), store.openRun(TENANT, "sec_db"),
                    "rule: once the open run ended (FINISHED) createRun may open the next (" + third.id() + ")");
        }

        @Test
        void createRunWithATakenRunIdFailsWithRotationInProgress() {
            RotationRun first = store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());
            RotationRun ended = store.updateRun(first.toBuilder().state(RunState.CANCELLED).next(T0.plusSeconds(1)), null,
                    BeforeCommit.none());
            RotationRun sameId = RotationRun.started(first.id(), TENANT, "sec_db", "generated", ENGINE, T0.plusSeconds(2)).build();

            Expect.thrown(ConflictException.class, ErrorCode.ROTATION_IN_PROGRESS,
                    () -> store.createRun(sameId, null, BeforeCommit.none()),
                    () -> "rule: createRun with the id of an existing run (" + first.id() + ") fails with ROTATION_IN_PROGRESS");
            assertEquals(Optional.of(ended), store.findRun(TENANT, first.id()), "rule: a refused createRun leaves the run of that id");
            assertTrue(store.openRun(TENANT, "sec_db").isEmpty(), "rule: a refused createRun opens no run");
        }

        @Test
        void concurrentCreateRunsOpenExactlyOne() {
            int threads = 8;
            List<RotationRun> runs = IntStream.range(0, threads).mapToObj(i -> newRun("sec_db", T0)).toList();

            List<Concurrently.Outcome<RotationRun>> outcomes =
                    Concurrently.run(threads, i -> store.createRun(runs.get(i), null, BeforeCommit.none()));

            List<RotationRun> won = outcomes.stream().filter(Concurrently.Outcome::succeeded).map(Concurrently.Outcome::value).toList();
            assertEquals(1, won.size(), () -> "rule: at most one open run per secret, also under concurrency: of " + threads
                    + " concurrent createRun calls exactly one succeeds; " + won.size() + " did");
            for (Concurrently.Outcome<RotationRun> outcome : outcomes) {
                if (!outcome.succeeded()) {
                    assertTrue(outcome.failure() instanceof ConflictException c && c.code() == ErrorCode.ROTATION_IN_PROGRESS,
                            () -> "rule: a createRun that lost the race fails with ConflictException ROTATION_IN_PROGRESS; got "
                                    + outcome.failure());
                }
            }
            assertEquals(Optional.of(won.get(0)), store.openRun(TENANT, "sec_db"),
                    "rule: after concurrent createRun calls, openRun returns the one that succeeded");
            assertEquals(1, store.recentRuns(TENANT, "sec_db", RotationStore.MAX_RECENT_RUNS).size(),
                    "rule: concurrent createRun calls that lost stored nothing; recentRuns holds one run");
        }

        @Test
        void everyFieldOfARunIsKept() {
            RotationRun created = store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());
            RotationRun full = created.toBuilder().state(RunState.CANARY).testOnly(true).cancelRequested(true).fromVersion(3)
                    .pendingVersion(4).attempt(2).nextAttemptAt(T0.plusSeconds(40)).windowEndsAt(T0.plusSeconds(3600))
                    .canaryUntil(T0.plusSeconds(600)).lastErrorCode("LOGIN_REFUSED").next(T0.plusSeconds(7));

            RotationRun updated = store.updateRun(full, null, BeforeCommit.none());

            assertEquals(full, updated, "rule: updateRun returns the run as stored (" + full.id() + ")");
            assertEquals(Optional.of(full), store.findRun(TENANT, full.id()), "rule: findRun returns every field of a run as"
                    + " updated: state, testOnly, cancelRequested, versions, attempt, instants, lastErrorCode, revision");
            RotationRun done = store.updateRun(full.toBuilder().state(RunState.FINISHED).nextAttemptAt(null)
                    .finishedAt(T0.plusSeconds(8)).retireAt(T0.plusSeconds(9)).next(T0.plusSeconds(8)), null, BeforeCommit.none());
            assertEquals(Optional.of(done), store.findRun(TENANT, full.id()),
                    "rule: findRun returns finishedAt and retireAt as updated, a cleared nextAttemptAt as null");
        }

        @Test
        void updateRunIsACompareAndSetOnTheRevision() {
            RotationRun created = store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());
            RotationRun applied = store.updateRun(created.toBuilder().state(RunState.CREATED).pendingVersion(2)
                    .next(T0.plusSeconds(1)), null, BeforeCommit.none());
            assertEquals(2, applied.revision(), "rule: updateRun stores the run at the revision given (2)");

            RotationRun stale = created.toBuilder().state(RunState.APPLIED).next(T0.plusSeconds(2));
            Hooks.Recording<RotationRun> hook = Hooks.recording(TENANT, 1);
            Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT, () -> store.updateRun(stale, null, hook),
                    () -> "rule: updateRun with a stale revision (2 again, stored is 2) fails with STATE_CONFLICT");
            RotationRun skipping = applied.toBuilder().state(RunState.APPLIED).next(T0.plusSeconds(2)).toBuilder()
                    .next(T0.plusSeconds(2));
            Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT, () -> store.updateRun(skipping, null, hook),
                    () -> "rule: updateRun with a revision two ahead (4, stored is 2) fails with STATE_CONFLICT");
            Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                    () -> store.updateRun(applied.toBuilder().state(RunState.APPLIED).build(), null, hook),
                    () -> "rule: updateRun with the stored revision itself (2) fails with STATE_CONFLICT");
            assertEquals(Optional.of(applied), store.findRun(TENANT, created.id()),
                    "rule: a refused updateRun leaves the run as it was (CREATED, revision 2)");
            assertTrue(hook.calls().isEmpty(), "rule: a refused updateRun calls no hook");

            RotationRun next = store.updateRun(applied.toBuilder().state(RunState.APPLIED).next(T0.plusSeconds(3)), null,
                    BeforeCommit.none());
            assertEquals(Optional.of(next), store.findRun(TENANT, created.id()),
                    "rule: updateRun with the revision after the stored one succeeds (3)");
        }

        @Test
        void updateRunWithADueAtMovesThePolicyAndBumpsItsRevision() {
            RotationRun created = store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());
            long revision = found(TENANT, "sec_db").revision();

            RotationRun updated = store.updateRun(created.toBuilder().state(RunState.CREATED).next(T0.plusSeconds(1)),
                    T0.plusSeconds(77), BeforeCommit.none());
            StoredRotationPolicy moved = found(TENANT, "sec_db");
            assertEquals(T0.plusSeconds(77), moved.dueAt(), "rule: updateRun with a dueAt sets the policy's dueAt");
            assertEquals(revision + 1, moved.revision(), "rule: updateRun with a dueAt bumps the policy's revision");

            store.updateRun(updated.toBuilder().state(RunState.APPLIED).next(T0.plusSeconds(2)), null, BeforeCommit.none());
            assertEquals(T0.plusSeconds(77), found(TENANT, "sec_db").dueAt(),
                    "rule: updateRun with dueAt null leaves the policy's dueAt as it was");
        }

        @Test
        void updateOfAMissingRunFailsWithRotationNotConfigured() {
            RotationRun never = newRun("sec_db", T0).toBuilder().state(RunState.CREATED).next(T0.plusSeconds(1));

            Expect.thrown(NotFoundException.class, ErrorCode.ROTATION_NOT_CONFIGURED,
                    () -> store.updateRun(never, null, BeforeCommit.none()),
                    () -> "rule: updateRun of a run that does not exist (" + never.id() + ") fails with ROTATION_NOT_CONFIGURED");
            assertTrue(store.findRun(TENANT, never.id()).isEmpty(), "rule: updateRun never creates a run (" + never.id() + ")");
        }

        @Test
        void aTerminalRunNeverChangesStateButMayRecordItsRetirement() {
            RotationRun created = store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());
            RotationRun finished = store.updateRun(created.toBuilder().state(RunState.FINISHED).finishedAt(T0.plusSeconds(1))
                    .retireAt(T0.plusSeconds(3600)).next(T0.plusSeconds(1)), null, BeforeCommit.none());

            for (RunState other : RunState.values()) {
                if (other == RunState.FINISHED) {
                    continue;
                }
                Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                        () -> store.updateRun(finished.toBuilder().state(other).next(T0.plusSeconds(2)), null, BeforeCommit.none()),
                        () -> "rule: a terminal run never changes state: updateRun FINISHED -> " + other + " fails with"
                                + " STATE_CONFLICT (" + finished.id() + ")");
            }
            assertEquals(Optional.of(finished), store.findRun(TENANT, created.id()), "rule: refused updates leave a FINISHED run as it was");
            assertTrue(store.openRun(TENANT, "sec_db").isEmpty(), "rule: a FINISHED run is not the secret's open run");

            RotationRun retired = store.updateRun(finished.toBuilder().retiredAt(T0.plusSeconds(3601)).next(T0.plusSeconds(3601)),
                    null, BeforeCommit.none());
            assertEquals(Optional.of(retired), store.findRun(TENANT, created.id()),
                    "rule: a terminal run may still record its old version's retirement (retiredAt) by updateRun");
            assertFalse(retired.retirementPending(), "rule: a run with retiredAt set has no retirement pending");
        }

        @Test
        void recentRunsAreNewestFirstAndLimited() {
            List<RotationRun> created = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                RotationRun run = store.createRun(newRun("sec_db", T0.plusSeconds(i * 10L)), null, BeforeCommit.none());
                created.add(store.updateRun(run.toBuilder().state(RunState.FAILED).lastErrorCode("TCK_FAILED")
                        .next(T0.plusSeconds(i * 10L + 1)), null, BeforeCommit.none()));
            }
            store.putPolicy(TENANT, "sec_other", fullPolicy(), T0, T0, BeforeCommit.none());
            store.createRun(newRun("sec_other", T0.plusSeconds(1000)), null, BeforeCommit.none());

            List<RotationRun> newest = List.of(created.get(4), created.get(3), created.get(2));
            assertEquals(ids(newest), ids(store.recentRuns(TENANT, "sec_db", 3)),
                    "rule: recentRuns returns the secret's newest runs first (by startedAt), at most limit (3)");
            assertEquals(newest, store.recentRuns(TENANT, "sec_db", 3), "rule: recentRuns returns the runs as stored");
            assertEquals(5, store.recentRuns(TENANT, "sec_db", RotationStore.MAX_RECENT_RUNS).size(),
                    "rule: recentRuns returns only the secret's own runs (5 of sec_db, not sec_other's)");
            for (int bad : new int[] {0, -1, RotationStore.MAX_RECENT_RUNS + 1}) {
                Expect.thrown(IllegalArgumentException.class, () -> store.recentRuns(TENANT, "sec_db", bad),
                        () -> "rule: recentRuns refuses a limit outside 1.." + RotationStore.MAX_RECENT_RUNS + " (" + bad + ")");
            }
            assertTrue(store.recentRuns(TENANT, "sec_none", 10).isEmpty(), "rule: recentRuns of a secret without runs is empty");
        }

        @Test
        void recentRunsOfTheSameMomentAreOrderedById() {
            List<RotationRun> created = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RotationRun run = store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());
                created.add(store.updateRun(run.toBuilder().state(RunState.CANCELLED).next(T0), null, BeforeCommit.none()));
            }
            List<String> expected = ids(created).stream().sorted(java.util.Comparator.reverseOrder()).toList();

            assertEquals(expected, ids(store.recentRuns(TENANT, "sec_db", 10)),
                    "rule: recentRuns orders runs of the same startedAt by id, newest (greatest) first");
        }

        @Test
        void findRunAndOpenRunOfNothingAreEmpty() {
            assertTrue(store.findRun(TENANT, "rot_nothing").isEmpty(), "rule: findRun of an unknown id is empty");
            assertTrue(store.openRun(TENANT, "sec_db").isEmpty(), "rule: openRun of a secret without runs is empty");
        }
    }

    /** listPolicies: order, pages, tokens. */
    @Nested
    class Listing {
        @Test
        void listPoliciesIsOrderedBySecretIdAndPaged() {
            List<String> ids = List.of("sec_m", "sec_b", "sec_z", "sec_a", "sec_k", "sec_c", "sec_y");
            for (String id : ids) {
                store.putPolicy(TENANT, id, fullPolicy(), T0, T0, BeforeCommit.none());
            }
            store.putPolicy(OTHER_TENANT, "sec_0", fullPolicy(), T0, T0, BeforeCommit.none());

            List<String> seen = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            Page<StoredRotationPolicy> page = store.listPolicies(TENANT, PageRequest.first(3));
            while (true) {
                sizes.add(page.items().size());
                page.items().forEach(p -> seen.add(p.secretId()));
                if (page.nextPageToken() == null) {
                    break;
                }
                assertTrue(sizes.size() < 10, "rule: listPolicies paging ends (7 policies, pages of 3)");
                page = store.listPolicies(TENANT, new PageRequest(page.nextPageToken(), 3));
            }

            assertEquals(new TreeSet<>(ids).stream().toList(), seen,
                    "rule: listPolicies returns the tenant's policies ordered by secret id, each once, across pages");
            assertEquals(List.of(3, 3, 1), sizes, "rule: listPolicies fills each page up to its limit (7 policies in pages of 3);"
                    + " only the last page has no next token");
        }

        @Test
        void aFullLastPageHasNoNextTokenOrAnEmptyOneAfter() {
            for (String id : List.of("sec_a", "sec_b")) {
                store.putPolicy(TENANT, id, fullPolicy(), T0, T0, BeforeCommit.none());
            }

            Page<StoredRotationPolicy> page = store.listPolicies(TENANT, PageRequest.first(2));

            assertEquals(List.of("sec_a", "sec_b"), page.items().stream().map(StoredRotationPolicy::secretId).toList(),
                    "rule: listPolicies returns up to limit policies (2 of 2)");
            if (page.nextPageToken() != null) {
                assertTrue(store.listPolicies(TENANT, new PageRequest(page.nextPageToken(), 2)).items().isEmpty(),
                        "rule: the page after the last policy is empty");
            }
        }

        @Test
        void listPoliciesOfATenantWithoutPoliciesIsEmpty() {
            store.putPolicy(OTHER_TENANT, "sec_a", fullPolicy(), T0, T0, BeforeCommit.none());

            Page<StoredRotationPolicy> page = store.listPolicies(TENANT, PageRequest.first());

            assertTrue(page.items().isEmpty(), "rule: listPolicies of a tenant without policies is empty");
            assertNull(page.nextPageToken(), "rule: an empty listPolicies page has no next token");
        }

        @Test
        void aTokenOfAnotherListingIsRefused() {
            store.putPolicy(TENANT, "sec_a", fullPolicy(), T0, T0, BeforeCommit.none());
            String secretsToken = PageTokens.afterSecret(SecretPath.of(TENANT, "prod", "db/main"));
            String auditToken = PageTokens.afterAuditEvent(5);

            for (String token : List.of(secretsToken, auditToken, "not-a-token-of-anything", "%%%")) {
                Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                        () -> store.listPolicies(TENANT, new PageRequest(token, 10)),
                        () -> "rule: listPolicies refuses a page token it did not issue (" + token + ") with INVALID_ARGUMENT");
            }
        }
    }

    /** claimDue, renewClaim, releaseClaim. */
    @Nested
    class Claims {
        @Test
        void claimDueHandsOutOnlyDuePoliciesEarliestFirst() {
            put("sec_late", T0.minusSeconds(1));
            put("sec_now", T0);
            put("sec_future", T0.plusSeconds(1));
            put("sec_early", T0.minusSeconds(300));
            StoredRotationPolicy early = found(TENANT, "sec_early");

            List<RotationClaim> claims = store.claimDue(T0, "tck-instance-a", LEASE, 10);

            assertEquals(List.of("sec_early", "sec_late", "sec_now"), claims.stream().map(RotationClaim::secretId).toList(),
                    "rule: claimDue hands out the policies whose dueAt is not after now, earliest dueAt first;"
                            + " sec_future (due a second later) is not due");
            RotationClaim first = claims.get(0);
            assertEquals(new RotationClaim(TENANT, "sec_early", "tck-instance-a", first.token(), T0.plus(LEASE), early.revision()),
                    first, "rule: a claim names the tenant, secret and owner, expires at now + lease and carries the policy's"
                            + " revision when claimed");
            assertEquals(3, claims.stream().map(RotationClaim::token).distinct().count(), "rule: every claim has its own token");
        }

        @Test
        void claimDueRespectsItsLimitAndItsBounds() {
            for (int i = 0; i < 5; i++) {
                put("sec_" + (char) ('a' + i), T0.minusSeconds(100 - i));
            }

            List<RotationClaim> claims = store.claimDue(T0, "tck-instance-a", LEASE, 2);

            assertEquals(List.of("sec_a", "sec_b"), claims.stream().map(RotationClaim::secretId).toList(),
                    "rule: claimDue hands out at most limit (2) policies, the earliest due");
            for (int bad : new int[] {0, -1, RotationStore.MAX_CLAIMS + 1}) {
                Expect.thrown(IllegalArgumentException.class, () -> store.claimDue(T0, "tck-instance-a", LEASE, bad),
                        () -> "rule: claimDue refuses a limit outside 1.." + RotationStore.MAX_CLAIMS + " (" + bad + ")");
            }
        }

        @Test
        void aLeaseThatIsNotPositiveIsRefused() {
            put("sec_db", T0);

            for (Duration bad : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
                Expect.thrown(IllegalArgumentException.class, () -> store.claimDue(T0, "tck-instance-a", bad, 10),
                        () -> "rule: claimDue refuses a lease that is not positive (" + bad + "): its claim would be expired"
                                + " when made");
            }
            RotationClaim claim = single(store.claimDue(T0, "tck-instance-a", LEASE, 10), "claimDue after the refusals");
            Expect.thrown(IllegalArgumentException.class, () -> store.renewClaim(claim, T0, Duration.ZERO),
                    () -> "rule: renewClaim refuses a lease that is not positive (PT0S)");
        }

        @Test
        void claimDueCoversEveryTenant() {
            put("sec_a", T0.minusSeconds(2));
            store.putPolicy(OTHER_TENANT, "sec_b", fullPolicy(), T0.minusSeconds(1), T0, BeforeCommit.none());

            List<RotationClaim> claims = store.claimDue(T0, "tck-instance-a", LEASE, 10);

            assertEquals(List.of(TENANT + "/sec_a", OTHER_TENANT + "/sec_b"),
                    claims.stream().map(c -> c.tenant() + "/" + c.secretId()).toList(),
                    "rule: claimDue hands out due policies of any tenant");
        }

        @Test
        void aLiveClaimIsNotHandedOutAgainAndAnExpiredOneIs() {
            put("sec_db", T0);
            RotationClaim first = single(store.claimDue(T0, "tck-instance-a", LEASE, 10), "the first claimDue");

            assertTrue(store.claimDue(T0.plus(LEASE).minusSeconds(1), "tck-instance-b", LEASE, 10).isEmpty(),
                    "rule: claimDue never hands out a policy under a live claim (sec_db, claimed until " + first.expiresAt() + ")");

            Instant expired = first.expiresAt();
            RotationClaim second = single(store.claimDue(expired, "tck-instance-b", LEASE, 10),
                    "claimDue at the moment the first claim expires");
            assertEquals("tck-instance-b", second.owner(), "rule: an expired claim's policy is handed to the next claimer");
            assertNotEquals(first.token(), second.token(), "rule: a new claim has a new token");
            assertTrue(store.renewClaim(first, expired, LEASE).isEmpty(),
                    "rule: renewClaim of a claim whose policy was claimed again after it expired is empty");
            assertFalse(store.releaseClaim(first, T0.plusSeconds(999)),
                    "rule: releaseClaim of a claim lost to another claimer returns false");
            assertTrue(store.renewClaim(second, expired.plusSeconds(1), LEASE).isPresent(),
                    "rule: releasing a lost claim does not touch the claim that replaced it");
            assertEquals(T0, found(TENANT, "sec_db").dueAt(), "rule: releasing a lost claim changes nothing (dueAt stays)");
        }

        @Test
        void renewClaimExtendsOnlyALiveClaimWithItsToken() {
            put("sec_db", T0);
            RotationClaim claim = single(store.claimDue(T0, "tck-instance-a", LEASE, 10), "claimDue");

            RotationClaim renewed = store.renewClaim(claim, T0.plusSeconds(60), LEASE).orElseThrow(
                    () -> new AssertionError("rule: renewClaim of a live claim with its token succeeds (sec_db)"));

            assertEquals(T0.plusSeconds(60).plus(LEASE), renewed.expiresAt(), "rule: renewClaim extends the lease to now + lease");
            assertEquals(claim.token(), renewed.token(), "rule: renewClaim keeps the claim's token");
            assertTrue(store.claimDue(T0.plus(LEASE).plusSeconds(1), "tck-instance-b", LEASE, 10).isEmpty(),
                    "rule: a renewed claim stays live until its new expiry; claimDue after the old one hands out nothing");
            RotationClaim forged = new RotationClaim(TENANT, "sec_db", "tck-instance-a", "tck-forged-token", claim.expiresAt(),
                    claim.policyRevision());
            assertTrue(store.renewClaim(forged, T0.plusSeconds(61), LEASE).isEmpty(),
                    "rule: renewClaim with another token is empty");
            assertTrue(store.renewClaim(renewed, renewed.expiresAt(), LEASE).isEmpty(),
                    "rule: renewClaim of an expired claim is empty, even with its token");
        }

        @Test
        void releaseClaimNeedsTheTokenAndFreesThePolicy() {
            put("sec_db", T0);
            RotationClaim claim = single(store.claimDue(T0, "tck-instance-a", LEASE, 10), "claimDue");
            RotationClaim forged = new RotationClaim(TENANT, "sec_db", "tck-instance-a", "tck-forged-token", claim.expiresAt(),
                    claim.policyRevision());

            assertFalse(store.releaseClaim(forged, T0.plusSeconds(500)), "rule: releaseClaim with another token returns false");
            assertTrue(store.claimDue(T0.plusSeconds(1), "tck-instance-b", LEASE, 10).isEmpty(),
                    "rule: releaseClaim with another token leaves the claim live");
            assertEquals(T0, found(TENANT, "sec_db").dueAt(), "rule: releaseClaim with another token changes no dueAt");

            assertTrue(store.releaseClaim(claim, null), "rule: releaseClaim of a held claim returns true");
            StoredRotationPolicy released = found(TENANT, "sec_db");
            assertEquals(T0, released.dueAt(), "rule: releaseClaim with dueAt null leaves the policy's dueAt");
            assertEquals(claim.policyRevision(), released.revision(), "rule: releaseClaim with dueAt null bumps no revision");
            assertEquals("tck-instance-b", single(store.claimDue(T0.plusSeconds(1), "tck-instance-b", LEASE, 10),
                    "claimDue after the release").owner(), "rule: a released policy that is still due can be claimed at once");
        }

        @Test
        void releaseClaimMovesDueAtWhenThePolicyIsUnchangedSinceTheClaim() {
            put("sec_db", T0);
            RotationClaim claim = single(store.claimDue(T0, "tck-instance-a", LEASE, 10), "claimDue");

            assertTrue(store.releaseClaim(claim, T0.plusSeconds(3600)), "rule: releaseClaim of a held claim returns true");

            StoredRotationPolicy moved = found(TENANT, "sec_db");
            assertEquals(T0.plusSeconds(3600), moved.dueAt(),
                    "rule: releaseClaim sets dueAt when the policy's revision is the one claimed");
            assertEquals(claim.policyRevision() + 1, moved.revision(), "rule: a release that moves dueAt bumps the revision");
            assertTrue(store.claimDue(T0.plusSeconds(1), "tck-instance-b", LEASE, 10).isEmpty(),
                    "rule: a released policy whose dueAt moved to the future is not due");
            assertEquals("sec_db", single(store.claimDue(T0.plusSeconds(3600), "tck-instance-b", LEASE, 10),
                    "claimDue at the new dueAt").secretId(), "rule: a released policy is claimable again at its new dueAt");
        }

        @Test
        void aRunCreatedAfterTheClaimWinsOverTheReleasesDueAt() {
            put("sec_db", T0);
            RotationClaim claim = single(store.claimDue(T0, "tck-instance-a", LEASE, 10), "claimDue");
            store.createRun(newRun("sec_db", T0.plusSeconds(1)), T0.plusSeconds(5), BeforeCommit.none());

            assertTrue(store.releaseClaim(claim, T0.plusSeconds(3600)), "rule: releaseClaim of a held claim returns true");

            assertEquals(T0.plusSeconds(5), found(TENANT, "sec_db").dueAt(), "rule: releaseClaim does not overwrite the dueAt"
                    + " of a createRun made after the claim (the policy's revision moved on)");
        }

        @Test
        void aPolicyPutAfterTheClaimWinsOverTheReleasesDueAt() {
            put("sec_db", T0);
            RotationClaim claim = single(store.claimDue(T0, "tck-instance-a", LEASE, 10), "claimDue");
            StoredRotationPolicy put = store.putPolicy(TENANT, "sec_db", fullPolicy(), T0.plusSeconds(7), T0.plusSeconds(1),
                    BeforeCommit.none());

            assertTrue(store.releaseClaim(claim, T0.plusSeconds(3600)), "rule: releaseClaim of a held claim returns true");

            assertEquals(put, found(TENANT, "sec_db"), "rule: releaseClaim does not overwrite the dueAt of a putPolicy made"
                    + " after the claim (the policy's revision moved on)");
        }

        @Test
        void concurrentClaimersNeverGetTheSameSecret() {
            int policies = 200;
            for (int i = 0; i < policies; i++) {
                put(String.format("sec_%03d", i), T0.minusSeconds(i));
            }
            int threads = 4;

            List<Concurrently.Outcome<List<RotationClaim>>> outcomes = Concurrently.run(threads, i -> {
                List<RotationClaim> mine = new ArrayList<>();
                // Bounded: a store that hands claimed secrets out again would never run dry.
                while (mine.size() <= policies) {
                    List<RotationClaim> batch = store.claimDue(T0, "tck-instance-" + i, LEASE, 7);
                    if (batch.isEmpty()) {
                        break;
                    }
                    mine.addAll(batch);
                }
                return mine;
            });

            List<String> claimed = new ArrayList<>();
            for (Concurrently.Outcome<List<RotationClaim>> outcome : outcomes) {
                assertTrue(outcome.succeeded(), () -> "rule: concurrent claimDue calls succeed; one threw " + outcome.failure());
                outcome.value().forEach(c -> claimed.add(c.secretId()));
            }
            // A claimer may stop early while others hold row locks; whatever it left is claimed now.
            store.claimDue(T0, "tck-instance-late", LEASE, RotationStore.MAX_CLAIMS).forEach(c -> claimed.add(c.secretId()));
            Set<String> distinct = new HashSet<>(claimed);
            assertEquals(claimed.size(), distinct.size(), () -> "rule: concurrent claimDue calls never hand one secret to two"
                    + " claimers; " + (claimed.size() - distinct.size()) + " secrets were claimed twice");
            assertEquals(policies, distinct.size(), "rule: concurrent claimers together claim every due policy exactly once ("
                    + policies + " due, " + threads + " claimers)");
        }
    }

    /** Lookups and changes are scoped to the tenant. */
    @Nested
    class Tenancy {
        @Test
        void anotherTenantsPoliciesAndRunsAreInvisible() {
            RotationPolicy mine = fullPolicy();
            RotationPolicy theirs = RotationPolicy.builder("generated", RotationSchedule.parse("12h")).build();
            store.putPolicy(TENANT, "sec_db", mine, T0, T0, BeforeCommit.none());
            store.putPolicy(OTHER_TENANT, "sec_db", theirs, T0.plusSeconds(1), T0, BeforeCommit.none());
            store.putPolicy(TENANT, "sec_mine", mine, T0, T0, BeforeCommit.none());
            RotationRun myRun = store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());

            assertEquals(mine, found(TENANT, "sec_db").policy(), "rule: findPolicy in " + TENANT + " returns its own sec_db policy");
            assertEquals(theirs, found(OTHER_TENANT, "sec_db").policy(),
                    "rule: findPolicy in " + OTHER_TENANT + " returns its own sec_db policy, not " + TENANT + "'s");
            assertTrue(store.findPolicy(OTHER_TENANT, "sec_mine").isEmpty(),
                    "rule: findPolicy in " + OTHER_TENANT + " does not find " + TENANT + "'s sec_mine");
            assertTrue(store.findRun(OTHER_TENANT, myRun.id()).isEmpty(),
                    "rule: findRun in " + OTHER_TENANT + " does not find " + TENANT + "'s run " + myRun.id());
            assertTrue(store.openRun(OTHER_TENANT, "sec_db").isEmpty(),
                    "rule: openRun in " + OTHER_TENANT + " does not see " + TENANT + "'s open run of sec_db");
            assertTrue(store.recentRuns(OTHER_TENANT, "sec_db", 10).isEmpty(),
                    "rule: recentRuns in " + OTHER_TENANT + " does not list " + TENANT + "'s runs");
            assertEquals(List.of("sec_db"), store.listPolicies(OTHER_TENANT, PageRequest.first()).items().stream()
                    .map(StoredRotationPolicy::secretId).toList(), "rule: listPolicies lists only the tenant's own policies");

            RotationRun theirRun = store.createRun(newRun(OTHER_TENANT, "sec_db", T0), null, BeforeCommit.none());
            assertEquals(Optional.of(theirRun), store.openRun(OTHER_TENANT, "sec_db"), "rule: one open run per secret per"
                    + " tenant: " + OTHER_TENANT + " may open a run of its sec_db while " + TENANT + "'s is open");
            Expect.thrown(NotFoundException.class, ErrorCode.ROTATION_NOT_CONFIGURED,
                    () -> store.deletePolicy(OTHER_TENANT, "sec_mine", BeforeCommit.none()),
                    () -> "rule: deletePolicy in " + OTHER_TENANT + " of " + TENANT + "'s sec_mine fails with ROTATION_NOT_CONFIGURED");
            RotationRun foreignUpdate = new RotationRun(myRun.id(), OTHER_TENANT, "sec_db", RunState.CREATED, false, false,
                    myRun.rotator(), null, null, 0, ENGINE, T0, T0, null, null, null, null, null, null, null, 2);
            Expect.thrown(NotFoundException.class, ErrorCode.ROTATION_NOT_CONFIGURED,
                    () -> store.updateRun(foreignUpdate, null, BeforeCommit.none()),
                    () -> "rule: updateRun in " + OTHER_TENANT + " of " + TENANT + "'s run " + myRun.id()
                            + " fails with ROTATION_NOT_CONFIGURED");
            assertEquals(Optional.of(myRun), store.findRun(TENANT, myRun.id()),
                    "rule: another tenant's refused updateRun leaves " + TENANT + "'s run as it was");

            store.forgetSecret(OTHER_TENANT, "sec_db");
            assertEquals(Optional.of(myRun), store.openRun(TENANT, "sec_db"),
                    "rule: forgetSecret in " + OTHER_TENANT + " leaves " + TENANT + "'s sec_db alone");
            assertTrue(store.findPolicy(TENANT, "sec_db").isPresent(),
                    "rule: forgetSecret in " + OTHER_TENANT + " leaves " + TENANT + "'s sec_db policy alone");
        }
    }

    /** Hooks see the change; a failing hook undoes it; a refused change calls none. */
    @Nested
    class Atomicity {
        @Test
        void aFailingPutPolicyHookStoresNothing() {
            RuntimeException failure = hookFailure();

            assertSame(failure, Expect.thrown(IllegalStateException.class,
                    () -> store.putPolicy(TENANT, "sec_db", fullPolicy(), T0, T0, failing(failure)),
                    () -> "rule: putPolicy rethrows its hook's exception"), "rule: putPolicy rethrows the very exception its hook threw");
            assertTrue(store.findPolicy(TENANT, "sec_db").isEmpty(), "rule: a failing putPolicy hook stores no policy");
            assertTrue(store.listPolicies(TENANT, PageRequest.first()).items().isEmpty(),
                    "rule: a failing putPolicy hook stores no policy; listPolicies stays empty");
        }

        @Test
        void aFailingPutPolicyHookKeepsTheReplacedPolicy() {
            StoredRotationPolicy original = store.putPolicy(TENANT, "sec_db", fullPolicy(), T0, T0, BeforeCommit.none());
            RotationPolicy replacement = RotationPolicy.builder("generated", RotationSchedule.parse("1d")).build();
            AtomicReference<StoredRotationPolicy> seen = new AtomicReference<>();

            Expect.thrown(IllegalStateException.class, () -> store.putPolicy(TENANT, "sec_db", replacement, T0.plusSeconds(9),
                    T0.plusSeconds(1), result -> {
                        seen.set(result);
                        throw hookFailure();
                    }), () -> "rule: putPolicy rethrows its hook's exception");

            assertEquals(new StoredRotationPolicy(TENANT, "sec_db", replacement, T0.plusSeconds(9), T0.plusSeconds(1), 2), seen.get(),
                    "rule: the putPolicy hook sees the policy as it will be stored (revision 2)");
            assertEquals(original, found(TENANT, "sec_db"), "rule: a failing putPolicy hook keeps the replaced policy, params included");
        }

        @Test
        void aFailingDeletePolicyHookKeepsThePolicy() {
            StoredRotationPolicy original = store.putPolicy(TENANT, "sec_db", fullPolicy(), T0, T0, BeforeCommit.none());

            Expect.thrown(IllegalStateException.class, () -> store.deletePolicy(TENANT, "sec_db", failing(hookFailure())),
                    () -> "rule: deletePolicy rethrows its hook's exception");

            assertEquals(original, found(TENANT, "sec_db"), "rule: a failing deletePolicy hook keeps the policy");
        }

        @Test
        void aFailingCreateRunHookStoresNoRunAndKeepsThePolicy() {
            StoredRotationPolicy original = store.putPolicy(TENANT, "sec_db", fullPolicy(), T0, T0, BeforeCommit.none());
            RotationRun run = newRun("sec_db", T0);

            Expect.thrown(IllegalStateException.class, () -> store.createRun(run, T0.plusSeconds(60), failing(hookFailure())),
                    () -> "rule: createRun rethrows its hook's exception");

            assertTrue(store.findRun(TENANT, run.id()).isEmpty(), "rule: a failing createRun hook stores no run");
            assertTrue(store.openRun(TENANT, "sec_db").isEmpty(), "rule: a failing createRun hook leaves no open run");
            assertEquals(original, found(TENANT, "sec_db"), "rule: a failing createRun hook leaves the policy's dueAt and revision");
            store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());
        }

        @Test
        void aFailingUpdateRunHookKeepsTheRunAndThePolicy() {
            store.putPolicy(TENANT, "sec_db", fullPolicy(), T0, T0, BeforeCommit.none());
            RotationRun run = store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());
            StoredRotationPolicy before = found(TENANT, "sec_db");
            RotationRun finished = run.toBuilder().state(RunState.FINISHED).finishedAt(T0.plusSeconds(1)).next(T0.plusSeconds(1));
            AtomicReference<RotationRun> seen = new AtomicReference<>();

            Expect.thrown(IllegalStateException.class, () -> store.updateRun(finished, T0.plusSeconds(99), result -> {
                seen.set(result);
                throw hookFailure();
            }), () -> "rule: updateRun rethrows its hook's exception");

            assertEquals(finished, seen.get(), "rule: the updateRun hook sees the run as it will be stored");
            assertEquals(Optional.of(run), store.findRun(TENANT, run.id()), "rule: a failing updateRun hook keeps the run as it was");
            assertEquals(Optional.of(run), store.openRun(TENANT, "sec_db"), "rule: a failing updateRun hook keeps the run open");
            assertEquals(before, found(TENANT, "sec_db"), "rule: a failing updateRun hook leaves the policy's dueAt and revision");
        }

        @Test
        void aRefusedChangeCallsNoHook() {
            store.putPolicy(TENANT, "sec_db", fullPolicy(), T0, T0, BeforeCommit.none());
            RotationRun open = store.createRun(newRun("sec_db", T0), null, BeforeCommit.none());
            Hooks.Recording<RotationRun> runs = Hooks.recording(TENANT, 1);
            Hooks.Recording<StoredRotationPolicy> policies = Hooks.recording(TENANT, 1);

            Expect.thrown(ConflictException.class, ErrorCode.ROTATION_IN_PROGRESS,
                    () -> store.createRun(newRun("sec_db", T0), null, runs), () -> "rule: a second open run is refused");
            Expect.thrown(NotFoundException.class, ErrorCode.ROTATION_NOT_CONFIGURED,
                    () -> store.createRun(newRun("sec_none", T0), null, runs), () -> "rule: a run without policy is refused");
            Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                    () -> store.updateRun(open.toBuilder().state(RunState.CREATED).build(), null, runs),
                    () -> "rule: a stale updateRun is refused");
            Expect.thrown(ConflictException.class, ErrorCode.ROTATION_IN_PROGRESS,
                    () -> store.deletePolicy(TENANT, "sec_db", policies), () -> "rule: deletePolicy with an open run is refused");
            Expect.thrown(NotFoundException.class, ErrorCode.ROTATION_NOT_CONFIGURED,
                    () -> store.deletePolicy(TENANT, "sec_none", policies), () -> "rule: deletePolicy without policy is refused");

            assertTrue(runs.calls().isEmpty() && policies.calls().isEmpty(), () -> "rule: a RotationStore refuses a change"
                    + " before it calls BeforeCommit.prepare (run hook calls " + runs.calls().size() + ", policy hook calls "
                    + policies.calls().size() + ")");
        }
    }

    /** The hook's audit events are committed with the change. */
    @Nested
    class Audit {
        @Test
        void everyMutationCommitsItsHookEventsOnceInOrder() {
            List<AuditEvent> expected = new ArrayList<>();
            Hooks.Recording<StoredRotationPolicy> put = Hooks.recording(TENANT, 2);
            store.putPolicy(TENANT, "sec_db", fullPolicy(), T0, T0, put);
            expected.addAll(put.lastCall());
            expectCommitted(expected, "putPolicy");

            Hooks.Recording<RotationRun> created = Hooks.recording(TENANT, 1);
            RotationRun run = store.createRun(newRun("sec_db", T0), T0.plusSeconds(1), created);
            expected.addAll(created.lastCall());
            expectCommitted(expected, "createRun");

            Hooks.Recording<RotationRun> updated = Hooks.recording(TENANT, 2);
            store.updateRun(run.toBuilder().state(RunState.CANCELLED).finishedAt(T0.plusSeconds(2)).next(T0.plusSeconds(2)),
                    T0.plusSeconds(3), updated);
            expected.addAll(updated.lastCall());
            expectCommitted(expected, "updateRun");

            Hooks.Recording<StoredRotationPolicy> deleted = Hooks.recording(TENANT, 1);
            store.deletePolicy(TENANT, "sec_db", deleted);
            expected.addAll(deleted.lastCall());
            expectCommitted(expected, "deletePolicy");
        }

        @Test
        void aRefusedOrUndoneChangeCommitsNoEvent() {
            List<String> before = eventIds(committedAuditEvents(store));
            Hooks.Recording<RotationRun> missing = Hooks.recording(TENANT, 1);
            Expect.thrown(NotFoundException.class, ErrorCode.ROTATION_NOT_CONFIGURED,
                    () -> store.createRun(newRun("sec_none", T0), null, missing), () -> "rule: a run without policy is refused");
            Expect.thrown(IllegalStateException.class, () -> store.putPolicy(TENANT, "sec_db", fullPolicy(), T0, T0, p -> {
                throw hookFailure();
            }), () -> "rule: putPolicy rethrows its hook's exception");

            assertEquals(before, eventIds(committedAuditEvents(store)),
                    "rule: a RotationStore change that was refused or whose hook threw commits no audit event");
        }

        private void expectCommitted(List<AuditEvent> expected, String method) {
            List<AuditEvent> committed = committedAuditEvents(store).stream().map(SecretStoreAuditTests::asDraft).toList();
            assertEquals(expected.stream().map(AuditEvent::id).toList(), committed.stream().map(AuditEvent::id).toList(),
                    () -> "rule: RotationStore." + method + " commits the events its BeforeCommit.prepare returned, once each"
                            + " and in order, with the change");
            assertEquals(expected, committed, () -> "rule: RotationStore." + method + " commits the hook's events unchanged");
        }
    }

    // --- helpers ---

    /** A policy using every field, with whole-second durations. */
    static RotationPolicy fullPolicy() {
        return RotationPolicy.builder("generated", RotationSchedule.parse("30d"))
                .window(Duration.ofHours(2))
                .overlap(Duration.ofHours(24))
                .canary(Duration.ofMinutes(10))
                .params(Map.of("length", "32", "classes", "upper,lower,digit", "exclude", ""))
                .enabled(true)
                .maxAttempts(3)
                .build();
    }

    static RotationRun newRun(String secretId, Instant at) {
        return newRun(TENANT, secretId, at);
    }

    static RotationRun newRun(String tenant, String secretId, Instant at) {
        return RotationRun.started(newRunId(), tenant, secretId, "generated", ENGINE, at).build();
    }

    /** A fresh run id, {@code rot_} and base32, increasing in string order within a test run. */
    static String newRunId() {
        int n = RUN_IDS.incrementAndGet();
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            id.insert(0, BASE32.charAt(n & 31));
            n >>>= 5;
        }
        return "rot_tck" + id;
    }

    void put(String secretId, Instant dueAt) {
        store.putPolicy(TENANT, secretId, fullPolicy(), dueAt, T0.minusSeconds(3600), BeforeCommit.none());
    }

    StoredRotationPolicy found(String tenant, String secretId) {
        return store.findPolicy(tenant, secretId).orElseThrow(() -> new AssertionError(
                "rule: findPolicy finds the policy put for the secret (tenant " + tenant + ", secret " + secretId + "); it found none"));
    }

    static RotationClaim single(List<RotationClaim> claims, String what) {
        assertEquals(1, claims.size(), () -> "rule: claimDue hands out exactly the one due, unclaimed policy (" + what + "); got "
                + claims.stream().map(RotationClaim::secretId).collect(Collectors.toList()));
        return claims.get(0);
    }

    static List<String> ids(List<RotationRun> runs) {
        return runs.stream().map(RotationRun::id).toList();
    }

    static List<String> eventIds(List<AuditEvent> events) {
        return events.stream().map(AuditEvent::id).toList();
    }

    static IllegalStateException hookFailure() {
        return new IllegalStateException("hook failure injected by the TCK");
    }

    static <T> BeforeCommit<T> failing(RuntimeException failure) {
        return result -> {
            throw failure;
        };
    }
}
