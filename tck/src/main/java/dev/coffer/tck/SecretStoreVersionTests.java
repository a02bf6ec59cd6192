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

        assertEquals(List.of(1, 2, 3, 4, 5), numbers);
        assertEquals(numbers, store.listVersions(TENANT, secret.id()).stream().map(VersionRecord::number).toList());
    }

    @Test
    void addedVersionKeepsItsFacts() {
        Secret secret = create("prod", "payments/stripe-api-key");
        SealedValue sealed = randomSealed();

        VersionRecord added = store.addVersion(TENANT, secret.id(), n -> sealed, WRITER, at(7), at(3600), false,
                BeforeCommit.none());

        VersionRecord expected = new VersionRecord(1, VersionState.ENABLED, WRITER, at(7), at(3600), KEY_ID);
        assertEquals(expected, added);
        assertEquals(expected, store.findVersion(TENANT, secret.id(), 1).orElseThrow());
        assertEquals(List.of(expected), store.listVersions(TENANT, secret.id()));
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

        assertEquals(List.of(1, 2, 3), asked);
    }

    @Test
    void failingSealerStoresNothingAndNumbersStayGapFree() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        UnavailableException keyDown = new UnavailableException(ErrorCode.KEY_UNAVAILABLE, "key service down (TCK)");

        UnavailableException thrown = Expect.thrown(UnavailableException.class, ErrorCode.KEY_UNAVAILABLE,
                () -> store.addVersion(TENANT, secret.id(), n -> {
                    throw keyDown;
                }, WRITER, at(2), null, true, BeforeCommit.none()));

        assertSame(keyDown, thrown, "the sealer's exception must reach the caller unchanged");
        assertEquals(List.of(1), store.listVersions(TENANT, secret.id()).stream().map(VersionRecord::number).toList());
        assertEquals(Map.of("current", 1), store.aliases(TENANT, secret.id()).byName());
        assertEquals(at(1), reload(secret).lastRotatedAt());
        assertEquals(2, addPending(secret, at(3)).number());
    }

    @Test
    void failingHookStoresNothingAndNumbersStayGapFree() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        IllegalStateException failure = hookFailure();

        IllegalStateException thrown = Expect.thrown(IllegalStateException.class,
                () -> store.addVersion(TENANT, secret.id(), sealer(), WRITER, at(2), null, true, failing(failure)));

        assertSame(failure, thrown);
        assertTrue(store.findVersion(TENANT, secret.id(), 2).isEmpty());
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 2).isEmpty());
        assertEquals(1, store.listVersions(TENANT, secret.id()).size());
        assertEquals(Map.of("current", 1), store.aliases(TENANT, secret.id()).byName());
        assertEquals(at(1), reload(secret).lastRotatedAt());
        assertEquals(2, addPending(secret, at(3)).number());
    }

    @Test
    void hookSeesTheAddedVersion() {
        Secret secret = create("prod", "payments/stripe-api-key");
        AtomicReference<AddedVersion> seen = new AtomicReference<>();

        VersionRecord added = store.addVersion(TENANT, secret.id(), sealer(), WRITER, at(1), null, false, seen::set);

        assertEquals(added, seen.get().record());
        assertTrue(seen.get().currentMove().isEmpty(), "a pending version moves no alias");
    }

    @Test
    void hookOfACurrentAddSeesTheMoveFromTheOldCurrent() {
        Secret secret = create("prod", "payments/stripe-api-key");
        AtomicReference<AddedVersion> first = new AtomicReference<>();
        AtomicReference<AddedVersion> second = new AtomicReference<>();

        store.addVersion(TENANT, secret.id(), sealer(), WRITER, at(1), null, true, first::set);
        store.addVersion(TENANT, secret.id(), sealer(), WRITER, at(2), null, true, second::set);

        AliasMove initial = first.get().currentMove().orElseThrow();
        assertEquals("current", initial.alias());
        assertEquals(OptionalInt.empty(), initial.from());
        assertEquals(1, initial.to());
        AliasMove rotation = second.get().currentMove().orElseThrow();
        assertEquals(OptionalInt.of(1), rotation.from());
        assertEquals(2, rotation.to());
        assertEquals(Map.of("current", 2, "previous", 1), rotation.aliases().byName());
    }

    @Test
    void addVersionToUnknownSecretFailsWithSecretNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> store.addVersion(TENANT, newId(), sealer(), WRITER, T0, null, false, BeforeCommit.none()));
    }

    @Test
    void unknownVersionIsNotFound() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret);

        assertTrue(store.findVersion(TENANT, secret.id(), 2).isEmpty());
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 2).isEmpty());
        assertTrue(store.listVersions(TENANT, newId()).isEmpty());
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
            assertEquals(sealedByNumber.get(number), store.loadSealedValue(TENANT, secret.id(), number).orElseThrow());
            assertEquals("tck-key-" + number, store.findVersion(TENANT, secret.id(), number).orElseThrow().keyId());
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
        assertArrayEquals(original.ciphertext(), again.ciphertext());
        assertArrayEquals(original.wrappedKey(), again.wrappedKey());
    }

    @Test
    void sealerArraysChangedAfterAddDoNotChangeStoredValue() {
        Secret secret = create("prod", "payments/stripe-api-key");
        SealedValue handedOver = randomSealed();
        SealedValue original = handedOver.copy();
        store.addVersion(TENANT, secret.id(), n -> handedOver, WRITER, T0, null, false, BeforeCommit.none());

        handedOver.ciphertext()[0] ^= 0x01;
        handedOver.wrappedKey()[0] ^= 0x01;

        assertEquals(original, store.loadSealedValue(TENANT, secret.id(), 1).orElseThrow());
    }

    @Test
    void disableAndEnableAreCompareAndSetOnState() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret);
        addCurrent(secret, at(1));

        VersionRecord disabled = store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED,
                VersionState.DISABLED, BeforeCommit.none());
        assertEquals(VersionState.DISABLED, disabled.state());
        assertEquals(VersionState.DISABLED, store.findVersion(TENANT, secret.id(), 1).orElseThrow().state());

        VersionRecord enabled = store.transitionVersion(TENANT, secret.id(), 1, VersionState.DISABLED,
                VersionState.ENABLED, BeforeCommit.none());
        assertEquals(VersionState.ENABLED, enabled.state());
        assertEquals(KEY_ID, enabled.keyId());
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 1).isPresent());
    }

    @Test
    void transitionFromWrongStateFailsWithStateConflictAndChangesNothing() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret);

        Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                () -> store.transitionVersion(TENANT, secret.id(), 1, VersionState.DISABLED, VersionState.ENABLED,
                        BeforeCommit.none()));
        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DISABLED, BeforeCommit.none());
        Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                () -> store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DESTROYED,
                        BeforeCommit.none()));

        assertEquals(VersionState.DISABLED, store.findVersion(TENANT, secret.id(), 1).orElseThrow().state());
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 1).isPresent());
    }

    @Test
    void currentVersionCannotBeDisabledOrDestroyed() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));

        for (VersionState to : List.of(VersionState.DISABLED, VersionState.DESTROYED)) {
            Expect.thrown(ConflictException.class, ErrorCode.VERSION_IS_CURRENT,
                    () -> store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, to, BeforeCommit.none()));
        }

        VersionRecord kept = store.findVersion(TENANT, secret.id(), 1).orElseThrow();
        assertEquals(VersionState.ENABLED, kept.state());
        assertEquals(KEY_ID, kept.keyId());
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 1).isPresent());
    }

    @Test
    void previousVersionCanBeDisabled() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addCurrent(secret, at(2));

        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DISABLED, BeforeCommit.none());

        assertEquals(VersionState.DISABLED, store.findVersion(TENANT, secret.id(), 1).orElseThrow().state());
        assertEquals(OptionalInt.of(2), store.aliases(TENANT, secret.id()).get("current"));
    }

    @Test
    void destroyRemovesSealedValueAndKeyIdButKeepsTheNumber() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret, at(1));
        addPending(secret, at(2));

        VersionRecord destroyed = store.transitionVersion(TENANT, secret.id(), 2, VersionState.ENABLED,
                VersionState.DESTROYED, BeforeCommit.none());

        assertEquals(VersionState.DESTROYED, destroyed.state());
        assertEquals("", destroyed.keyId());
        VersionRecord stored = store.findVersion(TENANT, secret.id(), 2).orElseThrow();
        assertEquals(VersionState.DESTROYED, stored.state());
        assertEquals("", stored.keyId());
        assertEquals(at(2), stored.createdAt());
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 2).isEmpty());
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 1).isPresent(), "other versions keep their values");
        assertEquals(List.of(1, 2), store.listVersions(TENANT, secret.id()).stream().map(VersionRecord::number).toList());
        assertEquals(3, addPending(secret, at(3)).number(), "a destroyed number is never reused");
    }

    @Test
    void disabledVersionCanBeDestroyed() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret);
        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DISABLED, BeforeCommit.none());

        store.transitionVersion(TENANT, secret.id(), 1, VersionState.DISABLED, VersionState.DESTROYED, BeforeCommit.none());

        assertEquals(VersionState.DESTROYED, store.findVersion(TENANT, secret.id(), 1).orElseThrow().state());
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 1).isEmpty());
    }

    @Test
    void transitionOfMissingVersionFailsWithVersionNotFound() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addPending(secret);

        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> store.transitionVersion(TENANT, secret.id(), 2, VersionState.ENABLED, VersionState.DISABLED,
                        BeforeCommit.none()));
    }

    @Test
    void addVersionWithMakeCurrentMovesCurrentAndPrevious() {
        Secret secret = create("prod", "payments/stripe-api-key");

        addCurrent(secret, at(1));
        assertEquals(Map.of("current", 1), store.aliases(TENANT, secret.id()).byName());
        assertEquals(at(1), reload(secret).lastRotatedAt());

        addCurrent(secret, at(2));
        assertEquals(Map.of("current", 2, "previous", 1), store.aliases(TENANT, secret.id()).byName());
        assertEquals(at(2), reload(secret).lastRotatedAt());

        addPending(secret, at(3));
        assertEquals(Map.of("current", 2, "previous", 1), store.aliases(TENANT, secret.id()).byName());
        assertEquals(at(2), reload(secret).lastRotatedAt());
    }

    @Test
    void pendingVersionLeavesAliasesAndRotationTimeAlone() {
        Secret secret = create("prod", "payments/stripe-api-key");

        addPending(secret, at(1));

        assertTrue(store.aliases(TENANT, secret.id()).byName().isEmpty());
        assertNull(reload(secret).lastRotatedAt());
    }

    @Test
    void rewrapReplacesWrappedKeyAndKeyIdButKeepsCiphertext() {
        Secret secret = create("prod", "payments/stripe-api-key");
        SealedValue original = randomSealed();
        store.addVersion(TENANT, secret.id(), n -> original, WRITER, at(1), null, false, BeforeCommit.none());
        SealedValue rewrapped = new SealedValue(original.ciphertext(), randomBytes(40), "tck-key-2");

        assertTrue(store.rewrapVersion(TENANT, secret.id(), 1, rewrapped));

        assertEquals(rewrapped, store.loadSealedValue(TENANT, secret.id(), 1).orElseThrow());
        assertEquals("tck-key-2", store.findVersion(TENANT, secret.id(), 1).orElseThrow().keyId());
    }

    @Test
    void rewrapThatChangesTheCiphertextIsRefused() {
        Secret secret = create("prod", "payments/stripe-api-key");
        SealedValue original = randomSealed();
        store.addVersion(TENANT, secret.id(), n -> original, WRITER, at(1), null, false, BeforeCommit.none());

        Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT, () -> store.rewrapVersion(TENANT, secret.id(), 1,
                new SealedValue(randomBytes(48), randomBytes(40), "tck-key-2")));

        assertEquals(original, store.loadSealedValue(TENANT, secret.id(), 1).orElseThrow());
        assertEquals(KEY_ID, store.findVersion(TENANT, secret.id(), 1).orElseThrow().keyId());
    }

    @Test
    void rewrapOfDestroyedVersionReportsNothingToDo() {
        Secret secret = create("prod", "payments/stripe-api-key");
        SealedValue original = randomSealed();
        store.addVersion(TENANT, secret.id(), n -> original, WRITER, at(1), null, false, BeforeCommit.none());
        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DESTROYED, BeforeCommit.none());

        assertEquals(false, store.rewrapVersion(TENANT, secret.id(), 1, original));
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 1).isEmpty());
    }

    @Test
    void rewrapOfUnknownVersionIsNotFound() {
        Secret secret = create("prod", "payments/stripe-api-key");

        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> store.rewrapVersion(TENANT, secret.id(), 7, randomSealed()));
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
                        () -> store.transitionVersion(TENANT, secret.id(), 1, from, to, result -> hookRan[0] = true),
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
