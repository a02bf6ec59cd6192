package dev.coffer.tink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.IntegrityException;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import dev.coffer.tink.TenantKeysetInfo.KeyState;
import dev.coffer.tink.root.RootKey;
import dev.coffer.tink.root.RootKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two-phase rotation of a tenant key — add, promote, rewrap, disable — through a whole Coffer:
 * old versions stay readable at every step, rewrap leaves value ciphertext alone, and whatever
 * was not rewrapped fails loudly once its key is disabled.
 */
@ExtendWith(NoValueLeaks.class)
class TenantKeyRotationTest {
    private static final String TENANT = TinkCoffer.TENANT;

    private final RootKey root = RootKeys.ephemeral();
    private final InMemoryTenantKeyStore tenantKeys = new InMemoryTenantKeyStore();
    private TinkCoffer coffer;
    private TenantKeyRotation rotation;
    // secret -> (version -> value), everything written so far
    private final Map<Secret, Map<Integer, String>> written = new LinkedHashMap<>();

    @BeforeEach
    void writeSomeSecrets() {
        coffer = new TinkCoffer(root, tenantKeys);
        rotation = coffer.envelope.rotation();
        for (String name : List.of("prod/db/password", "prod/payments/stripe-api-key", "staging/db/password")) {
            Secret secret = coffer.create(name);
            for (int i = 0; i < 3; i++) {
                write(secret);
            }
        }
    }

    @Test
    void oldVersionsStayReadableAfterEveryStep() {
        int old = rotation.describe(TENANT).primary().id();
        assertAllReadable("before rotation");

        int next = rotation.addKey(TENANT);
        assertAllReadable("after add");
        write(first());

        rotation.promote(TENANT, next);
        assertAllReadable("after promote");
        write(first());

        RewrapReport report = rotation.rewrap(TENANT, coffer.store);
        assertTrue(report.complete(), report::toString);
        assertAllReadable("after rewrap");

        rotation.disable(TENANT, old);
        assertAllReadable("after disable");
        write(first());
        assertAllReadable("after a write under the new key");

        TenantKeysetInfo info = rotation.describe(TENANT);
        assertEquals(next, info.primary().id());
        assertEquals(KeyState.DISABLED, info.key(old).orElseThrow().state());
    }

    @Test
    void addedKeyIsEnabledButNotPrimaryUntilPromoted() {
        int old = rotation.describe(TENANT).primary().id();

        int next = rotation.addKey(TENANT);
        SealedValue beforePromote = lastSealed(first());
        write(first());
        SealedValue afterAdd = lastSealed(first());
        rotation.promote(TENANT, next);
        write(first());
        SealedValue afterPromote = lastSealed(first());

        assertNotEquals(old, next);
        assertEquals(keyId(old), beforePromote.keyId());
        assertEquals(keyId(old), afterAdd.keyId(), "adding a key does not change what wraps new data keys");
        assertEquals(keyId(next), afterPromote.keyId());
        assertEquals(KeyState.ENABLED, rotation.describe(TENANT).key(next).orElseThrow().state());
    }

    @Test
    void rewrapReplacesOnlyTheWrappedKeyAndKeepsCiphertextByteIdentical() {
        int old = rotation.describe(TENANT).primary().id();
        Map<String, SealedValue> before = allSealed();
        int next = rotation.addKey(TENANT);
        rotation.promote(TENANT, next);

        RewrapReport report = rotation.rewrap(TENANT, coffer.store);

        assertEquals(new RewrapReport(TENANT, keyId(next), 9, 9, 0, 0, List.of()), report);
        Map<String, SealedValue> after = allSealed();
        assertEquals(before.keySet(), after.keySet());
        for (Map.Entry<String, SealedValue> e : before.entrySet()) {
            SealedValue was = e.getValue();
            SealedValue now = after.get(e.getKey());
            assertArrayEquals(was.ciphertext(), now.ciphertext(), () -> "value ciphertext of " + e.getKey() + " changed");
            assertFalse(Arrays.equals(was.wrappedKey(), now.wrappedKey()), () -> "wrapped key of " + e.getKey());
            assertEquals(keyId(old), was.keyId());
            assertEquals(keyId(next), now.keyId());
        }
        for (Secret secret : written.keySet()) {
            for (SecretVersion v : coffer.manager.versions(coffer.admin, secret.id())) {
                assertEquals(keyId(next), v.keyId(), "the version record follows the rewrap");
            }
        }
    }

