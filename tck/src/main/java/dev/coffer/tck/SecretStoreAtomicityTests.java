package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.store.AliasMove;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.tck.support.Hooks;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.Concurrently.Outcome;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link SecretStoreContract}: atomicity — a failing {@link BeforeCommit} hook undoes its change
 * and its exception reaches the caller unchanged — and safety under concurrency.
 */
abstract class SecretStoreAtomicityTests extends SecretStoreTestSupport {
    private static final int THREADS = 16;

    @Test
    void failingCreateHookLeavesNoSecretAndThePathFree() {
        Secret wanted = secret(TENANT, "prod", "payments/stripe-api-key");
        IllegalStateException failure = hookFailure();

        assertSame(failure, Expect.thrown(IllegalStateException.class,
                () -> store.createSecret(wanted, failing(failure)),
                () -> "rule: createSecret passes the hook's exception to the caller; " + wanted.path()),
                "rule: createSecret passes the hook's exception to the caller unchanged");

        assertTrue(store.findSecret(TENANT, wanted.id()).isEmpty(),
                () -> "rule: createSecret whose hook fails stores nothing; id " + wanted.id() + " must not be found");
        assertTrue(store.findSecretByPath(wanted.path()).isEmpty(),
                () -> "rule: createSecret whose hook fails stores nothing; " + wanted.path() + " must not be found");
        assertEquals(wanted, store.createSecret(wanted, BeforeCommit.none()), "the path must still be free");
    }

    @Test
    void createHookSeesTheSecretItCommitsWith() {
        Secret wanted = secret(TENANT, "prod", "payments/stripe-api-key");
        AtomicReference<Secret> seen = new AtomicReference<>();

        Secret created = store.createSecret(wanted, Hooks.seeing(seen::set));

        assertEquals(created, seen.get(),
                () -> "rule: the createSecret hook sees the secret createSecret returns; " + wanted.path());
    }

    @Test
    void failingUpdateHookKeepsTheOldMetadata() {
        Secret secret = create("prod", "payments/stripe-api-key");
        Secret changed = SecretUpdate.none().withOwnerTeam("platform").applyTo(secret, at(5));
        IllegalStateException failure = hookFailure();

        assertSame(failure, Expect.thrown(IllegalStateException.class,
                () -> store.updateSecret(changed, failing(failure)),
                () -> "rule: updateSecret(Secret, hook) passes the hook's exception to the caller; secret " + secret.id()),
                "rule: updateSecret(Secret, hook) passes the hook's exception to the caller unchanged");

        assertEquals(secret, reload(secret), () -> "rule: updateSecret(Secret, hook) whose hook fails keeps the old"
                + " metadata; secret " + secret.id());
    }

    @Test
    void failingMoveHookKeepsAliasesAndRotationTime() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addPending(secret, at(2));
        IllegalStateException failure = hookFailure();

        assertSame(failure, Expect.thrown(IllegalStateException.class,
                () -> store.moveAlias(TENANT, secret.id(), Aliases.CURRENT, 2, OptionalInt.of(1), at(3), failing(failure)),
                () -> "rule: moveAlias passes the hook's exception to the caller; current 1 -> 2 of " + secret.path()),
                "rule: moveAlias passes the hook's exception to the caller unchanged");

