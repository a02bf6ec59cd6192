package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

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

    // 'refused' names the refused call, for the failure message.
    private void assertUnset(Secret secret, String refused) {
        assertEquals(Map.of(), store.aliases(TENANT, secret.id()).byName(),
                () -> "rule: a refused moveAlias sets no alias; " + refused + " of " + secret.path());
        assertNull(reload(secret).lastRotatedAt(),
                () -> "rule: a refused moveAlias stamps no lastRotatedAt; " + refused + " of " + secret.path());
    }
}
