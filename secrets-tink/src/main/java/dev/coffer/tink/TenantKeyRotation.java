package dev.coffer.tink;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.tink.internal.TenantKek;
import dev.coffer.tink.internal.TenantKeyring;
import dev.coffer.tink.internal.TinkKeys;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Two-phase rotation of a tenant's key-encryption key, the default path and the only one:
 *
 * <ol>
 *   <li>{@link #addKey} — a new key joins the keyset, enabled but not primary. Every instance
 *       learns it within one cache TTL; until then, only this one could open what it wraps.</li>
 *   <li>{@link #promote} — after one cache TTL, the new key becomes primary: new data keys are
 *       wrapped under it. Old versions still open under the old key.</li>
 *   <li>{@link #rewrap} — after another TTL (when no instance seals under the old key any more),
 *       every stored data key not under the primary is unwrapped and wrapped again under it. The
 *       value ciphertext is not touched: the store checks it is byte-for-byte the same.</li>
 *   <li>{@link #disable} — once the rewrap report is complete, the old key is disabled. Anything
 *       still under it now fails loudly with {@code INTEGRITY_FAILURE}; {@link #enable} undoes it.</li>
 * </ol>
 *
 * <pre>{@code
 * TenantKeyRotation rotation = envelope.rotation();
 * int old = rotation.describe("acme").primary().id();
 * int next = rotation.addKey("acme");
 * // wait one cache TTL
 * rotation.promote("acme", next);
 * // wait one cache TTL
 * RewrapReport report = rotation.rewrap("acme", secretStore);
 * if (report.complete()) {
 *     rotation.disable("acme", old);
 * }
 * }</pre>
 *
 * Each step replaces the stored keyset by compare-and-set on its revision (a concurrent step
 * elsewhere fails with {@code VERSION_CONFLICT} and changes nothing) and refreshes this
 * envelope's cache. Old versions stay readable after every step.
 */
public final class TenantKeyRotation {
    private static final int PAGE_SIZE = PageRequest.MAX_LIMIT;

    private final TenantKeyring keyring;

    TenantKeyRotation(TenantKeyring keyring) {
        this.keyring = Objects.requireNonNull(keyring, "keyring");
    }

    /**
     * The tenant's keys as stored now.
     *
     * @throws NotFoundException {@code TENANT_KEY_NOT_FOUND} before the tenant's first seal
     */
    public TenantKeysetInfo describe(String tenant) {
        return info(keyring.current(tenant));
    }

    /**
     * Step 1: adds a fresh AES256-GCM key, enabled and not primary.
     *
     * @return the new key's id
     * @throws NotFoundException {@code TENANT_KEY_NOT_FOUND} before the tenant's first seal
     * @throws ConflictException {@code VERSION_CONFLICT} when another rotation step raced this one
     */
    public int addKey(String tenant) {
        TenantKek before = keyring.current(tenant);
        TenantKek after = keyring.update(tenant, current -> {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(current.handle());
            builder.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                    .withRandomId()
                    .setStatus(KeyStatus.ENABLED));
            return builder.setConfiguration(TinkKeys.configuration()).build();
        });
        return after.statuses().keySet().stream()
                .filter(id -> before.status(id) == null)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the added key is missing from the keyset of tenant '" + tenant + "'"));
    }

    /**
     * Step 2: makes {@code keyId} the primary; new data keys are wrapped under it.
     *
     * @throws InvalidRequestException {@code INVALID_ARGUMENT} if the tenant has no such key
     * @throws ConflictException {@code STATE_CONFLICT} if the key is not enabled
     */
    public TenantKeysetInfo promote(String tenant, int keyId) {
        return info(keyring.update(tenant, current -> {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(current.handle());
            KeysetHandle.Builder.Entry entry = entry(builder, current, keyId);
            if (entry.getStatus() != KeyStatus.ENABLED) {
                throw new ConflictException(ErrorCode.STATE_CONFLICT, "key " + current.keyIdOf(keyId)
                        + " is " + entry.getStatus() + "; enable it before promoting it");
            }
            entry.makePrimary();
            return builder.setConfiguration(TinkKeys.configuration()).build();
        }));
    }

    /**
     * Step 3: wraps every stored data key of the tenant that is not under the primary key again,
     * under the primary, with the same associated data. Value ciphertext stays byte-identical.
     * Safe to run again; versions already under the primary are left alone.
     *
     * @param store the store holding the tenant's secrets
     * @throws NotFoundException {@code TENANT_KEY_NOT_FOUND} before the tenant's first seal
     */
    public RewrapReport rewrap(String tenant, SecretStore store) {
        Objects.requireNonNull(store, "store");
        TenantKek kek = keyring.current(tenant);
        Counts counts = new Counts();
        PageRequest request = PageRequest.first(PAGE_SIZE);
        while (true) {
            Page<Secret> page = store.listSecrets(tenant, SecretFilter.all(), request);
            for (Secret secret : page.items()) {
                for (VersionRecord version : store.listVersions(tenant, secret.id())) {
                    counts.versions++;
                    rewrapOne(store, kek, secret, version.number(), counts);
                }
            }
            Optional<String> next = page.next();
            if (next.isEmpty()) {
                break;
            }
            request = request.next(next.get());
        }
        return new RewrapReport(tenant, kek.keyIdOf(kek.primaryId()), counts.versions, counts.rewrapped,
                counts.alreadyPrimary, counts.withoutValue, counts.failures);
    }

    private static void rewrapOne(SecretStore store, TenantKek kek, Secret secret, int number, Counts counts) {
        String tenant = kek.tenant();
        Optional<SealedValue> loaded = store.loadSealedValue(tenant, secret.id(), number);
        if (loaded.isEmpty()) {
            counts.withoutValue++;
            return;
        }
        SealedValue sealed = loaded.get();
        Integer wrappingKey = TinkKeys.prefixKeyId(sealed.wrappedKey());
        if (wrappingKey != null && wrappingKey == kek.primaryId()) {
            counts.alreadyPrimary++;
            return;
        }
        ValueBinding binding = new ValueBinding(secret.path(), number);
        byte[] aad = binding.associatedData();
        byte[] dataKey = null;
        byte[] rewrapped;
        try {
            dataKey = kek.aead().decrypt(sealed.wrappedKey(), aad);
            rewrapped = kek.aead().encrypt(dataKey, aad);
        } catch (GeneralSecurityException e) {
            counts.failures.add(binding + ": its data key does not unwrap under any enabled key of the tenant"
                    + (wrappingKey == null ? "" : " (it names key " + TinkKeys.showKeyId(wrappingKey) + ")"));
            return;
        } finally {
            TinkKeys.wipe(dataKey);
        }
        try {
            boolean replaced = store.rewrapVersion(tenant, secret.id(), number,
                    new SealedValue(sealed.ciphertext(), rewrapped, kek.keyIdOf(kek.primaryId())));
            if (replaced) {
                counts.rewrapped++;
            } else {
                counts.withoutValue++;
            }
        } catch (NotFoundException e) {
            counts.withoutValue++; // deleted while we ran: nothing left to protect
        } catch (ConflictException e) {
            counts.failures.add(binding + ": " + e.getMessage());
        }
    }

    /**
     * Step 4: disables {@code keyId}. Data keys still wrapped under it no longer open, loudly, so
     * run {@link #rewrap} first and check its report.
     *
     * @throws InvalidRequestException {@code INVALID_ARGUMENT} if the tenant has no such key
     * @throws ConflictException {@code STATE_CONFLICT} if the key is the primary
     */
    public TenantKeysetInfo disable(String tenant, int keyId) {
        return info(keyring.update(tenant, current -> {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(current.handle());
            KeysetHandle.Builder.Entry entry = entry(builder, current, keyId);
            if (entry.isPrimary()) {
                throw new ConflictException(ErrorCode.STATE_CONFLICT, "key " + current.keyIdOf(keyId)
                        + " is the primary of tenant '" + tenant + "'; promote another key before disabling it");
            }
            entry.setStatus(KeyStatus.DISABLED);
            return builder.setConfiguration(TinkKeys.configuration()).build();
        }));
    }

    /**
     * Enables {@code keyId} again, e.g. to open versions a premature {@link #disable} locked out
     * (then rewrap, then disable again).
     *
     * @throws InvalidRequestException {@code INVALID_ARGUMENT} if the tenant has no such key
     */
    public TenantKeysetInfo enable(String tenant, int keyId) {
        return info(keyring.update(tenant, current -> {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(current.handle());
            entry(builder, current, keyId).setStatus(KeyStatus.ENABLED);
            return builder.setConfiguration(TinkKeys.configuration()).build();
        }));
    }

    private static KeysetHandle.Builder.Entry entry(KeysetHandle.Builder builder, TenantKek current, int keyId) {
        // Builder entries do not expose their ids; the handle's entries are in the same order.
        KeysetHandle handle = current.handle();
        for (int i = 0; i < handle.size(); i++) {
            if (handle.getAt(i).getId() == keyId) {
                return builder.getAt(i);
            }
        }
        throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                "tenant '" + current.tenant() + "' has no key " + TinkKeys.showKeyId(keyId));
    }

    private static TenantKeysetInfo info(TenantKek kek) {
        List<TenantKeysetInfo.Key> keys = new ArrayList<>();
        for (Map.Entry<Integer, KeyStatus> e : kek.statuses().entrySet()) {
            int id = e.getKey();
            keys.add(new TenantKeysetInfo.Key(id, kek.keyIdOf(id), state(e.getValue()), id == kek.primaryId()));
        }
        return new TenantKeysetInfo(kek.tenant(), kek.revision(), keys);
    }

    private static TenantKeysetInfo.KeyState state(KeyStatus status) {
        if (status == KeyStatus.ENABLED) {
            return TenantKeysetInfo.KeyState.ENABLED;
        }
        return status == KeyStatus.DISABLED ? TenantKeysetInfo.KeyState.DISABLED : TenantKeysetInfo.KeyState.DESTROYED;
    }

    private static final class Counts {
        int versions;
        int rewrapped;
        int alreadyPrimary;
        int withoutValue;
        final List<String> failures = new ArrayList<>();
    }
}
