package dev.coffer.spi.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.VersionSealer;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Choices this store makes where the SecretStore contract leaves room; the TCK proves the rest. */
class InMemorySecretStoreTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant T1 = T0.plusSeconds(60);
    private static final VersionSealer SEALER = n -> new SealedValue(new byte[] {(byte) n}, new byte[] {1}, "k1");

    private final InMemorySecretStore store = new InMemorySecretStore();

    @Test
    void failedSealerOrHookConsumesNoNumber() {
        Secret s = create("sec_a", "prod/db");
        assertThrows(IllegalStateException.class, () -> store.addVersion("acme", s.id(),
                n -> { throw new IllegalStateException("kms down"); }, "user:a", T0, null, true, BeforeCommit.none()));
        RuntimeException audit = new RuntimeException("audit down");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> store.addVersion("acme", s.id(), SEALER,
                "user:a", T0, null, true, r -> { throw audit; }));
        assertSame(audit, thrown);
        assertTrue(store.listVersions("acme", s.id()).isEmpty());
        assertEquals(Aliases.none(), store.aliases("acme", s.id()));
        assertNull(store.findSecret("acme", s.id()).orElseThrow().lastRotatedAt());
        assertEquals(1, store.addVersion("acme", s.id(), SEALER, "user:a", T0, null, false, BeforeCommit.none()).number());
    }

    @Test
    void failedHookUndoesACurrentMoveCompletely() {
        Secret s = create("sec_a", "prod/db");
        store.addVersion("acme", s.id(), SEALER, "user:a", T0, null, true, BeforeCommit.none());
        store.addVersion("acme", s.id(), SEALER, "user:a", T0, null, false, BeforeCommit.none());
        assertThrows(RuntimeException.class, () -> store.moveAlias("acme", s.id(), Aliases.CURRENT, 2, OptionalInt.of(1), T1,
                m -> { throw new RuntimeException("audit down"); }));
        assertEquals(new Aliases(java.util.Map.of("current", 1)), store.aliases("acme", s.id()));
        assertEquals(T0, store.findSecret("acme", s.id()).orElseThrow().lastRotatedAt());
    }

    @Test
    void destroyedVersionKeepsItsNumberAndLosesItsValue() {
        Secret s = create("sec_a", "prod/db");
        store.addVersion("acme", s.id(), SEALER, "user:a", T0, null, false, BeforeCommit.none());
        store.transitionVersion("acme", s.id(), 1, VersionState.ENABLED, VersionState.DESTROYED, BeforeCommit.none());
        assertTrue(store.loadSealedValue("acme", s.id(), 1).isEmpty());
        assertEquals("", store.findVersion("acme", s.id(), 1).orElseThrow().keyId());
        assertEquals(2, store.addVersion("acme", s.id(), SEALER, "user:a", T0, null, false, BeforeCommit.none()).number());
        ConflictException e = assertThrows(ConflictException.class, () -> store.transitionVersion("acme", s.id(), 1,
                VersionState.DESTROYED, VersionState.ENABLED, BeforeCommit.none()));
        assertEquals(ErrorCode.STATE_CONFLICT, e.code());
    }

    @Test
    void secretRecreatedUnderTheSameIdDoesNotReuseNumbers() {
        Secret s = create("sec_a", "prod/db");
        store.addVersion("acme", s.id(), SEALER, "user:a", T0, null, false, BeforeCommit.none());
        store.deleteSecret("acme", s.id(), BeforeCommit.none());
        create("sec_a", "prod/db");
        assertEquals(2, store.addVersion("acme", s.id(), SEALER, "user:a", T0, null, false, BeforeCommit.none()).number());
    }

    @Test
    void updateKeepsTheStoredLastRotatedAt() {
        Secret stale = create("sec_a", "prod/db");
        store.addVersion("acme", stale.id(), SEALER, "user:a", T0, null, true, BeforeCommit.none());
        Secret updated = store.updateSecret(new Secret(stale.id(), stale.path(), "platform", "moved", null, null, null,
                stale.createdAt(), T1, null, null), BeforeCommit.none());
        assertEquals("platform", updated.ownerTeam());
        assertEquals(T0, updated.lastRotatedAt());
        assertEquals(updated, store.findSecret("acme", stale.id()).orElseThrow());
    }

    @Test
    void listingOrdersByEnvironmentThenPathAcrossPages() {
        // As plain strings "a-b/x" < "a/x"; by environment first, "a" comes before "a-b".
        create("sec_1", "a-b/x");
        create("sec_2", "a/y");
        create("sec_3", "a/x");
        create("sec_4", "b/x");
        List<String> seen = new java.util.ArrayList<>();
        PageRequest page = PageRequest.first(1);
        while (true) {
            var result = store.listSecrets("acme", SecretFilter.all(), page);
            result.items().forEach(s -> seen.add(s.path().qualifiedName()));
            if (result.nextPageToken() == null) {
                break;
            }
            page = page.next(result.nextPageToken());
        }
        assertEquals(List.of("a/x", "a/y", "a-b/x", "b/x"), seen);
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> store.listSecrets("acme", SecretFilter.all(), PageRequest.first(1).next("bm90LWEtdG9rZW4")));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }

    private Secret create(String id, String path) {
        return store.createSecret(new Secret(id, SecretPath.parse("acme", path), "payments", null, null, null, null,
                T0, T0, null, null), BeforeCommit.none());
    }
}
