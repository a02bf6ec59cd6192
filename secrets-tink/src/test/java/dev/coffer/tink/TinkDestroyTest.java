package dev.coffer.tink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.VersionDestroyedException;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.VersionState;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import dev.coffer.tink.root.RootKeys;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Destroy removes the value ciphertext and the wrapped data key from the store. The data key
 * lived nowhere else, so nothing the store holds opens the value again. (A copy someone took of
 * the sealed value before the destroy still opens while the tenant key lives: that is inherent to
 * envelope encryption, and why the store, not the envelope, is what destroy empties.)
 */
@ExtendWith(NoValueLeaks.class)
class TinkDestroyTest {
    @TempDir
    Path dataDir;

    @Test
    void destroyRemovesCiphertextAndWrappedKeyFromTheStore() {
        TinkCoffer coffer = new TinkCoffer(RootKeys.localKeyset(dataDir.resolve("root-keyset.json")), new InMemoryTenantKeyStore());
        Secret secret = coffer.create("prod/db/password");
        String first = TestValues.text();
        coffer.addCurrent(secret, first);
        coffer.addCurrent(secret, TestValues.text());
        assertTrue(coffer.store.loadSealedValue(TinkCoffer.TENANT, secret.id(), 1).isPresent());

        coffer.manager.destroy(coffer.admin, secret.id(), 1);

        assertTrue(coffer.store.loadSealedValue(TinkCoffer.TENANT, secret.id(), 1).isEmpty(),
                "neither ciphertext nor wrapped data key is left in the store");
        assertEquals(VersionState.DESTROYED, coffer.store.findVersion(TinkCoffer.TENANT, secret.id(), 1).orElseThrow().state());
        assertEquals("", coffer.store.findVersion(TinkCoffer.TENANT, secret.id(), 1).orElseThrow().keyId());
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED, () -> coffer.read(secret, 1));
        assertTrue(coffer.store.loadSealedValue(TinkCoffer.TENANT, secret.id(), 2).isPresent(), "other versions keep theirs");
    }
}
