package dev.coffer.tink;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a tenant's key-encryption keyset holds, without key material: which keys, their states,
 * and which one is primary.
 *
 * <pre>{@code
 * TenantKeysetInfo info = envelope.rotation().describe("acme");
 * int primary = info.primary().id();
 * }</pre>
 *
 * @param tenant the tenant
 * @param revision the stored revision ({@link dev.coffer.spi.store.WrappedTenantKey#revision()}), bumped by every rotation step
 * @param keys every key, in keyset order
 */
public record TenantKeysetInfo(String tenant, long revision, List<Key> keys) {
    public TenantKeysetInfo {
        Objects.requireNonNull(tenant, "tenant");
        keys = List.copyOf(keys);
    }

    /** The key that wraps new data keys. */
    public Key primary() {
        return keys.stream().filter(Key::primary).findFirst()
                .orElseThrow(() -> new IllegalStateException("keyset of tenant '" + tenant + "' has no primary"));
    }

    /** The key with {@code id}, if the keyset has it. */
    public Optional<Key> key(int id) {
        return keys.stream().filter(k -> k.id() == id).findFirst();
    }

    /** The state of a tenant key. */
    public enum KeyState {
        /** Wraps (if primary) and unwraps data keys. */
        ENABLED,
        /** Kept in the keyset but unusable: data keys it wrapped no longer open. */
        DISABLED,
        /** Key material deleted for good. */
        DESTROYED
    }

    /**
     * One tenant key.
     *
     * @param id Tink's key id (shown unsigned in {@link #keyId()})
     * @param keyId the id recorded with the values it wraps: {@code tink:<tenant>:<id>}
     * @param state enabled, disabled or destroyed
     * @param primary whether it wraps new data keys
     */
    public record Key(int id, String keyId, KeyState state, boolean primary) {
        public Key {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(state, "state");
        }
    }
}
