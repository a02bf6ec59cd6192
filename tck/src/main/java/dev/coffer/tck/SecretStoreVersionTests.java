package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.store.AddedVersion;
import dev.coffer.spi.store.AliasMove;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.VersionSealer;
import dev.coffer.tck.support.Hooks;
import dev.coffer.tck.support.Expect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link SecretStoreContract}: versions — numbering, sealing, sealed values, states. */
abstract class SecretStoreVersionTests extends SecretStoreTestSupport {

    @Test
    void versionsAreNumberedFromOneWithoutGaps() {
        Secret secret = create("prod", "payments/stripe-api-key");

        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            numbers.add(addPending(secret, at(i)).number());
        }

        assertEquals(List.of(1, 2, 3, 4, 5), numbers,
                "rule: addVersion numbers the versions of a secret 1, 2, 3, ... without gaps");
        assertEquals(numbers, store.listVersions(TENANT, secret.id()).stream().map(VersionRecord::number).toList(),
                () -> "rule: listVersions lists every added version in ascending number; added " + numbers);
    }

    @Test
    void anIdDeletedAndCreatedAgainNumbersOnAfterItsOldVersions() {
        Secret first = create("prod", "payments/stripe-api-key");
        for (int i = 0; i < 3; i++) {
            addPending(first, at(i));
        }
        store.deleteSecret(TENANT, first.id(), BeforeCommit.none());

        // The same id again, at the same path and then at another one: numbers are never reused.
        Secret again = store.createSecret(first, BeforeCommit.none());
        assertEquals(4, addPending(again, at(10)).number(), () -> "rule: version numbers are never reused; a secret created"
                + " again with the id " + first.id() + " of a deleted secret that had versions 1..3 numbers its next"
                + " version 4 (addVersion)");
        assertEquals(List.of(4), store.listVersions(TENANT, first.id()).stream().map(VersionRecord::number).toList(),
                () -> "rule: a secret created again with a deleted secret's id starts without the old versions;"
                        + " listVersions of " + first.id() + " lists only 4");
        addPending(again, at(11));
        store.deleteSecret(TENANT, first.id(), BeforeCommit.none());

        Secret elsewhere = new Secret(first.id(), dev.coffer.spi.model.SecretPath.of(TENANT, "dev", "payments/moved"),
                first.ownerTeam(), first.description(), first.rotationStrategy(), first.rotationPeriod(), first.labels(),
                T0, T0, null, null);
        store.createSecret(elsewhere, BeforeCommit.none());
        assertEquals(6, addCurrent(elsewhere, at(20)).number(), () -> "rule: version numbers are never reused, whatever"
                + " the path; id " + first.id() + " deleted twice (last at version 5) and created again at "
                + elsewhere.path() + " numbers its next version 6 (addVersion)");
    }

    @Test
    void addedVersionKeepsItsFacts() {
        Secret secret = create("prod", "payments/stripe-api-key");
        SealedValue sealed = randomSealed();

        VersionRecord added = store.addVersion(TENANT, secret.id(), n -> sealed, WRITER, at(7), at(3600), false,
                BeforeCommit.none());

        VersionRecord expected = new VersionRecord(1, VersionState.ENABLED, WRITER, at(7), at(3600), KEY_ID);
        assertEquals(expected, added, "rule: addVersion returns version 1 ENABLED with the given createdBy,"
                + " createdAt, expiresAt and the sealer's keyId");
        assertEquals(expected, store.findVersion(TENANT, secret.id(), 1).orElseThrow(),
                "rule: findVersion returns the facts addVersion stored for version 1");
        assertEquals(List.of(expected), store.listVersions(TENANT, secret.id()),
                "rule: listVersions returns the facts addVersion stored, version 1 only");
    }

    @Test
    void sealerReceivesTheAllocatedNumber() {
        Secret secret = create("prod", "payments/stripe-api-key");
        List<Integer> asked = new ArrayList<>();
        VersionSealer recording = number -> {
            asked.add(number);
            return randomSealed();
        };

        for (int i = 0; i < 3; i++) {
            store.addVersion(TENANT, secret.id(), recording, WRITER, at(i), null, false, BeforeCommit.none());
        }

        assertEquals(List.of(1, 2, 3), asked,
                "rule: addVersion calls the VersionSealer once with the number it allocates (1, 2, 3)");
    }

    @Test
    void failingSealerStoresNothingAndNumbersStayGapFree() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        UnavailableException keyDown = new UnavailableException(ErrorCode.KEY_UNAVAILABLE, "key service down (TCK)");

        UnavailableException thrown = Expect.thrown(UnavailableException.class, ErrorCode.KEY_UNAVAILABLE,
                () -> store.addVersion(TENANT, secret.id(), n -> {
                    throw keyDown;
                }, WRITER, at(2), null, true, BeforeCommit.none()),
                () -> "rule: addVersion passes the sealer's exception (KEY_UNAVAILABLE) to the caller; adding version 2"
                        + " of " + secret.path());

        assertSame(keyDown, thrown, "the sealer's exception must reach the caller unchanged");
        assertEquals(List.of(1), store.listVersions(TENANT, secret.id()).stream().map(VersionRecord::number).toList(),
                "rule: addVersion whose sealer fails stores no version; only version 1 stays");
        assertEquals(Map.of("current", 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: addVersion(makeCurrent) whose sealer fails moves no alias; current stays on 1");
        assertEquals(at(1), reload(secret).lastRotatedAt(),
                "rule: addVersion(makeCurrent) whose sealer fails leaves lastRotatedAt at version 1's time");
        assertEquals(2, addPending(secret, at(3)).number(),
                "rule: addVersion whose sealer fails uses up no number; the next add gets version 2");
    }

    @Test
    void failingHookStoresNothingAndNumbersStayGapFree() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        IllegalStateException failure = hookFailure();

        IllegalStateException thrown = Expect.thrown(IllegalStateException.class,
                () -> store.addVersion(TENANT, secret.id(), sealer(), WRITER, at(2), null, true, failing(failure)),
                () -> "rule: addVersion passes the hook's exception to the caller; adding version 2 of " + secret.path());

        assertSame(failure, thrown, "rule: addVersion passes the hook's exception to the caller unchanged");
        assertTrue(store.findVersion(TENANT, secret.id(), 2).isEmpty(),
                "rule: addVersion whose hook fails stores no version; findVersion(2) must be empty");
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 2).isEmpty(),
                "rule: addVersion whose hook fails stores no sealed value; loadSealedValue(2) must be empty");
        assertEquals(1, store.listVersions(TENANT, secret.id()).size(),
                "rule: addVersion whose hook fails stores no version; listVersions holds version 1 only");
        assertEquals(Map.of("current", 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: addVersion(makeCurrent) whose hook fails moves no alias; current stays on 1");
        assertEquals(at(1), reload(secret).lastRotatedAt(),
                "rule: addVersion(makeCurrent) whose hook fails leaves lastRotatedAt at version 1's time");
        assertEquals(2, addPending(secret, at(3)).number(),
                "rule: addVersion whose hook fails uses up no number; the next add gets version 2");
    }

    @Test
    void hookSeesTheAddedVersion() {
        Secret secret = create("prod", "payments/stripe-api-key");
        AtomicReference<AddedVersion> seen = new AtomicReference<>();

        VersionRecord added = store.addVersion(TENANT, secret.id(), sealer(), WRITER, at(1), null, false, Hooks.seeing(seen::set));

        assertEquals(added, seen.get().record(),
                "rule: the addVersion hook sees the same VersionRecord that addVersion returns");
        assertTrue(seen.get().currentMove().isEmpty(), "a pending version moves no alias");
    }

    @Test
    void hookOfACurrentAddSeesTheMoveFromTheOldCurrent() {
        Secret secret = create("prod", "payments/stripe-api-key");
        AtomicReference<AddedVersion> first = new AtomicReference<>();
        AtomicReference<AddedVersion> second = new AtomicReference<>();

        store.addVersion(TENANT, secret.id(), sealer(), WRITER, at(1), null, true, Hooks.seeing(first::set));
        store.addVersion(TENANT, secret.id(), sealer(), WRITER, at(2), null, true, Hooks.seeing(second::set));

        AliasMove initial = first.get().currentMove().orElseThrow();
        assertEquals("current", initial.alias(), "rule: the hook of addVersion(makeCurrent) sees a move of 'current'");
        assertEquals(OptionalInt.empty(), initial.from(),
                "rule: the hook of the first addVersion(makeCurrent) sees current moved from no version");
        assertEquals(1, initial.to(), "rule: the hook of the first addVersion(makeCurrent) sees current moved to 1");
        AliasMove rotation = second.get().currentMove().orElseThrow();
        assertEquals(OptionalInt.of(1), rotation.from(),
                "rule: the hook of the second addVersion(makeCurrent) sees current moved from 1");
        assertEquals(2, rotation.to(), "rule: the hook of the second addVersion(makeCurrent) sees current moved to 2");
        assertEquals(Map.of("current", 2, "previous", 1), rotation.aliases().byName(),
                "rule: the hook of addVersion(makeCurrent) sees the aliases after the move (current 2, previous 1)");
    }

    @Test
    void addVersionToUnknownSecretFailsWithSecretNotFound() {
        String unknown = newId();
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> store.addVersion(TENANT, unknown, sealer(), WRITER, T0, null, false, BeforeCommit.none()),
                () -> "rule: addVersion on an unknown secret fails with SECRET_NOT_FOUND; tenant " + TENANT
                        + ", secret " + unknown);
    }

    @Test
    void unknownVersionIsNotFound() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret);

        assertTrue(store.findVersion(TENANT, secret.id(), 2).isEmpty(),
                "rule: findVersion of a number never added is empty; secret has version 1 only, asked 2");
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 2).isEmpty(),
                "rule: loadSealedValue of a number never added is empty; secret has version 1 only, asked 2");
        String unknown = newId();
        assertTrue(store.listVersions(TENANT, unknown).isEmpty(),
                () -> "rule: listVersions of an unknown secret is empty; secret " + unknown);
    }

    @Test
    void sealedValueRoundTripsPerVersion() {
        Secret secret = create("prod", "payments/stripe-api-key");
        Map<Integer, SealedValue> sealedByNumber = new ConcurrentHashMap<>();
        VersionSealer remembering = number -> {
            SealedValue sealed = new SealedValue(randomBytes(64), randomBytes(32), "tck-key-" + number);
            sealedByNumber.put(number, sealed.copy());
            return sealed;
        };
        for (int i = 0; i < 3; i++) {
            store.addVersion(TENANT, secret.id(), remembering, WRITER, at(i), null, false, BeforeCommit.none());
        }

        for (int number = 1; number <= 3; number++) {
            int asked = number;
            assertEquals(sealedByNumber.get(number), store.loadSealedValue(TENANT, secret.id(), number).orElseThrow(),
                    () -> "rule: loadSealedValue returns the sealed value the sealer gave for that version; version "
                            + asked);
            assertEquals("tck-key-" + number, store.findVersion(TENANT, secret.id(), number).orElseThrow().keyId(),
                    () -> "rule: findVersion reports the keyId of the sealed value stored for that version; version "
                            + asked);
        }
    }

    @Test
    void loadedSealedValueIsACopy() {
        Secret secret = create("prod", "payments/stripe-api-key");
        SealedValue original = randomSealed();
        store.addVersion(TENANT, secret.id(), n -> original.copy(), WRITER, T0, null, false, BeforeCommit.none());

        SealedValue loaded = store.loadSealedValue(TENANT, secret.id(), 1).orElseThrow();
        loaded.ciphertext()[0] ^= 0x01;
        loaded.wrappedKey()[0] ^= 0x01;

        SealedValue again = store.loadSealedValue(TENANT, secret.id(), 1).orElseThrow();
        assertArrayEquals(original.ciphertext(), again.ciphertext(),
                "rule: loadSealedValue returns a copy; changing the returned ciphertext changes nothing stored (version 1)");
        assertArrayEquals(original.wrappedKey(), again.wrappedKey(),
                "rule: loadSealedValue returns a copy; changing the returned wrappedKey changes nothing stored (version 1)");
    }

    @Test
    void sealerArraysChangedAfterAddDoNotChangeStoredValue() {
        Secret secret = create("prod", "payments/stripe-api-key");
        SealedValue handedOver = randomSealed();
        SealedValue original = handedOver.copy();
        store.addVersion(TENANT, secret.id(), n -> handedOver, WRITER, T0, null, false, BeforeCommit.none());

        handedOver.ciphertext()[0] ^= 0x01;
        handedOver.wrappedKey()[0] ^= 0x01;

        assertEquals(original, store.loadSealedValue(TENANT, secret.id(), 1).orElseThrow(),
                "rule: addVersion stores a copy of the sealer's arrays; changing them afterwards changes nothing"
                        + " stored (version 1)");
    }

    @Test
    void disableAndEnableAreCompareAndSetOnState() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret);
        addCurrent(secret, at(1));

        VersionRecord disabled = store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED,
                VersionState.DISABLED, BeforeCommit.none());
        assertEquals(VersionState.DISABLED, disabled.state(),
                "rule: transitionVersion ENABLED -> DISABLED returns the version DISABLED (version 1, not current)");
        assertEquals(VersionState.DISABLED, store.findVersion(TENANT, secret.id(), 1).orElseThrow().state(),
                "rule: transitionVersion ENABLED -> DISABLED is stored; findVersion(1) must be DISABLED");

        VersionRecord enabled = store.transitionVersion(TENANT, secret.id(), 1, VersionState.DISABLED,
                VersionState.ENABLED, BeforeCommit.none());
        assertEquals(VersionState.ENABLED, enabled.state(),
                "rule: transitionVersion DISABLED -> ENABLED returns the version ENABLED (version 1)");
        assertEquals(KEY_ID, enabled.keyId(),
                "rule: transitionVersion DISABLED -> ENABLED keeps the keyId " + KEY_ID + " (version 1)");
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 1).isPresent(),
                "rule: transitionVersion ENABLED <-> DISABLED keeps the sealed value (version 1)");
    }

    @Test
    void transitionFromWrongStateFailsWithStateConflictAndChangesNothing() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret);

        Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                () -> store.transitionVersion(TENANT, secret.id(), 1, VersionState.DISABLED, VersionState.ENABLED,
                        BeforeCommit.none()),
                () -> "rule: transitionVersion is compare-and-set on from (STATE_CONFLICT); version 1 is ENABLED,"
                        + " caller expected DISABLED (to ENABLED)");
        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DISABLED, BeforeCommit.none());
        Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                () -> store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DESTROYED,
                        BeforeCommit.none()),
                () -> "rule: transitionVersion is compare-and-set on from (STATE_CONFLICT); version 1 is DISABLED,"
                        + " caller expected ENABLED (to DESTROYED)");

        assertEquals(VersionState.DISABLED, store.findVersion(TENANT, secret.id(), 1).orElseThrow().state(),
                "rule: a lost compare-and-set of transitionVersion leaves the state DISABLED (version 1)");
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 1).isPresent(),
                "rule: a lost compare-and-set of transitionVersion to DESTROYED keeps the sealed value (version 1)");
    }

    @Test
    void currentVersionCannotBeDisabledOrDestroyed() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));

        for (VersionState to : List.of(VersionState.DISABLED, VersionState.DESTROYED)) {
            Expect.thrown(ConflictException.class, ErrorCode.VERSION_IS_CURRENT,
                    () -> store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, to, BeforeCommit.none()),
                    () -> "rule: transitionVersion ENABLED -> " + to + " of the version 'current' points at fails with"
                            + " VERSION_IS_CURRENT; version 1 of " + secret.path());
        }

        VersionRecord kept = store.findVersion(TENANT, secret.id(), 1).orElseThrow();
        assertEquals(VersionState.ENABLED, kept.state(),
                "rule: a refused transitionVersion of the current version leaves it ENABLED (version 1)");
        assertEquals(KEY_ID, kept.keyId(),
                "rule: a refused transitionVersion of the current version keeps its keyId " + KEY_ID + " (version 1)");
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 1).isPresent(),
                "rule: a refused transitionVersion of the current version keeps its sealed value (version 1)");
    }

    @Test
    void previousVersionCanBeDisabled() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addCurrent(secret, at(2));

        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DISABLED, BeforeCommit.none());

        assertEquals(VersionState.DISABLED, store.findVersion(TENANT, secret.id(), 1).orElseThrow().state(),
                "rule: transitionVersion may disable the version 'previous' points at; version 1 must be DISABLED");
        assertEquals(OptionalInt.of(2), store.aliases(TENANT, secret.id()).get("current"),
                "rule: transitionVersion of version 1 leaves 'current' on version 2");
    }

    @Test
    void destroyRemovesSealedValueAndKeyIdButKeepsTheNumber() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));
        addPending(secret, at(2));

        VersionRecord destroyed = store.transitionVersion(TENANT, secret.id(), 2, VersionState.ENABLED,
                VersionState.DESTROYED, BeforeCommit.none());

        assertEquals(VersionState.DESTROYED, destroyed.state(),
                "rule: transitionVersion ENABLED -> DESTROYED returns the version DESTROYED (version 2)");
        assertEquals("", destroyed.keyId(),
                "rule: transitionVersion -> DESTROYED returns the version with an empty keyId (version 2)");
        VersionRecord stored = store.findVersion(TENANT, secret.id(), 2).orElseThrow();
        assertEquals(VersionState.DESTROYED, stored.state(),
                "rule: transitionVersion -> DESTROYED is stored; findVersion(2) must be DESTROYED");
        assertEquals("", stored.keyId(), "rule: transitionVersion -> DESTROYED stores an empty keyId (version 2)");
        assertEquals(at(2), stored.createdAt(),
                "rule: transitionVersion -> DESTROYED keeps the version's createdAt (version 2)");
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 2).isEmpty(),
                "rule: transitionVersion -> DESTROYED removes the sealed value; loadSealedValue(2) must be empty");
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 1).isPresent(), "other versions keep their values");
        assertEquals(List.of(1, 2), store.listVersions(TENANT, secret.id()).stream().map(VersionRecord::number).toList(),
                "rule: a DESTROYED version keeps its number in listVersions (1, 2)");
        assertEquals(3, addPending(secret, at(3)).number(), "a destroyed number is never reused");
    }

    @Test
    void disabledVersionCanBeDestroyed() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret);
        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DISABLED, BeforeCommit.none());

        store.transitionVersion(TENANT, secret.id(), 1, VersionState.DISABLED, VersionState.DESTROYED, BeforeCommit.none());

        assertEquals(VersionState.DESTROYED, store.findVersion(TENANT, secret.id(), 1).orElseThrow().state(),
                "rule: transitionVersion DISABLED -> DESTROYED is stored; findVersion(1) must be DESTROYED");
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 1).isEmpty(),
                "rule: transitionVersion DISABLED -> DESTROYED removes the sealed value (version 1)");
    }

    @Test
    void transitionOfMissingVersionFailsWithVersionNotFound() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret);

        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> store.transitionVersion(TENANT, secret.id(), 2, VersionState.ENABLED, VersionState.DISABLED,
                        BeforeCommit.none()),
                () -> "rule: transitionVersion of a number never added fails with VERSION_NOT_FOUND; " + secret.path()
                        + " has version 1 only, asked 2");
    }

    @Test
    void addVersionWithMakeCurrentMovesCurrentAndPrevious() {
        Secret secret = create("prod", "payments/stripe-api-key");

        addCurrent(secret, at(1));
        assertEquals(Map.of("current", 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: the first addVersion(makeCurrent) points 'current' at 1 and sets no 'previous'");
        assertEquals(at(1), reload(secret).lastRotatedAt(),
                "rule: addVersion(makeCurrent) sets lastRotatedAt to the version's createdAt (version 1)");

        addCurrent(secret, at(2));
        assertEquals(Map.of("current", 2, "previous", 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: addVersion(makeCurrent) moves 'current' to 2 and 'previous' to the old current 1");
        assertEquals(at(2), reload(secret).lastRotatedAt(),
                "rule: addVersion(makeCurrent) sets lastRotatedAt to the version's createdAt (version 2)");

        addPending(secret, at(3));
        assertEquals(Map.of("current", 2, "previous", 1), store.aliases(TENANT, secret.id()).byName(),
                "rule: addVersion without makeCurrent moves no alias (version 3 added; current 2, previous 1)");
        assertEquals(at(2), reload(secret).lastRotatedAt(),
                "rule: addVersion without makeCurrent leaves lastRotatedAt at version 2's time");
    }

    @Test
    void pendingVersionLeavesAliasesAndRotationTimeAlone() {
        Secret secret = create("prod", "payments/stripe-api-key");

        addPending(secret, at(1));

        assertTrue(store.aliases(TENANT, secret.id()).byName().isEmpty(),
                "rule: addVersion without makeCurrent sets no alias (version 1 pending)");
        assertNull(reload(secret).lastRotatedAt(),
                "rule: addVersion without makeCurrent leaves lastRotatedAt null (version 1 pending)");
    }

    @Test
    void rewrapReplacesWrappedKeyAndKeyIdButKeepsCiphertext() {
        Secret secret = create("prod", "payments/stripe-api-key");
        SealedValue original = randomSealed();
        store.addVersion(TENANT, secret.id(), n -> original, WRITER, at(1), null, false, BeforeCommit.none());
        SealedValue rewrapped = new SealedValue(original.ciphertext(), randomBytes(40), "tck-key-2");

        assertTrue(store.rewrapVersion(TENANT, secret.id(), 1, rewrapped),
                "rule: rewrapVersion of a live version with the same ciphertext returns true (version 1)");

        assertEquals(rewrapped, store.loadSealedValue(TENANT, secret.id(), 1).orElseThrow(),
                "rule: rewrapVersion stores the new wrappedKey and keyId (version 1, tck-key-1 -> tck-key-2)");
        assertEquals("tck-key-2", store.findVersion(TENANT, secret.id(), 1).orElseThrow().keyId(),
                "rule: rewrapVersion updates the keyId findVersion reports (version 1, tck-key-1 -> tck-key-2)");
    }

    @Test
    void rewrapThatChangesTheCiphertextIsRefused() {
        Secret secret = create("prod", "payments/stripe-api-key");
        SealedValue original = randomSealed();
        store.addVersion(TENANT, secret.id(), n -> original, WRITER, at(1), null, false, BeforeCommit.none());

        Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT, () -> store.rewrapVersion(TENANT, secret.id(), 1,
                new SealedValue(randomBytes(48), randomBytes(40), "tck-key-2")),
                () -> "rule: rewrapVersion with another ciphertext fails with STATE_CONFLICT; version 1 of "
                        + secret.path());

        assertEquals(original, store.loadSealedValue(TENANT, secret.id(), 1).orElseThrow(),
                "rule: a refused rewrapVersion keeps the stored sealed value (version 1)");
        assertEquals(KEY_ID, store.findVersion(TENANT, secret.id(), 1).orElseThrow().keyId(),
                "rule: a refused rewrapVersion keeps the keyId " + KEY_ID + " (version 1)");
    }

    @Test
    void rewrapOfDestroyedVersionReportsNothingToDo() {
        Secret secret = create("prod", "payments/stripe-api-key");
        SealedValue original = randomSealed();
        store.addVersion(TENANT, secret.id(), n -> original, WRITER, at(1), null, false, BeforeCommit.none());
        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DESTROYED, BeforeCommit.none());

        assertEquals(false, store.rewrapVersion(TENANT, secret.id(), 1, original),
                "rule: rewrapVersion of a DESTROYED version returns false (nothing to rewrap; version 1)");
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 1).isEmpty(),
                "rule: rewrapVersion of a DESTROYED version stores no sealed value (version 1)");
    }

    @Test
    void rewrapOfUnknownVersionIsNotFound() {
        Secret secret = create("prod", "payments/stripe-api-key");

        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> store.rewrapVersion(TENANT, secret.id(), 7, randomSealed()),
                () -> "rule: rewrapVersion of a number never added fails with VERSION_NOT_FOUND; " + secret.path()
                        + " has no versions, asked 7");
    }

    /** The four pairs transitionVersion allows; every other pair is refused. */
    private static final Set<List<VersionState>> ALLOWED_TRANSITIONS = Set.of(
            List.of(VersionState.ENABLED, VersionState.DISABLED), List.of(VersionState.DISABLED, VersionState.ENABLED),
            List.of(VersionState.ENABLED, VersionState.DESTROYED), List.of(VersionState.DISABLED, VersionState.DESTROYED));

    // A secret whose version 1 is in 'state' and is not current (version 2 is).
    private Secret withVersionOneIn(VersionState state, String path) {
        Secret secret = create("prod", path);
        addPending(secret, at(1));
        addCurrent(secret, at(2));
        if (state != VersionState.ENABLED) {
            store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, state, BeforeCommit.none());
        }
        return secret;
    }

    @Test
    void everyTransitionPairOutsideTheAllowedFourIsRefusedAndChangesNothing() {
        int n = 0;
        for (VersionState from : VersionState.values()) {
            for (VersionState to : VersionState.values()) {
                if (ALLOWED_TRANSITIONS.contains(List.of(from, to))) {
                    continue;
                }
                Secret secret = withVersionOneIn(from, "pairs/refused-" + n++);
                boolean[] hookRan = new boolean[1];
                String pair = from + " -> " + to;
                Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                        () -> store.transitionVersion(TENANT, secret.id(), 1, from, to, Hooks.seeing(result -> hookRan[0] = true)),
                        () -> "rule: transitionVersion refuses " + pair + " (only ENABLED<->DISABLED and"
                                + " ENABLED|DISABLED->DESTROYED are allowed) with STATE_CONFLICT; version 1 of " + secret.path());
                assertEquals(from, store.findVersion(TENANT, secret.id(), 1).orElseThrow().state(),
                        () -> "rule: a refused transitionVersion " + pair + " leaves the state " + from);
                assertEquals(from != VersionState.DESTROYED, store.loadSealedValue(TENANT, secret.id(), 1).isPresent(),
                        () -> "rule: a refused transitionVersion " + pair + " keeps the sealed value as it was");
                assertFalse(hookRan[0], () -> "rule: transitionVersion runs no hook for a refused " + pair);
            }
        }
    }

    @Test
    void everyAllowedTransitionPairIsTakenOnANonCurrentVersion() {
        int n = 0;
        for (List<VersionState> pair : ALLOWED_TRANSITIONS) {
            VersionState from = pair.get(0);
            VersionState to = pair.get(1);
            Secret secret = withVersionOneIn(from, "pairs/allowed-" + n++);

            VersionRecord changed = assertDoesNotThrow(
                    () -> store.transitionVersion(TENANT, secret.id(), 1, from, to, BeforeCommit.none()),
                    () -> "rule: transitionVersion " + from + " -> " + to + " is allowed on a version that is not current");

            assertEquals(to, changed.state(), () -> "rule: transitionVersion " + from + " -> " + to + " is allowed");
            assertEquals(to, store.findVersion(TENANT, secret.id(), 1).orElseThrow().state(),
                    () -> "rule: transitionVersion " + from + " -> " + to + " is stored");
            assertEquals(to != VersionState.DESTROYED, store.loadSealedValue(TENANT, secret.id(), 1).isPresent(),
                    () -> "rule: transitionVersion " + from + " -> " + to + " keeps the sealed value unless it destroys");
        }
    }

    @Test
    void transitionWhoseExpectedStateIsStaleFailsWithStateConflictForEveryPair() {
        int n = 0;
        for (VersionState actual : VersionState.values()) {
            for (VersionState from : VersionState.values()) {
                if (from == actual) {
                    continue;
                }
                for (VersionState to : VersionState.values()) {
                    Secret secret = withVersionOneIn(actual, "pairs/stale-" + n++);
                    Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                            () -> store.transitionVersion(TENANT, secret.id(), 1, from, to, BeforeCommit.none()),
                            () -> "rule: transitionVersion is compare-and-set on from (STATE_CONFLICT); version 1 is "
                                    + actual + ", caller expected " + from + " (to " + to + ")");
                    assertEquals(actual, store.findVersion(TENANT, secret.id(), 1).orElseThrow().state(),
                            () -> "rule: a lost compare-and-set of transitionVersion leaves the state " + actual);
                }
            }
        }
    }

    @Test
    void transitionAndRewrapOfAnUnknownSecretFailWithSecretNotFound() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));
        String unknown = newId();

        for (String[] call : new String[][] {{TENANT, unknown}, {OTHER_TENANT, secret.id()}}) {
            Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                    () -> store.transitionVersion(call[0], call[1], 1, VersionState.ENABLED, VersionState.DISABLED,
                            BeforeCommit.none()),
                    () -> "rule: transitionVersion on a secret that is not in the tenant fails with SECRET_NOT_FOUND"
                            + " (not VERSION_NOT_FOUND); tenant " + call[0] + ", secret " + call[1] + ", version 1");
            Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                    () -> store.rewrapVersion(call[0], call[1], 1, randomSealed()),
                    () -> "rule: rewrapVersion on a secret that is not in the tenant fails with SECRET_NOT_FOUND"
                            + " (not VERSION_NOT_FOUND); tenant " + call[0] + ", secret " + call[1] + ", version 1");
        }
        assertEquals(VersionState.ENABLED, store.findVersion(TENANT, secret.id(), 1).orElseThrow().state(),
                "rule: a transitionVersion on another tenant changes nothing in this one");
    }
}
