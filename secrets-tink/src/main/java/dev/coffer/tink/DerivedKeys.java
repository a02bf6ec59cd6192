package dev.coffer.tink;

import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfConfig2026;
import com.google.crypto.tink.prf.PrfSet;
import dev.coffer.spi.audit.AuditKeys;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.store.TenantKeyStore;
import dev.coffer.spi.store.WrappedTenantKey;
import dev.coffer.tink.root.RootKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * Purpose-separated keys under the root key, for what is not sealing values: the audit chain
 * and its checkpoints, page tokens. One Tink PRF keyset (HMAC-SHA256 PRF) is created once,
 * wrapped by the root key and kept in the {@link TenantKeyStore} under the reserved id
 * {@value #STORE_ID} (no tenant can have it: tenant ids start with a letter), so every server
 * instance sharing the database derives the same keys and a database reader derives none. Each
 * key is the PRF's output over {@code coffer/v1|<purpose>}: knowing one tells nothing of another.
 *
 * <pre>{@code
 * DerivedKeys derived = DerivedKeys.open(envelope.rootKey(), db.tenantKeyStore());
 * AuditKeys audit = derived.auditKeys();                       // "audit-chain", "audit-checkpoint"
 * byte[] pageTokens = derived.key(DerivedKeys.PAGE_TOKEN);     // the caller wipes it
 * }</pre>
 *
 * <p>The root key is asked once, when this is opened. Rotating the root key rewraps nothing here
 * on its own; the keyset must be rewrapped with the tenant keysets (the derived keys stay the same).
 */
public final class DerivedKeys {
    /** The id the wrapped PRF keyset is stored under in the {@link TenantKeyStore}. */
    public static final String STORE_ID = "_coffer-derived-keys";
    /** Purpose: the audit chain's HMAC key. */
    public static final String AUDIT_CHAIN = "audit-chain";
    /** Purpose: the audit checkpoints' HMAC key. */
    public static final String AUDIT_CHECKPOINT = "audit-checkpoint";
    /** Purpose: the key that authenticates page tokens. */
    public static final String PAGE_TOKEN = "page-token";

    private static final Set<String> PURPOSES = Set.of(AUDIT_CHAIN, AUDIT_CHECKPOINT, PAGE_TOKEN);
    private static final int KEY_BYTES = 32;
    private static final Configuration CONFIGURATION = PrfConfig2026.get();
    private static final byte[] ASSOCIATED_DATA = "coffer/v1|derived-keys".getBytes(StandardCharsets.UTF_8);

    private final PrfSet prf;

    private DerivedKeys(PrfSet prf) {
        this.prf = prf;
    }

    /**
     * Opens the stored PRF keyset, creating and storing it first if there is none (several
     * instances racing here all end up with the one stored).
     *
     * @throws UnavailableException {@code KEY_UNAVAILABLE} when the root key cannot wrap or open
     *         it (another root key, or an altered keyset), {@code STORE_UNAVAILABLE} from the store
     */
    public static DerivedKeys open(RootKey root, TenantKeyStore store) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(store, "store");
        WrappedTenantKey stored = store.find(STORE_ID).orElseGet(() -> store.createIfAbsent(
                new WrappedTenantKey(STORE_ID, root.wrap(newKeyset(), ASSOCIATED_DATA), 1, Instant.now())));
        byte[] serialized = null;
        try {
            serialized = root.unwrap(stored.wrappedKeyset(), ASSOCIATED_DATA);
            KeysetHandle handle = TinkProtoKeysetFormat.parseKeyset(serialized, InsecureSecretKeyAccess.get(), CONFIGURATION);
            return new DerivedKeys(handle.getPrimitive(CONFIGURATION, PrfSet.class));
        } catch (GeneralSecurityException e) {
            throw new UnavailableException(ErrorCode.KEY_UNAVAILABLE, "the derived-keys keyset does not open under the root key "
                    + root.uri() + ": it was wrapped by another root key or altered", e);
        } finally {
            if (serialized != null) {
                Arrays.fill(serialized, (byte) 0);
            }
        }
    }

    /**
     * The 32-byte key for {@code purpose}, one of {@link #AUDIT_CHAIN}, {@link #AUDIT_CHECKPOINT},
     * {@link #PAGE_TOKEN}. A fresh array each call; the caller wipes it.
     *
     * @throws IllegalArgumentException for another purpose
     */
    public byte[] key(String purpose) {
        if (!PURPOSES.contains(purpose)) {
            throw new IllegalArgumentException("no derived key for purpose '" + purpose + "'; known: " + PURPOSES);
        }
        try {
            return prf.computePrimary(("coffer/v1|" + purpose).getBytes(StandardCharsets.UTF_8), KEY_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the HMAC-SHA256 PRF refused a 32-byte output", e);
        }
    }

    /** The audit log's chain and checkpoint keys. */
    public AuditKeys auditKeys() {
        byte[] chain = key(AUDIT_CHAIN);
        byte[] checkpoint = key(AUDIT_CHECKPOINT);
        try {
            return AuditKeys.of(chain, checkpoint);
        } finally {
            Arrays.fill(chain, (byte) 0);
            Arrays.fill(checkpoint, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "DerivedKeys[HMAC-SHA256 PRF under the root key]";
    }

    private static byte[] newKeyset() {
        try {
            KeysetHandle handle = KeysetHandle.newBuilder()
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedPrfParameters.HMAC_SHA256_PRF)
                            .withRandomId()
                            .makePrimary())
                    .setConfiguration(CONFIGURATION)
                    .build();
            return TinkProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get(), CONFIGURATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not create an HMAC-SHA256 PRF keyset", e);
        }
    }
}
