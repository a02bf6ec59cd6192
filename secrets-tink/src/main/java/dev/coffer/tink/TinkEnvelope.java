package dev.coffer.tink;

import com.google.crypto.tink.KeyStatus;
import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.IntegrityException;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.store.TenantKeyStore;
import dev.coffer.tink.internal.TenantKek;
import dev.coffer.tink.internal.TenantKeyring;
import dev.coffer.tink.internal.TinkKeys;
import dev.coffer.tink.root.RootKey;
import dev.coffer.tink.root.RootKeys;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The production {@link Envelope}: envelope encryption on Google Tink with a per-tenant key
 * hierarchy.
 *
 * <pre>
 * root KEK (local keyset file, AWS KMS or GCP KMS: {@link RootKey})
 *   └─ tenant KEK: an AES256-GCM Tink keyset per tenant, created on the tenant's first seal,
 *      stored in the {@link TenantKeyStore} wrapped under the root with the tenant id as associated data
 *        └─ data key: fresh AES256-GCM key per seal, wrapped by the tenant KEK's primary key
 *             └─ value: encrypted under the data key
 * </pre>
 *
 * Both the value and its wrapped data key authenticate {@link ValueBinding#associatedData()}
 * ({@code coffer/v1|tenant|environment|path|version}), so a ciphertext or wrapped key moved to
 * another version, path or tenant does not open. {@link SealedValue#keyId()} records the tenant
 * key that wrapped the data key, as {@code tink:<tenant>:<key id>}.
 *
 * <p>Unwrapped tenant keysets are cached for {@link Builder#cacheTtl(Duration) a TTL} (default
 * 5 minutes, at most {@link Builder#cacheMaximumSize(long) 10,000 tenants}): reads cost at most
 * one root-key call per tenant per TTL, and concurrent misses for one tenant share one call.
 * Rotating a tenant KEK is two-phase; see {@link TenantKeyRotation}, from {@link #rotation()}.
 *
 * <pre>{@code
 * Envelope envelope = TinkEnvelope.builder()
 *         .keyUri("local-keyset:./coffer-data/root-keyset.json")
 *         .tenantKeyStore(tenantKeys)
 *         .build();
 * }</pre>
 *
 * <p>Plaintext and data-key arrays are wiped as soon as they are used. Thread-safe.
 */
public final class TinkEnvelope implements Envelope {
    /** The file name of the root keyset that {@link #withLocalRoot(Path, TenantKeyStore)} keeps in its directory. */
    public static final String LOCAL_KEYSET_FILE = "root-keyset.json";

    private final TenantKeyring keyring;
    private final TenantKeyRotation rotation;

    private TinkEnvelope(Builder b) {
        this.keyring = new TenantKeyring(b.rootKey, b.tenantKeys, b.cacheTtl, b.cacheMaximumSize,
                b.clock == null ? Clock.systemUTC() : b.clock, b.clock != null);
        this.rotation = new TenantKeyRotation(keyring);
    }

    /** A builder; a root key and a tenant key store are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The embedded default: root keyset {@value #LOCAL_KEYSET_FILE} in {@code directory}
     * (generated on first use, mode 0600), default cache settings.
     */
    public static TinkEnvelope withLocalRoot(Path directory, TenantKeyStore tenantKeys) {
        return builder().rootKey(RootKeys.localKeyset(directory.resolve(LOCAL_KEYSET_FILE))).tenantKeyStore(tenantKeys).build();
    }

    /** Two-phase rotation of tenant keys, sharing this envelope's cache. */
    public TenantKeyRotation rotation() {
        return rotation;
    }

    /** The root key above every tenant key. */
    public RootKey rootKey() {
        return keyring.root();
    }

    @Override
    public SealedValue seal(SecretValue value, ValueBinding binding) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(binding, "binding");
        TenantKek kek = keyring.forSeal(binding.path().tenant());
        byte[] aad = binding.associatedData();
        byte[] plaintext = value.bytes();
        byte[] dataKey = TinkKeys.newDataKey();
        try {
            byte[] ciphertext = TinkKeys.dataKeyAead(dataKey).encrypt(plaintext, aad);
            byte[] wrappedKey = kek.aead().encrypt(dataKey, aad);
            return new SealedValue(ciphertext, wrappedKey, kek.keyIdOf(kek.primaryId()));
        } catch (GeneralSecurityException e) {
            // AES-GCM refused input it accepts by construction; nothing secret is in Tink's message.
            throw new IllegalStateException("AES256-GCM failed while sealing " + binding, e);
        } finally {
            TinkKeys.wipe(plaintext);
            TinkKeys.wipe(dataKey);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IntegrityException {@code INTEGRITY_FAILURE} for every failure of the bytes: altered
     *         or truncated, another binding, another tenant, a tenant without a key, or a data key
     *         wrapped under a tenant key that is no longer enabled (rewrap before disabling)
     * @throws dev.coffer.spi.error.UnavailableException {@code KEY_UNAVAILABLE} when the root key
     *         is needed and cannot be reached
     */
    @Override
    public SecretValue open(SealedValue sealed, ValueBinding binding) {
        Objects.requireNonNull(sealed, "sealed");
        Objects.requireNonNull(binding, "binding");
        Optional<TenantKek> found = keyring.forOpen(binding.path().tenant());
        if (found.isEmpty()) {
            throw integrity(binding, "tenant '" + binding.path().tenant() + "' has no key", null);
        }
        byte[] aad = binding.associatedData();
        byte[] dataKey = unwrapDataKey(found.get(), sealed.wrappedKey(), binding, aad);
        try {
            if (dataKey.length != TinkKeys.DATA_KEY_BYTES) {
                throw integrity(binding, "its wrapped data key is malformed", null);
            }
            return SecretValue.wrap(TinkKeys.dataKeyAead(dataKey).decrypt(sealed.ciphertext(), aad));
        } catch (GeneralSecurityException e) {
            throw integrity(binding, "its ciphertext was altered, truncated, or moved from another version, path or tenant", e);
        } finally {
            TinkKeys.wipe(dataKey);
        }
    }

    private byte[] unwrapDataKey(TenantKek kek, byte[] wrappedKey, ValueBinding binding, byte[] aad) {
        try {
            return kek.aead().decrypt(wrappedKey, aad);
        } catch (GeneralSecurityException first) {
            Integer keyId = TinkKeys.prefixKeyId(wrappedKey);
            if (keyId != null && kek.status(keyId) == null) {
                // Perhaps another instance rotated the tenant's keyset since we cached it.
                TenantKek fresh = keyring.refreshIfChanged(kek);
                if (fresh != kek && fresh.status(keyId) != null) {
                    return unwrapDataKey(fresh, wrappedKey, binding, aad);
                }
            }
            throw integrity(binding, why(kek, keyId), first);
        }
    }

    private static String why(TenantKek kek, Integer keyId) {
        if (keyId == null) {
            return "its wrapped data key is truncated or malformed";
        }
        KeyStatus status = kek.status(keyId);
        if (status == null) {
            return "its data key is wrapped under key " + TinkKeys.showKeyId(keyId) + ", which tenant '" + kek.tenant()
                    + "' does not have: it was moved from another tenant or altered";
        }
        if (status != KeyStatus.ENABLED) {
            return "its data key is wrapped under tenant key " + kek.keyIdOf(keyId) + ", which is " + status
                    + ": the key was disabled before this version was rewrapped (run rewrap before disabling,"
                    + " or enable the key again)";
        }
        return "its wrapped data key was altered, or moved from another version, path or tenant";
    }

    private static IntegrityException integrity(ValueBinding binding, String why, Throwable cause) {
        // Tink's exceptions say only "decryption failed" and the like: safe to keep as the cause.
        return new IntegrityException(ErrorCode.INTEGRITY_FAILURE, "the sealed value of " + binding + " does not open: " + why, cause);
    }

    @Override
    public String toString() {
        return "TinkEnvelope[root=" + keyring.root().uri() + "]";
    }

    /** Builds a {@link TinkEnvelope}; validates in {@link #build()}. */
    public static final class Builder {
        private RootKey rootKey;
        private TenantKeyStore tenantKeys;
        private Duration cacheTtl = Duration.ofMinutes(5);
        private long cacheMaximumSize = 10_000;
        private Clock clock;

        private Builder() {}

        /** The root key; see {@link RootKeys}. Required (or {@link #keyUri(String)}). */
        public Builder rootKey(RootKey rootKey) {
            this.rootKey = rootKey;
            return this;
        }

        /** Shorthand for {@code rootKey(RootKeys.fromUri(keyUri))}: opens (or creates) the root key now. */
        public Builder keyUri(String keyUri) {
            this.rootKey = RootKeys.fromUri(keyUri);
            return this;
        }

        /** Where wrapped tenant keysets live. Required. */
        public Builder tenantKeyStore(TenantKeyStore tenantKeys) {
            this.tenantKeys = tenantKeys;
            return this;
        }

        /**
         * How long an unwrapped tenant keyset is kept after it was loaded; default 5 minutes. Also
         * how long other instances may keep using a keyset after a rotation step here.
         */
        public Builder cacheTtl(Duration ttl) {
            this.cacheTtl = ttl;
            return this;
        }

        /** At most this many tenants' keysets are kept unwrapped; default 10,000. */
        public Builder cacheMaximumSize(long size) {
            this.cacheMaximumSize = size;
            return this;
        }

        /**
         * The clock that stamps stored tenant keys and drives cache expiry; default the system's
         * (expiry then follows the monotonic {@code System.nanoTime()}). For tests.
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * The envelope.
         *
         * @throws IllegalStateException when a root key or tenant key store is missing, or a cache setting is out of range
         */
        public TinkEnvelope build() {
            if (rootKey == null) {
                throw new IllegalStateException("a root key is required: rootKey(RootKeys.fromUri(...)) or keyUri(...)");
            }
            if (tenantKeys == null) {
                throw new IllegalStateException("a tenant key store is required: tenantKeyStore(...)");
            }
            if (cacheTtl == null || cacheTtl.isNegative() || cacheTtl.isZero()) {
                throw new IllegalStateException("cacheTtl must be positive, got " + cacheTtl);
            }
            if (cacheMaximumSize < 1) {
                throw new IllegalStateException("cacheMaximumSize must be at least 1, got " + cacheMaximumSize);
            }
            return new TinkEnvelope(this);
        }
    }
}
