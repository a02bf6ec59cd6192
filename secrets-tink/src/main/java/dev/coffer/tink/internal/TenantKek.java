package dev.coffer.tink.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A tenant's key-encryption keyset, unwrapped: what the cache holds. Immutable; a rotation step
 * makes a new one.
 *
 * <p>Holds key material (in Tink's {@code SecretBytes}, which cannot be wiped), so it never
 * leaves this module and its {@link #toString()} names ids only.
 */
public final class TenantKek {
    /** Prefix of the key ids recorded with sealed values: {@code tink:<tenant>:<key id>}. */
    public static final String KEY_ID_PREFIX = "tink:";

    private final String tenant;
    private final long revision;
    private final KeysetHandle handle;
    private final Aead aead;
    private final int primaryId;
    private final Map<Integer, KeyStatus> statuses;

    private TenantKek(String tenant, long revision, KeysetHandle handle) throws GeneralSecurityException {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.revision = revision;
        this.handle = Objects.requireNonNull(handle, "handle");
        this.aead = TinkKeys.aead(handle);
        this.primaryId = handle.getPrimary().getId();
        Map<Integer, KeyStatus> s = new LinkedHashMap<>();
        for (int i = 0; i < handle.size(); i++) {
            KeysetHandle.Entry entry = handle.getAt(i);
            s.put(entry.getId(), entry.getStatus());
        }
        this.statuses = Collections.unmodifiableMap(s);
    }

    /** Wraps {@code handle}, the tenant's keyset as stored at {@code revision}. */
    public static TenantKek of(String tenant, long revision, KeysetHandle handle) throws GeneralSecurityException {
        return new TenantKek(tenant, revision, handle);
    }

    public String tenant() {
        return tenant;
    }

    /** The {@link dev.coffer.spi.store.WrappedTenantKey#revision()} this keyset was read at or written as. */
    public long revision() {
        return revision;
    }

    /** The keyset, for rotation steps that derive a new one from it. */
    public KeysetHandle handle() {
        return handle;
    }

    /** Encrypts under the primary key; decrypts under any enabled key. */
    public Aead aead() {
        return aead;
    }

    /** The id of the key that wraps new data keys. */
    public int primaryId() {
        return primaryId;
    }

    /** The status of {@code keyId} in this keyset, or {@code null} if it has no such key. */
    public KeyStatus status(int keyId) {
        return statuses.get(keyId);
    }

    /** Id and status of every key, in keyset order. */
    public Map<Integer, KeyStatus> statuses() {
        return statuses;
    }

    /** The id recorded with values whose data key {@code keyId} wraps. */
    public String keyIdOf(int keyId) {
        return KEY_ID_PREFIX + tenant + ":" + TinkKeys.showKeyId(keyId);
    }

    @Override
    public String toString() {
        return "TenantKek[tenant=" + tenant + ", revision=" + revision + ", primary=" + TinkKeys.showKeyId(primaryId)
                + ", keys=" + statuses.size() + "]";
    }
}