    @Test
    void rewrapIsIdempotentAndSkipsDestroyedVersions() {
        Secret secret = first();
        coffer.manager.destroy(coffer.admin, secret.id(), 1);
        written.get(secret).remove(1);
        int next = rotation.addKey(TENANT);
        rotation.promote(TENANT, next);

        RewrapReport first = rotation.rewrap(TENANT, coffer.store);
        RewrapReport second = rotation.rewrap(TENANT, coffer.store);

        assertEquals(new RewrapReport(TENANT, keyId(next), 9, 8, 0, 1, List.of()), first);
        assertEquals(new RewrapReport(TENANT, keyId(next), 9, 0, 8, 1, List.of()), second);
        assertAllReadable("after two rewraps");
    }

    @Test
    void skippingRewrapMakesOldVersionsFailLoudlyOnceTheOldKeyIsDisabled() {
        int old = rotation.describe(TENANT).primary().id();
        int next = rotation.addKey(TENANT);
        rotation.promote(TENANT, next);
        Secret secret = first();
        int fresh = write(secret);

        rotation.disable(TENANT, old);

        assertEquals(written.get(secret).get(fresh), coffer.read(secret, fresh), "the version under the new key reads");
        IntegrityException refused = Expect.thrown(IntegrityException.class, ErrorCode.INTEGRITY_FAILURE,
                () -> coffer.read(secret, 1));
        assertTrue(refused.getMessage().contains(secret.path() + "@1"), refused::getMessage);
        assertTrue(refused.getMessage().contains(keyId(old) + ", which is DISABLED"), refused::getMessage);
        assertTrue(refused.getMessage().contains("run rewrap before disabling"), refused::getMessage);
    }

    @Test
    void aVersionSealedByAStaleInstanceAfterTheRewrapFailsLoudlyAfterDisable() {
        // Another server instance cached the keyset before the promotion and keeps sealing under
        // the old key until its cache expires — why the rotation waits a TTL before rewrapping.
        TinkCoffer stale = new TinkCoffer(TinkEnvelope.builder().rootKey(root).tenantKeyStore(tenantKeys)
                .cacheTtl(Duration.ofHours(1)).build());
        Secret secret = first();
        try (SecretValue cached = stale.envelope.open(lastSealed(secret, 1), binding(secret, 1))) {
            assertEquals(written.get(secret).get(1), cached.asUtf8());
        }
        int old = rotation.describe(TENANT).primary().id();
        int next = rotation.addKey(TENANT);
        rotation.promote(TENANT, next);
        assertTrue(rotation.rewrap(TENANT, coffer.store).complete());
        SealedValue lateSeal = stale.envelope.seal(SecretValue.ofUtf8(TestValues.text()), binding(secret, 7));
        assertEquals(keyId(old), lateSeal.keyId());

        rotation.disable(TENANT, old);

        IntegrityException refused = Expect.thrown(IntegrityException.class, ErrorCode.INTEGRITY_FAILURE,
                () -> coffer.envelope.open(lateSeal, binding(secret, 7)));
        assertTrue(refused.getMessage().contains("DISABLED"), refused::getMessage);
        assertAllReadable("everything rewrapped still reads");
    }

    @Test
    void enablingTheOldKeyAgainRecoversAPrematureDisable() {
        int old = rotation.describe(TENANT).primary().id();
        int next = rotation.addKey(TENANT);
        rotation.promote(TENANT, next);
        rotation.disable(TENANT, old);
        Expect.thrown(IntegrityException.class, ErrorCode.INTEGRITY_FAILURE, () -> coffer.read(first(), 1));

        rotation.enable(TENANT, old);
        RewrapReport report = rotation.rewrap(TENANT, coffer.store);
        rotation.disable(TENANT, old);

        assertEquals(9, report.rewrapped());
        assertAllReadable("after enable, rewrap, disable");
    }

    @Test
    void rewrapReportsVersionsWhoseKeyIsAlreadyDisabled() {
        int old = rotation.describe(TENANT).primary().id();
        int next = rotation.addKey(TENANT);
        rotation.promote(TENANT, next);
        rotation.disable(TENANT, old);

        RewrapReport report = rotation.rewrap(TENANT, coffer.store);

        assertFalse(report.complete());
        assertEquals(9, report.failures().size());
        assertTrue(report.failures().get(0).contains("names key " + Integer.toUnsignedString(old)), () -> report.failures().get(0));
    }

