package dev.coffer.tink.internal;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.google.crypto.tink.KeysetHandle;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.IntegrityException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.store.TenantKeyStore;
import dev.coffer.spi.store.WrappedTenantKey;
import dev.coffer.tink.root.RootKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Tenant key-encryption keysets: created on a tenant's first seal, stored wrapped under the root
 * key with the tenant id as associated data, unwrapped on demand and cached.
 *
 * <p>The cache is what keeps the root key (often a remote KMS) off the hot path: an unwrapped
 * keyset is kept for a TTL after it was loaded, and concurrent misses for one tenant share one
 * load — the first caller loads on its own thread, the others wait for its result — so N reads
 * cost at most one root call per tenant per TTL. Loads that fail or find no key are not cached.
 *
 * <p>Other instances sharing the {@link TenantKeyStore} notice a rotation when their entry
 * expires, or sooner when they meet a data key wrapped under a key id they do not know (see
 * {@link #refreshIfChanged}).
 */
public final class TenantKeyring {
    private final RootKey root;
    private final TenantKeyStore store;
    private final Clock clock;
    private final AsyncCache<String, TenantKek> cache;

    /**
     * @param clock stamps stored keys; when {@code cacheClock} it also drives cache expiry (for tests)
     */
    public TenantKeyring(RootKey root, TenantKeyStore store, Duration ttl, long maximumSize, Clock clock, boolean cacheClock) {
        this.root = Objects.requireNonNull(root, "root");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        Ticker ticker = cacheClock ? () -> clock.millis() * 1_000_000L : Ticker.systemTicker();
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(maximumSize)
                .ticker(ticker)
                // Maintenance is a few map operations; doing it on the caller's thread keeps
                // expiry deterministic and spares the common pool.
                .executor(Runnable::run)
                .buildAsync();
    }

    /** The root key above every tenant keyset. */
    public RootKey root() {
        return root;
    }

    /** The tenant's keyset, created and stored on the tenant's first write. */
    public TenantKek forSeal(String tenant) {
        TenantKek kek = load(tenant, true);
        // A concurrent open that found no key may have handed us its empty result; we create.
        return kek != null ? kek : Objects.requireNonNull(load(tenant, true), "keyset of a tenant just created");
    }

    /** The tenant's keyset, if the tenant has one. */
    public Optional<TenantKek> forOpen(String tenant) {
        return Optional.ofNullable(load(tenant, false));
    }

    /**
     * The newest keyset of the tenant if the store holds another revision than {@code seen};
     * otherwise {@code seen}. Costs a store read, and a root call only when the keyset changed —
     * so a tampered value naming an unknown key id cannot make us hammer the KMS.
     */
    public TenantKek refreshIfChanged(TenantKek seen) {
        Optional<WrappedTenantKey> stored = store.find(seen.tenant());
        if (stored.isEmpty() || stored.get().revision() == seen.revision()) {
            return seen;
        }
        TenantKek fresh = unwrap(stored.get());
        cache.put(seen.tenant(), CompletableFuture.completedFuture(fresh));
        return fresh;
    }

    /**
     * The tenant's keyset as stored now, reusing the cached one when it is of the stored revision.
     *
     * @throws NotFoundException {@code TENANT_KEY_NOT_FOUND} if the tenant has no key yet
     */
    public TenantKek current(String tenant) {
        WrappedTenantKey stored = store.find(tenant).orElseThrow(() -> noKey(tenant));
        CompletableFuture<TenantKek> cached = cache.getIfPresent(tenant);
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
            TenantKek kek = cached.join();
            if (kek != null && kek.revision() == stored.revision()) {
                return kek;
            }
        }
        TenantKek fresh = unwrap(stored);
        cache.put(tenant, CompletableFuture.completedFuture(fresh));
        return fresh;
    }

    /**
     * Replaces the tenant's keyset with {@code change} applied to the one stored now: wraps it,
     * stores it by compare-and-set on the revision it was derived from, and caches it here.
     *
     * @throws NotFoundException {@code TENANT_KEY_NOT_FOUND} if the tenant has no key yet
     * @throws dev.coffer.spi.error.ConflictException {@code VERSION_CONFLICT} if another writer
     *         replaced the keyset meanwhile; nothing was changed, and the step may be retried
     */
    public TenantKek update(String tenant, KeysetChange change) {
        TenantKek before = current(tenant);
        byte[] serialized = null;
        try {
            KeysetHandle changed = change.apply(before);
            serialized = TinkKeys.serialize(changed);
            byte[] wrapped = root.wrap(serialized, tenantAad(tenant));
            WrappedTenantKey stored = store.replace(tenant, before.revision(), wrapped, clock.instant());
            TenantKek after = TenantKek.of(tenant, stored.revision(), changed);
            cache.put(tenant, CompletableFuture.completedFuture(after));
            return after;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink refused the new keyset of tenant '" + tenant + "'", e);
        } finally {
            TinkKeys.wipe(serialized);
        }
    }

    /** Drops the tenant's cached keyset; the next use loads it from the store. */
    public void invalidate(String tenant) {
        cache.synchronous().invalidate(tenant);
    }

    /** A rotation step: the new keyset, derived from the current one. */
    @FunctionalInterface
    public interface KeysetChange {
        KeysetHandle apply(TenantKek current) throws GeneralSecurityException;
    }

    // One load per tenant at a time: the caller that installs the future does the work on its own
    // thread (a KMS call must not run inside the map's lock), the others wait on that future.
    private TenantKek load(String tenant, boolean create) {
        CompletableFuture<TenantKek> mine = new CompletableFuture<>();
        boolean[] installed = {false};
        CompletableFuture<TenantKek> shared = cache.get(tenant, (t, executor) -> {
            installed[0] = true;
            return mine;
        });
        if (installed[0]) {
            try {
                mine.complete(fetch(tenant, create));
            } catch (Throwable t) {
                mine.completeExceptionally(t);
            }
        }
        return await(shared);
    }

    private TenantKek fetch(String tenant, boolean create) {
        Optional<WrappedTenantKey> stored = store.find(tenant);
        if (stored.isPresent()) {
            return unwrap(stored.get());
        }
        return create ? createKey(tenant) : null;
    }

    // Several instances may create a tenant's first key at once: each offers its own, the store
    // keeps one, and everyone uses that one. The winner skips the root call of unwrapping it.
    private TenantKek createKey(String tenant) {
        byte[] serialized = null;
        try {
            KeysetHandle handle = TinkKeys.newAes256GcmKeyset();
            serialized = TinkKeys.serialize(handle);
            byte[] wrapped = root.wrap(serialized, tenantAad(tenant));
            WrappedTenantKey stored = store.createIfAbsent(new WrappedTenantKey(tenant, wrapped, 1, clock.instant()));
            if (Arrays.equals(wrapped, stored.wrappedKeyset())) {
                return TenantKek.of(tenant, stored.revision(), handle);
            }
            return unwrap(stored);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not create the keyset of tenant '" + tenant + "'", e);
        } finally {
            TinkKeys.wipe(serialized);
        }
    }

    private TenantKek unwrap(WrappedTenantKey stored) {
        String tenant = stored.tenant();
        byte[] serialized = null;
        try {
            serialized = root.unwrap(stored.wrappedKeyset(), tenantAad(tenant));
            return TenantKek.of(tenant, stored.revision(), TinkKeys.parse(serialized));
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof SecretsException se) {
                throw se; // KEY_UNAVAILABLE from a KMS root says it best
            }
            // No cause attached: a parser's message could quote keyset bytes.
            throw new IntegrityException(ErrorCode.INTEGRITY_FAILURE, "the key of tenant '" + tenant
                    + "' (revision " + stored.revision() + ") does not open under the root key " + root.uri()
                    + ": it was wrapped by another root key, for another tenant, or altered");
        } finally {
            TinkKeys.wipe(serialized);
        }
    }

    private static byte[] tenantAad(String tenant) {
        return tenant.getBytes(StandardCharsets.UTF_8);
    }

    private static NotFoundException noKey(String tenant) {
        return new NotFoundException(ErrorCode.TENANT_KEY_NOT_FOUND,
                "tenant '" + tenant + "' has no key yet; it is created with the tenant's first secret value");
    }

    private static TenantKek await(CompletableFuture<TenantKek> future) {
        try {
            return future.get();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("loading a tenant keyset failed", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a tenant keyset to load", e);
        }
    }
}
