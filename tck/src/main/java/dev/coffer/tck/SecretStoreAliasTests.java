package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.VersionDestroyedException;
import dev.coffer.spi.error.VersionDisabledException;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.store.AliasMove;
import dev.coffer.spi.store.AliasRemoval;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.tck.support.Hooks;
import dev.coffer.tck.support.Expect;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@link SecretStoreContract}: aliases — compare-and-set moves and what they may point at. */
abstract class SecretStoreAliasTests extends SecretStoreTestSupport {

    @Test
    void firstPromoteWithEmptyExpectedSetsCurrentAndStampsRotation() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));

        AliasMove moved = move(secret, Aliases.CURRENT, 1, OptionalInt.empty(), at(5));

        assertEquals(Aliases.CURRENT, moved.alias(), "rule: moveAlias(current) reports the alias current");
        assertEquals(OptionalInt.empty(), moved.from(),
                "rule: the first moveAlias of current, expected empty, reports from empty (it was unset)");
        assertEquals(1, moved.to(), "rule: moveAlias of current onto version 1 reports to=1");
        assertEquals(Map.of("current", 1), moved.aliases().byName(),
                "rule: the first moveAlias of current onto 1 returns the aliases current=1 and no previous");
        assertEquals(Map.of("current", 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: the first moveAlias of current onto 1 stores current=1 and no previous");
        assertEquals(at(5), reload(secret).lastRotatedAt(),
                "rule: moveAlias of current stamps lastRotatedAt with the move's time");
    }

    @Test
    void promoteWithEmptyExpectedWhenCurrentIsSetFailsWithVersionConflict() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addPending(secret, at(2));

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> move(secret, Aliases.CURRENT, 2, OptionalInt.empty(), at(3)),
                () -> "rule: moveAlias is compare-and-set; current is on 1, caller expected it unset (empty),"
                        + " moving to 2 must fail with VERSION_CONFLICT");

        assertEquals(Map.of("current", 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: a lost compare-and-set of moveAlias changes no alias; current stays on 1");
        assertEquals(at(1), reload(secret).lastRotatedAt(),
                "rule: a lost compare-and-set of moveAlias leaves lastRotatedAt at version 1's time");
    }

    @Test
    void promoteWithStaleExpectedVersionFailsAndChangesNothing() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addCurrent(secret, at(2));
        addPending(secret, at(3));

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> move(secret, Aliases.CURRENT, 3, OptionalInt.of(1), at(4)),
                () -> "rule: moveAlias is compare-and-set; current is on 2, caller expected 1, moving to 3 must fail"
                        + " with VERSION_CONFLICT");

        assertEquals(Map.of("current", 2, "previous", 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: a lost compare-and-set of moveAlias changes no alias; current 2, previous 1 stay");
        assertEquals(at(2), reload(secret).lastRotatedAt(),
                "rule: a lost compare-and-set of moveAlias leaves lastRotatedAt at version 2's time");
    }

    @Test
    void promoteWithExpectedVersionOnUnsetAliasFailsWithVersionConflict() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));
        addPending(secret, at(2));

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> move(secret, Aliases.CURRENT, 2, OptionalInt.of(1), at(3)),
                () -> "rule: moveAlias is compare-and-set; current is unset, caller expected 1, moving to 2 must fail"
                        + " with VERSION_CONFLICT");

        assertUnset(secret, "a lost compare-and-set of moveAlias (current unset, expected 1)");
    }

    @Test
    void promoteWithCorrectExpectedVersionMovesCurrentAndSetsPrevious() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addPending(secret, at(2));

        AliasMove moved = move(secret, Aliases.CURRENT, 2, OptionalInt.of(1), at(9));

        assertEquals(OptionalInt.of(1), moved.from(), "rule: moveAlias of current 1 -> 2 reports from=1");
        assertEquals(2, moved.to(), "rule: moveAlias of current 1 -> 2 reports to=2");
        assertEquals(Map.of("current", 2, "previous", 1), moved.aliases().byName(),
                "rule: moveAlias of current 1 -> 2 returns current=2 and previous=1 (the old current)");
        assertEquals(Map.of("current", 2, "previous", 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: moveAlias of current 1 -> 2 stores current=2 and previous=1 (the old current)");
        assertEquals(at(9), reload(secret).lastRotatedAt(),
                "rule: moveAlias of current stamps lastRotatedAt with the move's time");
    }

    @Test
    void rollBackToPreviousSwapsCurrentAndPrevious() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addCurrent(secret, at(2));

        move(secret, Aliases.CURRENT, 1, OptionalInt.of(2), at(3));

        assertEquals(Map.of("current", 1, "previous", 2), store.aliases(TENANT, secret.id()).byName(),
                "rule: moveAlias of current back onto previous (2 -> 1) swaps them: current=1, previous=2");
    }

    @Test
    void movingPreviousDirectlyFailsAsInvalidRequest() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addCurrent(secret, at(2));
        addPending(secret, at(3));

        Expect.thrown(InvalidRequestException.class,
                () -> move(secret, Aliases.PREVIOUS, 3, OptionalInt.of(1), at(4)),
                () -> "rule: moveAlias refuses to move previous directly (InvalidRequestException); previous 1 -> 3");

        assertEquals(Map.of("current", 2, "previous", 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: a refused moveAlias of previous changes no alias; current 2, previous 1 stay");
    }

    @Test
    void aliasToMissingVersionFailsWithVersionNotFound() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));

        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> move(secret, Aliases.CURRENT, 2, OptionalInt.empty(), at(2)),
                () -> "rule: moveAlias onto a number never added fails with VERSION_NOT_FOUND; " + secret.path()
                        + " has version 1 only, target 2");

        assertUnset(secret, "moveAlias onto missing version 2");
    }

    @Test
    void aliasToDisabledVersionFails() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));
        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DISABLED, BeforeCommit.none());

        Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED,
                () -> move(secret, Aliases.CURRENT, 1, OptionalInt.empty(), at(2)),
                () -> "rule: the target of moveAlias must be ENABLED; current onto DISABLED version 1 fails with"
                        + " VERSION_DISABLED");
        Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED,
                () -> move(secret, "canary", 1, OptionalInt.empty(), at(2)),
                () -> "rule: the target of moveAlias must be ENABLED; canary onto DISABLED version 1 fails with"
                        + " VERSION_DISABLED");

        assertUnset(secret, "moveAlias onto DISABLED version 1");
    }

    @Test
    void aliasToDestroyedVersionFails() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));
        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DESTROYED, BeforeCommit.none());

        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> move(secret, Aliases.CURRENT, 1, OptionalInt.empty(), at(2)),
                () -> "rule: the target of moveAlias must be ENABLED; current onto DESTROYED version 1 fails with"
                        + " VERSION_DESTROYED");

        assertUnset(secret, "moveAlias onto DESTROYED version 1");
    }

    @Test
    void customAliasMovesByCompareAndSetWithoutTouchingPreviousOrRotationTime() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addPending(secret, at(2));
        addPending(secret, at(3));

        AliasMove first = move(secret, "canary", 2, OptionalInt.empty(), at(4));
        assertEquals(Map.of("canary", 2, "current", 1), first.aliases().byName(),
                "rule: moveAlias of a named alias sets only that alias (canary=2), no previous; current stays 1");

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> move(secret, "canary", 3, OptionalInt.of(1), at(5)),
                () -> "rule: moveAlias of a named alias is compare-and-set; canary is on 2, caller expected 1,"
                        + " moving to 3 must fail with VERSION_CONFLICT");
        AliasMove second = move(secret, "canary", 3, OptionalInt.of(2), at(6));

        assertEquals(OptionalInt.of(2), second.from(), "rule: moveAlias of canary 2 -> 3 reports from=2");
        assertEquals(Map.of("canary", 3, "current", 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: moveAlias of canary 2 -> 3 stores canary=3 and sets no previous; current stays 1");
        assertEquals(at(1), reload(secret).lastRotatedAt(), "only moving current counts as a rotation");
    }

    @Test
    void hookSeesTheMoveItCommitsWith() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addPending(secret, at(2));
        AliasMove[] seen = new AliasMove[1];

        AliasMove moved = store.moveAlias(TENANT, secret.id(), Aliases.CURRENT, 2, OptionalInt.of(1), at(3),
                Hooks.seeing(result -> seen[0] = result));

        assertEquals(moved, seen[0], "rule: the moveAlias hook sees the AliasMove moveAlias returns (current 1 -> 2)");
    }

    @Test
    void moveOnUnknownSecretFailsAsNotFound() {
        Expect.thrown(NotFoundException.class,
                () -> store.moveAlias(TENANT, newId(), Aliases.CURRENT, 1, OptionalInt.empty(), at(1), BeforeCommit.none()),
                () -> "rule: moveAlias on an id never created fails with NotFoundException");
    }

    @Test
    void targetChecksWinOverAStaleExpectedVersion() {
        Secret secret = create("prod", "payments/order");
        addCurrent(secret, at(1));
        addPending(secret, at(2));
        addPending(secret, at(3));
        store.transitionVersion(TENANT, secret.id(), 2, VersionState.ENABLED, VersionState.DISABLED, BeforeCommit.none());
        store.transitionVersion(TENANT, secret.id(), 3, VersionState.ENABLED, VersionState.DESTROYED, BeforeCommit.none());
        OptionalInt stale = OptionalInt.of(7);

        for (String alias : new String[] {Aliases.CURRENT, "canary"}) {
            Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND, () -> move(secret, alias, 9, stale, at(4)),
                    () -> "rule: moveAlias checks the target before the compare-and-set; alias " + alias
                            + " to missing version 9 with stale expected 7 reports VERSION_NOT_FOUND");
            Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED, () -> move(secret, alias, 2, stale, at(4)),
                    () -> "rule: moveAlias checks the target before the compare-and-set; alias " + alias
                            + " to disabled version 2 with stale expected 7 reports VERSION_DISABLED");
            Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED, () -> move(secret, alias, 3, stale, at(4)),
                    () -> "rule: moveAlias checks the target before the compare-and-set; alias " + alias
                            + " to destroyed version 3 with stale expected 7 reports VERSION_DESTROYED");
        }
        assertEquals(Map.of(Aliases.CURRENT, 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: a refused moveAlias changes no alias");
    }

    @Test
    void moveOntoTheVersionTheAliasPointsAtIsANoOpThatRunsTheHook() {
        Secret secret = create("prod", "payments/no-op");
        addCurrent(secret, at(1));
        addCurrent(secret, at(2));
        move(secret, "canary", 1, OptionalInt.empty(), at(3));
        Map<String, Integer> before = store.aliases(TENANT, secret.id()).byName();

        for (String alias : new String[] {Aliases.CURRENT, "canary"}) {
            int pointsAt = before.get(alias);
            AliasMove[] hookSaw = new AliasMove[1];
            AliasMove move = assertDoesNotThrow(() -> store.moveAlias(TENANT, secret.id(), alias, pointsAt,
                    OptionalInt.of(pointsAt), at(10), Hooks.seeing(result -> hookSaw[0] = result)), () -> "rule: moveAlias of " + alias
                    + " onto version " + pointsAt + ", where it points, with expected " + pointsAt + " succeeds as a no-op");

            assertEquals(OptionalInt.of(pointsAt), move.from(), () -> "rule: moveAlias of " + alias + " onto version " + pointsAt
                    + ", where it points, reports from=" + pointsAt);
            assertEquals(pointsAt, move.to(), () -> "rule: moveAlias of " + alias + " onto version " + pointsAt + " reports to=" + pointsAt);
            assertEquals(before, move.aliases().byName(), () -> "rule: moveAlias of " + alias + " onto version " + pointsAt
                    + " (where it points) changes no alias; previous must not become " + pointsAt);
            assertEquals(before, store.aliases(TENANT, secret.id()).byName(), () -> "rule: moveAlias of " + alias
                    + " onto the version it points pointsAt is a no-op");
            assertEquals(at(2), reload(secret).lastRotatedAt(), () -> "rule: moveAlias of " + alias + " onto the version"
                    + " it points pointsAt stamps no lastRotatedAt (nothing rotated)");
            assertEquals(move, hookSaw[0], () -> "rule: moveAlias runs its hook with the no-op move of " + alias);

            IllegalStateException failure = hookFailure();
            IllegalStateException thrown = Expect.thrown(IllegalStateException.class, () -> store.moveAlias(TENANT,
                    secret.id(), alias, pointsAt, OptionalInt.of(pointsAt), at(11), failing(failure)),
                    () -> "rule: moveAlias passes its hook's exception to the caller, also for a no-op move of " + alias);
            assertSame(failure, thrown, "rule: moveAlias rethrows its hook's exception, also for a no-op move");
            Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                    () -> move(secret, alias, pointsAt, OptionalInt.of(pointsAt + 5), at(12)),
                    () -> "rule: a no-op moveAlias is still compare-and-set; alias " + alias + " at " + pointsAt
                            + ", expected " + (pointsAt + 5));
        }
        assertEquals(before, store.aliases(TENANT, secret.id()).byName(), "rule: no-op moveAlias calls leave aliases");
    }

    @Test
    void previousAndNamedAliasesKeepPointingAtAVersionDisabledOrDestroyedAfterTheMove() {
        Secret secret = create("prod", "payments/stale-alias");
        addCurrent(secret, at(1));
        addPending(secret, at(2));
        move(secret, "canary", 2, OptionalInt.empty(), at(3));
        addCurrent(secret, at(4));

        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DISABLED, BeforeCommit.none());
        store.transitionVersion(TENANT, secret.id(), 2, VersionState.ENABLED, VersionState.DESTROYED, BeforeCommit.none());

        assertEquals(Map.of(Aliases.CURRENT, 3, Aliases.PREVIOUS, 1, "canary", 2),
                store.aliases(TENANT, secret.id()).byName(), "rule: only the target of a move must be ENABLED;"
                        + " transitionVersion of the versions previous (1) and canary (2) point at leaves both aliases");
    }

    @Test
    void promotingTheVersionNextPointsAtClearsNextInTheSameStep() {
        Secret secret = create("prod", "payments/promote-next");
        addCurrent(secret, at(1));
        addPending(secret, at(2));
        move(secret, Aliases.NEXT, 2, OptionalInt.empty(), at(3));
        AliasMove[] hookSaw = new AliasMove[1];

        AliasMove promoted = store.moveAlias(TENANT, secret.id(), Aliases.CURRENT, 2, OptionalInt.of(1), at(4),
                Hooks.seeing(result -> hookSaw[0] = result));

        assertEquals(Map.of(Aliases.CURRENT, 2, Aliases.PREVIOUS, 1), promoted.aliases().byName(),
                "rule: moveAlias of current onto the version next points at (1 -> 2, next=2) returns current=2,"
                        + " previous=1 and no next (a promotion clears next)");
        assertEquals(Map.of(Aliases.CURRENT, 2, Aliases.PREVIOUS, 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: moveAlias of current onto the version next points at stores current=2, previous=1 and no next,"
                        + " in the same atomic step");
        assertTrue(promoted.nextCleared(), "rule: a moveAlias of current that clears next reports nextCleared=true");
        assertEquals(promoted, hookSaw[0], "rule: the hook of a promotion sees the move with nextCleared=true");
        assertEquals(at(4), reload(secret).lastRotatedAt(), "rule: a promotion stamps lastRotatedAt like any move of current");
    }

    @Test
    void movingCurrentElsewhereOrAddingACurrentVersionLeavesNext() {
        Secret secret = create("prod", "payments/next-stays");
        addCurrent(secret, at(1));
        addPending(secret, at(2));
        addPending(secret, at(3));
        move(secret, Aliases.NEXT, 2, OptionalInt.empty(), at(4));

        AliasMove moved = move(secret, Aliases.CURRENT, 3, OptionalInt.of(1), at(5));
        assertFalse(moved.nextCleared(), "rule: moveAlias of current onto 3 while next is on 2 reports nextCleared=false");
        assertEquals(Map.of(Aliases.CURRENT, 3, Aliases.PREVIOUS, 1, Aliases.NEXT, 2), store.aliases(TENANT, secret.id()).byName(),
                "rule: moveAlias of current onto a version next does not point at (3, next=2) leaves next on 2");

        move(secret, "canary", 2, OptionalInt.empty(), at(6));
        assertEquals(OptionalInt.of(2), store.aliases(TENANT, secret.id()).get(Aliases.NEXT),
                "rule: moveAlias of a named alias onto the version next points at leaves next on 2");

        addCurrent(secret, at(7));
        assertEquals(Map.of(Aliases.CURRENT, 4, Aliases.PREVIOUS, 3, Aliases.NEXT, 2, "canary", 2),
                store.aliases(TENANT, secret.id()).byName(),
                "rule: addVersion(makeCurrent) leaves next where it is (on 2); only current and previous move");
    }

    @Test
    void removeAliasRemovesNextOrANamedAliasByCompareAndSet() {
        Secret secret = create("prod", "payments/remove-alias");
        addCurrent(secret, at(1));
        addPending(secret, at(2));
        move(secret, Aliases.NEXT, 2, OptionalInt.empty(), at(3));
        move(secret, "canary", 2, OptionalInt.empty(), at(3));
        AliasRemoval[] hookSaw = new AliasRemoval[1];

        AliasRemoval removed = store.removeAlias(TENANT, secret.id(), Aliases.NEXT, OptionalInt.of(2),
                Hooks.seeing(result -> hookSaw[0] = result));

        assertEquals(Aliases.NEXT, removed.alias(), "rule: removeAlias(next) reports the alias next");
        assertEquals(2, removed.from(), "rule: removeAlias(next) reports from=2, where next pointed");
        assertEquals(Map.of(Aliases.CURRENT, 1, "canary", 2), removed.aliases().byName(),
                "rule: removeAlias(next, expected 2) returns the aliases without next; current and canary stay");
        assertEquals(Map.of(Aliases.CURRENT, 1, "canary", 2), store.aliases(TENANT, secret.id()).byName(),
                "rule: removeAlias(next, expected 2) stores the aliases without next");
        assertEquals(removed, hookSaw[0], "rule: the removeAlias hook sees the AliasRemoval removeAlias returns");
        assertEquals(VersionState.ENABLED, store.findVersion(TENANT, secret.id(), 2).orElseThrow().state(),
                "rule: removeAlias leaves the version the alias pointed at (2) as it was: ENABLED");
        assertEquals(at(1), reload(secret).lastRotatedAt(), "rule: removeAlias stamps no lastRotatedAt (nothing rotated)");

        AliasRemoval unconditional = store.removeAlias(TENANT, secret.id(), "canary", OptionalInt.empty(), BeforeCommit.none());
        assertEquals(2, unconditional.from(), "rule: removeAlias(canary, expected empty) removes it wherever it points (2)");
        assertEquals(Map.of(Aliases.CURRENT, 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: removeAlias of a named alias with expected empty removes it; only current stays");
    }

    @Test
    void removeAliasWithStaleExpectedVersionFailsWithVersionConflictAndChangesNothing() {
        Secret secret = create("prod", "payments/remove-stale");
        addCurrent(secret, at(1));
        addPending(secret, at(2));
        move(secret, Aliases.NEXT, 2, OptionalInt.empty(), at(3));

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> store.removeAlias(TENANT, secret.id(), Aliases.NEXT, OptionalInt.of(1), BeforeCommit.none()),
                () -> "rule: removeAlias is compare-and-set; next is on 2, caller expected 1, must fail with VERSION_CONFLICT");

        assertEquals(Map.of(Aliases.CURRENT, 1, Aliases.NEXT, 2), store.aliases(TENANT, secret.id()).byName(),
                "rule: a removeAlias that loses its compare-and-set changes no alias; next stays on 2");
    }

    @Test
    void removeAliasOfAnUnsetAliasFailsWithAliasNotFoundBeforeTheCompareAndSet() {
        Secret secret = create("prod", "payments/remove-unset");
        addCurrent(secret, at(1));

        for (OptionalInt expected : new OptionalInt[] {OptionalInt.empty(), OptionalInt.of(1)}) {
            Expect.thrown(NotFoundException.class, ErrorCode.ALIAS_NOT_FOUND,
                    () -> store.removeAlias(TENANT, secret.id(), Aliases.NEXT, expected, BeforeCommit.none()),
                    () -> "rule: removeAlias of an alias that is not set fails with ALIAS_NOT_FOUND (checked before the"
                            + " compare-and-set); next is unset, expected " + expected);
        }
        assertEquals(Map.of(Aliases.CURRENT, 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: a refused removeAlias changes no alias");
    }

    @Test
    void removingCurrentOrPreviousOrAnInvalidNameFailsAsInvalidArgumentBeforeTheSecretIsLookedAt() {
        Secret secret = create("prod", "payments/remove-reserved");
        addCurrent(secret, at(1));
        addCurrent(secret, at(2));
        String missing = newId();

        for (String alias : new String[] {Aliases.CURRENT, Aliases.PREVIOUS, "Canary!"}) {
            Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                    () -> store.removeAlias(TENANT, secret.id(), alias, OptionalInt.empty(), BeforeCommit.none()),
                    () -> "rule: removeAlias refuses alias '" + alias + "' with INVALID_ARGUMENT (current and previous"
                            + " cannot be removed; names must be valid)");
            Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                    () -> store.removeAlias(TENANT, missing, alias, OptionalInt.empty(), BeforeCommit.none()),
                    () -> "rule: removeAlias checks the alias name before the secret; alias '" + alias
                            + "' on an id never created fails with INVALID_ARGUMENT, not SECRET_NOT_FOUND");
        }
        assertEquals(Map.of(Aliases.CURRENT, 2, Aliases.PREVIOUS, 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: a refused removeAlias changes no alias; current 2, previous 1 stay");
    }

    @Test
    void removeAliasOnAnUnknownSecretFailsWithSecretNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> store.removeAlias(TENANT, newId(), Aliases.NEXT, OptionalInt.of(1), BeforeCommit.none()),
                () -> "rule: removeAlias on an id never created fails with SECRET_NOT_FOUND (before the alias is looked at)");
    }

    @Test
    void removeAliasWhoseHookThrowsRemovesNothing() {
        Secret secret = create("prod", "payments/remove-hook");
        addCurrent(secret, at(1));
        addPending(secret, at(2));
        move(secret, Aliases.NEXT, 2, OptionalInt.empty(), at(3));
        IllegalStateException failure = hookFailure();

        IllegalStateException thrown = Expect.thrown(IllegalStateException.class,
                () -> store.removeAlias(TENANT, secret.id(), Aliases.NEXT, OptionalInt.of(2), failing(failure)),
                () -> "rule: removeAlias passes its hook's exception to the caller");

        assertSame(failure, thrown, "rule: removeAlias rethrows its hook's exception");
        assertEquals(Map.of(Aliases.CURRENT, 1, Aliases.NEXT, 2), store.aliases(TENANT, secret.id()).byName(),
                "rule: a removeAlias whose hook throws removes nothing; next stays on 2");
    }

    // 'refused' names the refused call, for the failure message.
    private void assertUnset(Secret secret, String refused) {
        assertEquals(Map.of(), store.aliases(TENANT, secret.id()).byName(),
                () -> "rule: a refused moveAlias sets no alias; " + refused + " of " + secret.path());
        assertNull(reload(secret).lastRotatedAt(),
                () -> "rule: a refused moveAlias stamps no lastRotatedAt; " + refused + " of " + secret.path());
    }
}
