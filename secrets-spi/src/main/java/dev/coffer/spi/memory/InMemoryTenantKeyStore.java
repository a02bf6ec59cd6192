package dev.coffer.spi.memory;

import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.store.TenantKeyStore;
import dev.coffer.spi.store.WrappedTenantKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The reference {@link TenantKeyStore}: wrapped tenant keys in a map, for tests and for
 * embedding without a database. The keys it holds are only as durable as the JVM, so values
 * sealed under them are too.
 *
 * <pre>{@code
 * Envelope envelope = new JdkEnvelope(new InMemoryTenantKeyStore());
 * }</pre>
 */
public final class InMemoryTenantKeyStore implements TenantKeyStore {
    private final ConcurrentMap<String, WrappedTenantKey> keys = new ConcurrentHashMap<>();

    /** An empty store. */
    public InMemoryTenantKeyStore() {}

    @Override
    public Optional<WrappedTenantKey> find(String tenant) {
        return Optional.ofNullable(keys.get(Objects.requireNonNull(tenant, "tenant")));
    }

    @Override
    public WrappedTenantKey createIfAbsent(WrappedTenantKey key) {
        Objects.requireNonNull(key, "key");
        WrappedTenantKey first = new WrappedTenantKey(key.tenant(), key.wrappedKeyset(), 1, key.updatedAt());
        WrappedTenantKey winner = keys.putIfAbsent(key.tenant(), first);
        return winner == null ? first : winner;
    }

    @Override
    public WrappedTenantKey replace(String tenant, long expectedRevision, byte[] wrappedKeyset, Instant now) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(wrappedKeyset, "wrappedKeyset");
        Objects.requireNonNull(now, "now");
        // compute() leaves the mapping unchanged when the function throws, so a refused
        // replace changes nothing.
        return keys.compute(tenant, (t, stored) -> {
            if (stored == null) {
                throw new NotFoundException(ErrorCode.TENANT_KEY_NOT_FOUND,
                        "tenant '" + Messages.printable(tenant) + "' has no key to replace");
            }
            if (stored.revision() != expectedRevision) {
                throw new ConflictException(ErrorCode.VERSION_CONFLICT, "the key of tenant '" + tenant + "' is at revision "
                        + stored.revision() + ", but the caller expected revision " + expectedRevision);
            }
            return new WrappedTenantKey(tenant, wrappedKeyset, expectedRevision + 1, now);
        });
    }
}
