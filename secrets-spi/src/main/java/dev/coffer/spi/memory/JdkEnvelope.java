package dev.coffer.spi.memory;

import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.IntegrityException;
import dev.coffer.spi.internal.AesGcm;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.store.TenantKeyStore;
import dev.coffer.spi.store.WrappedTenantKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * Envelope encryption with nothing but the JDK's AES-256-GCM, for tests and for embedding without
 * infrastructure (no KMS, no keyset file). <b>Keys die with the JVM:</b> the root key is
 * generated in the constructor and never persisted, so whatever this envelope sealed can only be
 * opened by this instance. Use the Tink envelope ({@code secrets-tink}) for anything that must
 * survive a restart.
 *
 * <p>Same hierarchy as the durable envelope: root key → per-tenant key (created on the tenant's
 * first seal, stored wrapped under the root key with the tenant id as associated data, through
 * the {@link TenantKeyStore}) → a fresh data key per seal, wrapped by the tenant key → the value,
 * encrypted under the data key. Both the value and the wrapped data key authenticate
 * {@link ValueBinding#associatedData()}, so a ciphertext moved to another version, path or tenant
 * does not open. Tenant keys are never rotated by this envelope.
 *
 * <pre>{@code
 * Envelope envelope = new JdkEnvelope(new InMemoryTenantKeyStore());
 * SealedValue sealed = envelope.seal(value, new ValueBinding(path, 1));
 * try (SecretValue opened = envelope.open(sealed, new ValueBinding(path, 1))) { ... }
 * }</pre>
 */
public final class JdkEnvelope implements Envelope {
    private static final int KEY_BYTES = AesGcm.KEY_BYTES;
    private static final String KEY_ID_PREFIX = "jdk-aes256gcm:";

    private final TenantKeyStore tenantKeys;
    private final SecretKey rootKey;
    private final SecureRandom random = new SecureRandom();
    // Unwrapped tenant keys; unwrapping costs a decryption, and every seal and open needs one.
    private final ConcurrentMap<String, TenantKek> unwrapped = new ConcurrentHashMap<>();

    /**
     * An envelope with a fresh random root key, keeping wrapped tenant keys in {@code tenantKeys}.
     * A store shared with another envelope instance holds keys this one cannot unwrap.
     */
    public JdkEnvelope(TenantKeyStore tenantKeys) {
        this.tenantKeys = Objects.requireNonNull(tenantKeys, "tenantKeys");
        byte[] raw = randomBytes(KEY_BYTES);
        try {
            this.rootKey = AesGcm.key(raw);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256 keys are not available on this platform", e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    @Override
    public SealedValue seal(SecretValue value, ValueBinding binding) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(binding, "binding");
        TenantKek kek = tenantKek(binding.path().tenant(), true);
        byte[] aad = binding.associatedData();
        byte[] plaintext = value.bytes();
        byte[] dek = randomBytes(KEY_BYTES);
        try {
            byte[] ciphertext = AesGcm.encrypt(AesGcm.key(dek), plaintext, aad, random);
            byte[] wrappedDek = AesGcm.encrypt(kek.key(), dek, aad, random);
            return new SealedValue(ciphertext, wrappedDek, kek.keyId());
        } catch (GeneralSecurityException e) {
            // The platform's AES-GCM failed on input it accepts by construction; nothing secret in it.
            throw new IllegalStateException("AES-256-GCM failed while sealing " + binding, e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
            Arrays.fill(dek, (byte) 0);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IntegrityException {@code INTEGRITY_FAILURE} for every failure: altered or truncated
     *         bytes, another binding, an unknown tenant, a tenant key this envelope cannot unwrap
     */
    @Override
    public SecretValue open(SealedValue sealed, ValueBinding binding) {
        Objects.requireNonNull(sealed, "sealed");
        Objects.requireNonNull(binding, "binding");
        TenantKek kek;
        try {
            kek = tenantKek(binding.path().tenant(), false);
        } catch (IntegrityException e) {
            throw integrity(binding, "its tenant key does not open under this envelope's root key", null);
        }
        if (kek == null) {
            throw integrity(binding, "its tenant has no key in this envelope", null);
        }
        byte[] aad = binding.associatedData();
        byte[] dek = null;
        try {
            dek = AesGcm.decrypt(kek.key(), sealed.wrappedKey(), aad);
            return SecretValue.wrap(AesGcm.decrypt(AesGcm.key(dek), sealed.ciphertext(), aad));
        } catch (AEADBadTagException e) {
            // Safe to attach: a bad tag carries no key or plaintext.
            throw integrity(binding, "it was altered, moved from another version, path or tenant, or sealed under another key", e);
        } catch (GeneralSecurityException | RuntimeException e) {
            // Other failures (truncated input, a data key of the wrong size) are not attached:
            // keep whatever they carry out of logs.
            throw integrity(binding, "its bytes are malformed", null);
        } finally {
            if (dek != null) {
                Arrays.fill(dek, (byte) 0);
            }
        }
    }

    // The tenant's unwrapped key; created (and stored wrapped) on the first seal when 'create'.
    // Concurrent first seals each offer a key to createIfAbsent; all of them use the one stored.
    private TenantKek tenantKek(String tenant, boolean create) {
        TenantKek cached = unwrapped.get(tenant);
        if (cached != null) {
            return cached;
        }
        Optional<WrappedTenantKey> stored = tenantKeys.find(tenant);
        if (stored.isEmpty()) {
            if (!create) {
                return null;
            }
            stored = Optional.of(tenantKeys.createIfAbsent(newTenantKey(tenant)));
        }
        TenantKek kek = unwrap(stored.get());
        TenantKek raced = unwrapped.putIfAbsent(tenant, kek);
        return raced == null ? kek : raced;
    }

    private WrappedTenantKey newTenantKey(String tenant) {
        byte[] raw = randomBytes(KEY_BYTES);
        try {
            byte[] wrapped = AesGcm.encrypt(rootKey, raw, tenant.getBytes(StandardCharsets.UTF_8), random);
            return new WrappedTenantKey(tenant, wrapped, 1, Instant.now());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed while creating the key of tenant '" + tenant + "'", e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private TenantKek unwrap(WrappedTenantKey stored) {
        byte[] raw = null;
        try {
            raw = AesGcm.decrypt(rootKey, stored.wrappedKeyset(), stored.tenant().getBytes(StandardCharsets.UTF_8));
            return new TenantKek(AesGcm.key(raw), KEY_ID_PREFIX + stored.tenant() + ":" + stored.revision());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IntegrityException(ErrorCode.INTEGRITY_FAILURE, "the key of tenant '" + stored.tenant()
                    + "' does not open under this envelope's root key; it was made by another envelope instance");
        } finally {
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
        }
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static IntegrityException integrity(ValueBinding binding, String why, Throwable cause) {
        return new IntegrityException(ErrorCode.INTEGRITY_FAILURE,
                "the sealed value of " + binding + " does not open: " + why, cause);
    }

    /** An unwrapped tenant key and the id recorded with everything it wraps. */
    private record TenantKek(SecretKey key, String keyId) {
        @Override
        public String toString() {
            return "TenantKek[" + keyId + "]";
        }
    }
}
