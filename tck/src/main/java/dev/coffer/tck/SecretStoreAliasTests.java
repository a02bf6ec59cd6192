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

        assertEquals(Aliases.CURRENT, moved.alias());
        assertEquals(OptionalInt.empty(), moved.from());
        assertEquals(1, moved.to());
        assertEquals(Map.of("current", 1), moved.aliases().byName());
        assertEquals(Map.of("current", 1), store.aliases(TENANT, secret.id()).byName());
        assertEquals(at(5), reload(secret).lastRotatedAt());
    }

    @Test
    void promoteWithEmptyExpectedWhenCurrentIsSetFailsWithVersionConflict() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addPending(secret, at(2));

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> move(secret, Aliases.CURRENT, 2, OptionalInt.empty(), at(3)));

        assertEquals(Map.of("current", 1), store.aliases(TENANT, secret.id()).byName());
        assertEquals(at(1), reload(secret).lastRotatedAt());
    }

    @Test
    void promoteWithStaleExpectedVersionFailsAndChangesNothing() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addCurrent(secret, at(2));
        addPending(secret, at(3));

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> move(secret, Aliases.CURRENT, 3, OptionalInt.of(1), at(4)));

        assertEquals(Map.of("current", 2, "previous", 1), store.aliases(TENANT, secret.id()).byName());
        assertEquals(at(2), reload(secret).lastRotatedAt());
    }

    @Test
    void promoteWithExpectedVersionOnUnsetAliasFailsWithVersionConflict() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));
        addPending(secret, at(2));

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> move(secret, Aliases.CURRENT, 2, OptionalInt.of(1), at(3)));

        assertUnset(secret);
    }

    @Test
    void promoteWithCorrectExpectedVersionMovesCurrentAndSetsPrevious() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addPending(secret, at(2));

        AliasMove moved = move(secret, Aliases.CURRENT, 2, OptionalInt.of(1), at(9));

        assertEquals(OptionalInt.of(1), moved.from());
        assertEquals(2, moved.to());
        assertEquals(Map.of("current", 2, "previous", 1), moved.aliases().byName());
        assertEquals(Map.of("current", 2, "previous", 1), store.aliases(TENANT, secret.id()).byName());
        assertEquals(at(9), reload(secret).lastRotatedAt());
    }

    @Test
    void rollBackToPreviousSwapsCurrentAndPrevious() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addCurrent(secret, at(2));

        move(secret, Aliases.CURRENT, 1, OptionalInt.of(2), at(3));

        assertEquals(Map.of("current", 1, "previous", 2), store.aliases(TENANT, secret.id()).byName());
    }

    @Test
    void movingPreviousDirectlyFailsAsInvalidRequest() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addCurrent(secret, at(2));
        addPending(secret, at(3));

        Expect.thrown(InvalidRequestException.class,
                () -> move(secret, Aliases.PREVIOUS, 3, OptionalInt.of(1), at(4)));

        assertEquals(Map.of("current", 2, "previous", 1), store.aliases(TENANT, secret.id()).byName());
    }

    @Test
    void aliasToMissingVersionFailsWithVersionNotFound() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));

        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> move(secret, Aliases.CURRENT, 2, OptionalInt.empty(), at(2)));

        assertUnset(secret);
    }

    @Test
    void aliasToDisabledVersionFails() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));
        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DISABLED, BeforeCommit.none());

        Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED,
                () -> move(secret, Aliases.CURRENT, 1, OptionalInt.empty(), at(2)));
        Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED,
                () -> move(secret, "canary", 1, OptionalInt.empty(), at(2)));

        assertUnset(secret);
    }

    @Test
    void aliasToDestroyedVersionFails() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));
        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DESTROYED, BeforeCommit.none());

        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> move(secret, Aliases.CURRENT, 1, OptionalInt.empty(), at(2)));

        assertUnset(secret);
    }

    @Test
    void customAliasMovesByCompareAndSetWithoutTouchingPreviousOrRotationTime() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addPending(secret, at(2));
        addPending(secret, at(3));

        AliasMove first = move(secret, "canary", 2, OptionalInt.empty(), at(4));
        assertEquals(Map.of("canary", 2, "current", 1), first.aliases().byName());

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> move(secret, "canary", 3, OptionalInt.of(1), at(5)));
        AliasMove second = move(secret, "canary", 3, OptionalInt.of(2), at(6));

        assertEquals(OptionalInt.of(2), second.from());
        assertEquals(Map.of("canary", 3, "current", 1), store.aliases(TENANT, secret.id()).byName());
        assertEquals(at(1), reload(secret).lastRotatedAt(), "only moving current counts as a rotation");
    }

    @Test
    void hookSeesTheMoveItCommitsWith() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addPending(secret, at(2));
        AliasMove[] seen = new AliasMove[1];

        AliasMove moved = store.moveAlias(TENANT, secret.id(), Aliases.CURRENT, 2, OptionalInt.of(1), at(3),
                result -> seen[0] = result);

        assertEquals(moved, seen[0]);
    }

    @Test
    void moveOnUnknownSecretFailsAsNotFound() {
        Expect.thrown(NotFoundException.class,
                () -> store.moveAlias(TENANT, newId(), Aliases.CURRENT, 1, OptionalInt.empty(), at(1), BeforeCommit.none()));
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
                    OptionalInt.of(pointsAt), at(10), result -> hookSaw[0] = result), () -> "rule: moveAlias of " + alias
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
                    secret.id(), alias, pointsAt, OptionalInt.of(pointsAt), at(11), failing(failure)));
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

    private void assertUnset(Secret secret) {
        assertEquals(Map.of(), store.aliases(TENANT, secret.id()).byName());
        assertNull(reload(secret).lastRotatedAt());
    }
}