        assertEquals(Map.of("current", 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: moveAlias whose hook fails moves nothing; current stays on 1, no previous");
        assertEquals(at(1), reload(secret).lastRotatedAt(),
                "rule: moveAlias of current whose hook fails leaves lastRotatedAt at version 1's time");
        AliasMove retried = move(secret, Aliases.CURRENT, 2, OptionalInt.of(1), at(4));
        assertEquals(OptionalInt.of(1), retried.from(), "the failed move must not have happened");
    }

    @Test
    void failingTransitionHookKeepsStateAndSealedValue() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));
        SealedValue before = store.loadSealedValue(TENANT, secret.id(), 1).orElseThrow();
        IllegalStateException failure = hookFailure();

        for (VersionState to : List.of(VersionState.DISABLED, VersionState.DESTROYED)) {
            assertSame(failure, Expect.thrown(IllegalStateException.class,
                    () -> store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, to, failing(failure)),
                    () -> "rule: transitionVersion passes the hook's exception to the caller; ENABLED -> " + to
                            + " of version 1"),
                    () -> "rule: transitionVersion passes the hook's exception to the caller unchanged (-> " + to + ")");
        }

        VersionRecord kept = store.findVersion(TENANT, secret.id(), 1).orElseThrow();
        assertEquals(VersionState.ENABLED, kept.state(),
                "rule: transitionVersion whose hook fails keeps the state ENABLED (version 1)");
        assertEquals(KEY_ID, kept.keyId(),
                "rule: transitionVersion whose hook fails keeps the keyId " + KEY_ID + " (version 1)");
        assertEquals(before, store.loadSealedValue(TENANT, secret.id(), 1).orElseThrow(),
                "rule: transitionVersion (-> DESTROYED) whose hook fails keeps the sealed value (version 1)");
    }

    @Test
    void transitionHookSeesTheNewState() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));
        AtomicReference<VersionRecord> seen = new AtomicReference<>();

        VersionRecord disabled = store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED,
                VersionState.DISABLED, Hooks.seeing(seen::set));

        assertEquals(disabled, seen.get(),
                "rule: the transitionVersion hook sees the VersionRecord transitionVersion returns (version 1)");
        assertEquals(VersionState.DISABLED, seen.get().state(),
                "rule: the transitionVersion hook sees the new state DISABLED (version 1, ENABLED -> DISABLED)");
    }

    @Test
    void failingDeleteHookKeepsSecretVersionsAndAliases() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        SealedValue sealed = store.loadSealedValue(TENANT, secret.id(), 1).orElseThrow();
        IllegalStateException failure = hookFailure();

        assertSame(failure, Expect.thrown(IllegalStateException.class,
                () -> store.deleteSecret(TENANT, secret.id(), failing(failure)),
                () -> "rule: deleteSecret passes the hook's exception to the caller; secret " + secret.id()),
                "rule: deleteSecret passes the hook's exception to the caller unchanged");

        String kept = "; deleteSecret of " + secret.id() + " (" + secret.path() + ") whose hook failed";
        assertEquals(secret.id(), reload(secret).id(), () -> "rule: the secret is still found by id" + kept);
        assertEquals(secret.id(), store.findSecretByPath(secret.path()).orElseThrow().id(),
                () -> "rule: the secret still holds its path" + kept);
        assertEquals(1, store.listVersions(TENANT, secret.id()).size(), () -> "rule: version 1 is kept" + kept);
        assertEquals(sealed, store.loadSealedValue(TENANT, secret.id(), 1).orElseThrow(),
                () -> "rule: the sealed value of version 1 is kept" + kept);
        assertEquals(Map.of("current", 1), store.aliases(TENANT, secret.id()).byName(),
                () -> "rule: current stays on 1" + kept);
    }

    @Test
    void deleteHookSeesTheDeletedSecret() {
        Secret secret = create("prod", "payments/stripe-api-key");
        AtomicReference<Secret> seen = new AtomicReference<>();

        store.deleteSecret(TENANT, secret.id(), Hooks.seeing(seen::set));

        assertEquals(secret, seen.get(), () -> "rule: the deleteSecret hook sees the secret it deletes; " + secret.id());
    }

    @Test
    void concurrentAddsGetNumbersOneToSixteenWithoutGapOrDuplicate() {
        Secret secret = create("prod", "payments/stripe-api-key");

        List<Outcome<VersionRecord>> outcomes = Concurrently.run(THREADS, i -> addPending(secret, at(i)));

        List<Integer> numbers = outcomes.stream().map(o -> succeeded(o).number()).sorted().toList();
        List<Integer> expected = IntStream.rangeClosed(1, THREADS).boxed().toList();
        assertEquals(expected, numbers, "rule: " + THREADS + " concurrent addVersion calls get the numbers 1.."
                + THREADS + ", each once, without gaps");
        assertEquals(expected, store.listVersions(TENANT, secret.id()).stream().map(VersionRecord::number).toList(),
                "rule: after " + THREADS + " concurrent addVersion calls listVersions holds 1.." + THREADS);
        assertEquals(THREADS + 1, addPending(secret, at(99)).number(),
                "rule: after " + THREADS + " concurrent addVersion calls the next add gets " + (THREADS + 1));
    }

    @Test
    void concurrentAddsStoreWhatWasSealedForEachNumber() {
        Secret secret = create("prod", "payments/stripe-api-key");
        // A store may retry a losing transaction and seal a number again, so keep every sealing.
        Map<Integer, List<SealedValue>> sealedByNumber = new ConcurrentHashMap<>();

        List<Outcome<VersionRecord>> outcomes = Concurrently.run(THREADS, i -> store.addVersion(TENANT, secret.id(),
                number -> {
                    SealedValue sealed = randomSealed();
                    sealedByNumber.computeIfAbsent(number, n -> new CopyOnWriteArrayList<>()).add(sealed.copy());
                    return sealed;
                }, WRITER, at(i), null, false, BeforeCommit.none()));

        outcomes.forEach(SecretStoreAtomicityTests::succeeded);
        for (int number = 1; number <= THREADS; number++) {
            SealedValue stored = store.loadSealedValue(TENANT, secret.id(), number).orElseThrow();
            assertTrue(sealedByNumber.getOrDefault(number, List.of()).contains(stored),
                    "version " + number + " must hold a value sealed for number " + number);
        }
    }

    @Test
    void concurrentPromotesWithTheSameExpectedVersionLetExactlyOneWin() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(0));
        for (int i = 0; i < THREADS; i++) {
            addPending(secret, at(1));
        }

        List<Outcome<AliasMove>> outcomes = Concurrently.run(THREADS,
                i -> move(secret, Aliases.CURRENT, 2 + i, OptionalInt.of(1), at(2)));

        List<AliasMove> wins = outcomes.stream().filter(Outcome::succeeded).map(Outcome::value).toList();
        assertEquals(1, wins.size(), "exactly one compare-and-set may succeed");
        for (Outcome<AliasMove> lost : outcomes.stream().filter(o -> !o.succeeded()).toList()) {
            assertConflict(lost.failure(), ErrorCode.VERSION_CONFLICT);
        }
        assertEquals(Map.of("current", wins.get(0).to(), "previous", 1), store.aliases(TENANT, secret.id()).byName(),
                () -> "rule: the one winning moveAlias of current (1 -> " + wins.get(0).to() + ") is what is stored,"
                        + " with previous on 1");
    }

    @Test
    void concurrentCreatesOfOnePathLetExactlyOneWin() {
        List<Outcome<Secret>> outcomes = Concurrently.run(THREADS,
                i -> store.createSecret(secret(TENANT, "prod", "payments/stripe-api-key"), BeforeCommit.none()));

        List<Secret> wins = outcomes.stream().filter(Outcome::succeeded).map(Outcome::value).toList();
        assertEquals(1, wins.size(), "exactly one create may succeed");
        for (Outcome<Secret> lost : outcomes.stream().filter(o -> !o.succeeded()).toList()) {
            assertConflict(lost.failure(), ErrorCode.SECRET_EXISTS);
        }
        assertEquals(wins.get(0), store.findSecretByPath(wins.get(0).path()).orElseThrow(),
                () -> "rule: the one winning createSecret is what is stored at " + wins.get(0).path() + "; id "
                        + wins.get(0).id());
    }

    private static <T> T succeeded(Outcome<T> outcome) {
        if (!outcome.succeeded()) {
            NoValueLeaks.assertNoValueIn(outcome.failure());
            throw new AssertionError("a concurrent call failed: " + outcome.failure(), outcome.failure());
        }
        return outcome.value();
    }

    private static void assertConflict(Throwable failure, ErrorCode code) {
        NoValueLeaks.assertNoValueIn(failure);
        ConflictException conflict = assertInstanceOf(ConflictException.class, failure,
                () -> "losers must get a conflict, got " + failure);
        assertEquals(code, conflict.code(), () -> "rule: losers of a concurrent race get " + code + "; got "
                + conflict.code() + ": " + conflict.getMessage());
    }
}
