package dev.coffer.spi.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tenant's key material as stored: encrypted under the root key, never in the clear.
 *
 * @param tenant the tenant
 * @param wrappedKeyset the tenant keyset, encrypted under the root key with the tenant id as associated data
 * @param revision incremented by every replace; the compare-and-set token
 * @param updatedAt when it was last written
 */
public record WrappedTenantKey(String tenant, byte[] wrappedKeyset, long revision, Instant updatedAt) {
    public WrappedTenantKey {
        Objects.requireNonNull(tenant, "tenant");
        wrappedKeyset = Objects.requireNonNull(wrappedKeyset, "wrappedKeyset").clone();
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    @Override
    public byte[] wrappedKeyset() {
        return wrappedKeyset.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WrappedTenantKey k && tenant.equals(k.tenant) && revision == k.revision
                && Arrays.equals(wrappedKeyset, k.wrappedKeyset) && updatedAt.equals(k.updatedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, revision);
    }

    @Override
    public String toString() {
        return "WrappedTenantKey[tenant=" + tenant + ", revision=" + revision + "]";
    }
}