    @Test
    void anotherInstanceOpensValuesWrappedUnderAKeyItHasNotCachedYet() {
        TinkEnvelope other = TinkEnvelope.builder().rootKey(root).tenantKeyStore(tenantKeys).cacheTtl(Duration.ofHours(1)).build();
        Secret secret = first();
        other.open(lastSealed(secret, 1), binding(secret, 1)).close(); // caches the keyset of before the rotation
        int next = rotation.addKey(TENANT);
        rotation.promote(TENANT, next);
        int fresh = write(secret);

        try (SecretValue opened = other.open(lastSealed(secret, fresh), binding(secret, fresh))) {
            assertEquals(written.get(secret).get(fresh), opened.asUtf8());
        }
    }

    @Test
    void disablingThePrimaryIsRefused() {
        int primary = rotation.describe(TENANT).primary().id();

        ConflictException refused = Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                () -> rotation.disable(TENANT, primary));

        assertTrue(refused.getMessage().contains("promote another key"), refused::getMessage);
        assertEquals(1, rotation.describe(TENANT).revision(), "nothing was stored");
    }

    @Test
    void promotingADisabledKeyIsRefused() {
        int old = rotation.describe(TENANT).primary().id();
        int next = rotation.addKey(TENANT);
        rotation.promote(TENANT, next);
        rotation.disable(TENANT, old);

        Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT, () -> rotation.promote(TENANT, old));
    }

    @Test
    void stepsOnAnUnknownKeyAreRefused() {
        int unknown = rotation.describe(TENANT).primary().id() + 1;

        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> rotation.promote(TENANT, unknown));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> rotation.disable(TENANT, unknown));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> rotation.enable(TENANT, unknown));
    }

    @Test
    void aTenantWithoutAKeyHasNothingToRotate() {
        Expect.thrown(NotFoundException.class, ErrorCode.TENANT_KEY_NOT_FOUND, () -> rotation.addKey("globex"));
        Expect.thrown(NotFoundException.class, ErrorCode.TENANT_KEY_NOT_FOUND, () -> rotation.rewrap("globex", coffer.store));
    }

    @Test
    void everyStepBumpsTheStoredRevision() {
        int old = rotation.describe(TENANT).primary().id();
        int next = rotation.addKey(TENANT);
        rotation.promote(TENANT, next);
        rotation.disable(TENANT, old);

        assertEquals(4, tenantKeys.find(TENANT).orElseThrow().revision());
        assertEquals(4, rotation.describe(TENANT).revision());
    }

    private int write(Secret secret) {
        String text = TestValues.text();
        int number = coffer.addCurrent(secret, text);
        written.computeIfAbsent(secret, s -> new LinkedHashMap<>()).put(number, text);
        return number;
    }

    private Secret first() {
        return written.keySet().iterator().next();
    }

    private void assertAllReadable(String when) {
        for (Map.Entry<Secret, Map<Integer, String>> secret : written.entrySet()) {
            for (Map.Entry<Integer, String> version : secret.getValue().entrySet()) {
                assertEquals(version.getValue(), coffer.read(secret.getKey(), version.getKey()),
                        () -> secret.getKey().path() + "@" + version.getKey() + " " + when);
            }
        }
    }

    private Map<String, SealedValue> allSealed() {
        Map<String, SealedValue> all = new LinkedHashMap<>();
        for (Map.Entry<Secret, Map<Integer, String>> secret : written.entrySet()) {
            for (int number : new ArrayList<>(secret.getValue().keySet())) {
                all.put(secret.getKey().path() + "@" + number, lastSealed(secret.getKey(), number));
            }
        }
        return all;
    }

    private SealedValue lastSealed(Secret secret) {
        return lastSealed(secret, written.get(secret).keySet().stream().mapToInt(Integer::intValue).max().orElseThrow());
    }

    private SealedValue lastSealed(Secret secret, int number) {
        return coffer.store.loadSealedValue(TENANT, secret.id(), number).orElseThrow();
    }

    private static ValueBinding binding(Secret secret, int number) {
        return new ValueBinding(secret.path(), number);
    }

    private static String keyId(int id) {
        return "tink:" + TENANT + ":" + Integer.toUnsignedString(id);
    }
}
