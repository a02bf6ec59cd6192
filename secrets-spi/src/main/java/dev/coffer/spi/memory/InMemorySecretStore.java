package dev.coffer.spi.memory;

import dev.coffer.spi.internal.PageTokens;
import dev.coffer.spi.internal.StoreRules;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.store.AddedVersion;
import dev.coffer.spi.store.AliasMove;
import dev.coffer.spi.store.AliasRemoval;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.spi.store.VersionSealer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The reference {@link SecretStore}: everything in memory, for tests and for embedding without
 * a database. Nothing survives the JVM.
 *
 * <p>One lock guards the whole store, so every mutation — including the version sealer and the
 * {@link BeforeCommit} hook — runs as one atomic unit that other threads cannot observe half
 * done. Each secret's state is an immutable snapshot; a failed sealer or hook means the old
 * snapshot stays (or is put back), so nothing is stored and no version number is consumed.
 *
 * <pre>{@code
 * SecretStore store = new InMemorySecretStore();
 * }</pre>
 */
public final class InMemorySecretStore implements SecretStore {
    private final ReentrantLock lock = new ReentrantLock();
    private final InMemoryAuditOutbox outbox;
    private final Map<String, TenantSecrets> tenants = new HashMap<>();

    /** An empty store with an outbox of its own. */
    public InMemorySecretStore() {
        this(new InMemoryAuditOutbox());
    }

    /** An empty store keeping its audit events in {@code outbox} (which may be shared with a policy store). */
    public InMemorySecretStore(InMemoryAuditOutbox outbox) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
    }

    @Override
    public AuditOutbox auditOutbox() {
        return outbox;
    }

    @Override
    public Secret createSecret(Secret secret, BeforeCommit<Secret> hook) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(hook, "hook");
        return locked(() -> {
            TenantSecrets t = tenants.computeIfAbsent(secret.path().tenant(), k -> new TenantSecrets());
            if (t.byPath(secret.path()).isPresent()) {
                throw new ConflictException(ErrorCode.SECRET_EXISTS, "a secret already exists at " + secret.path());
            }
            if (t.hasId(secret.id())) {
                throw new ConflictException(ErrorCode.SECRET_EXISTS, "a secret with id '" + secret.id() + "' already exists");
            }
            return commit(t, secret.id(), secret.path(), null,
                    SecretEntry.fresh(secret, t.numbersUsed(secret.id())), secret, hook);
        });
    }

    @Override
    public Optional<Secret> findSecret(String tenant, String secretId) {
        return locked(() -> entry(tenant, secretId).map(SecretEntry::secret));
    }

    @Override
    public Optional<Secret> findSecretByPath(SecretPath path) {
        Objects.requireNonNull(path, "path");
        return locked(() -> Optional.ofNullable(tenants.get(path.tenant()))
                .flatMap(t -> t.byPath(path)).map(SecretEntry::secret));
    }

    @Override
    public Secret updateSecret(Secret secret, BeforeCommit<Secret> hook) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(hook, "hook");
        return locked(() -> {
            SecretEntry before = require(secret.path().tenant(), secret.id());
            if (!before.secret().path().equals(secret.path())) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "the path of secret '" + secret.id()
                        + "' is " + before.secret().path() + " and cannot change to " + secret.path());
            }
            Secret updated = StoreRules.keepStoreOwned(before.secret(), secret);
            return commit(tenants.get(secret.path().tenant()), secret.id(), secret.path(), before,
                    before.withSecret(updated), updated, hook);
        });
    }

    @Override
    public Secret updateSecret(String tenant, String secretId, java.util.function.UnaryOperator<Secret> change,
            BeforeCommit<Secret> hook) {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(hook, "hook");
        return locked(() -> {
            SecretEntry before = require(tenant, secretId);
            Secret changed = Objects.requireNonNull(change.apply(before.secret()), "changed secret");
            if (!changed.id().equals(secretId) || !changed.path().equals(before.secret().path())) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "the id and path of secret '" + secretId
                        + "' cannot change in an update");
            }
            Secret updated = StoreRules.keepStoreOwned(before.secret(), changed);
            return commit(tenants.get(tenant), secretId, updated.path(), before, before.withSecret(updated), updated, hook);
        });
    }

    @Override
    public Page<Secret> listSecrets(String tenant, SecretFilter filter, PageRequest page) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(page, "page");
        String[] position = page.pageToken() == null ? null : PageTokens.secretPosition(page.pageToken());
        return locked(() -> {
            TenantSecrets t = tenants.get(tenant);
            List<Secret> items = new ArrayList<>();
            boolean more = false;
            if (t != null) {
                // The tenant has secrets, so its id is valid and the position forms a valid path.
                SecretPath after = position == null ? null : SecretPath.of(tenant, position[0], position[1]);
                for (SecretEntry e : t.after(after)) {
                    if (!filter.matches(e.secret().path())) {
                        continue;
                    }
                    if (items.size() == page.limit()) {
                        more = true;
                        break;
                    }
                    items.add(e.secret());
                }
            }
            String next = more ? PageTokens.afterSecret(items.get(items.size() - 1).path()) : null;
            return new Page<>(items, next);
        });
    }

    @Override
    public void deleteSecret(String tenant, String secretId, BeforeCommit<Secret> hook) {
        Objects.requireNonNull(hook, "hook");
        locked(() -> {
            SecretEntry before = require(tenant, secretId);
            return commit(tenants.get(tenant), secretId, before.secret().path(), before, null, before.secret(), hook);
        });
    }

    @Override
    public VersionRecord addVersion(String tenant, String secretId, VersionSealer sealer, String createdBy, Instant now,
            Instant expiresAt, boolean makeCurrent, BeforeCommit<AddedVersion> hook) {
        Objects.requireNonNull(sealer, "sealer");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(hook, "hook");
        return locked(() -> {
            SecretEntry before = require(tenant, secretId);
            int number = before.lastNumber() + 1;
            // Sealed inside the lock: the number is only taken if everything below succeeds.
            SealedValue sealed = Objects.requireNonNull(sealer.seal(number), "sealer returned null");
            VersionRecord record = new VersionRecord(number, VersionState.ENABLED, createdBy, now, expiresAt, sealed.keyId());
            SecretEntry after = before.withNewVersion(record, sealed);
            Optional<AliasMove> currentMove = Optional.empty();
            if (makeCurrent) {
                after = pointCurrentAt(after, number, now);
                currentMove = Optional.of(new AliasMove(Aliases.CURRENT, before.aliases().get(Aliases.CURRENT), number, after.aliases()));
            }
            commit(tenants.get(tenant), secretId, before.secret().path(), before, after, new AddedVersion(record, currentMove), hook);
            return record;
        });
    }

    @Override
    public List<VersionRecord> listVersions(String tenant, String secretId) {
        return locked(() -> entry(tenant, secretId).map(e -> List.copyOf(e.versions().values())).orElse(List.of()));
    }

    @Override
    public Optional<VersionRecord> findVersion(String tenant, String secretId, int number) {
        return locked(() -> entry(tenant, secretId).map(e -> e.versions().get(number)));
    }

    @Override
    public Optional<SealedValue> loadSealedValue(String tenant, String secretId, int number) {
        return locked(() -> entry(tenant, secretId).map(e -> e.sealed().get(number)).map(SealedValue::copy));
    }

    @Override
    public Aliases aliases(String tenant, String secretId) {
        return locked(() -> entry(tenant, secretId).map(SecretEntry::aliases).orElse(Aliases.none()));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checks run in this order: alias name, secret, target exists, target enabled, then the
     * compare-and-set. A move to where the alias already points succeeds without stamping
     * {@code lastRotatedAt}: nothing rotated.
     */
    @Override
    public AliasMove moveAlias(String tenant, String secretId, String alias, int target, OptionalInt expected,
            Instant now, BeforeCommit<AliasMove> hook) {
        StoreRules.requireMovableAlias(alias, expected, now, hook);
        return locked(() -> {
            SecretEntry before = require(tenant, secretId);
            SecretPath path = before.secret().path();
            StoreRules.requireAliasTarget(path, alias, target, before.versions().get(target));
            OptionalInt from = before.aliases().get(alias);
            StoreRules.requireAliasAt(path, alias, from, expected);
            SecretEntry after;
            if (from.isPresent() && from.getAsInt() == target) {
                after = before;
            } else if (Aliases.CURRENT.equals(alias)) {
                after = pointCurrentAt(before, target, now);
            } else {
                after = before.withAliases(SecretEntry.set(before.aliases(), alias, target), before.secret());
            }
            boolean nextCleared = before.aliases().get(Aliases.NEXT).isPresent() && after.aliases().get(Aliases.NEXT).isEmpty();
            AliasMove move = new AliasMove(alias, from, target, after.aliases(), nextCleared);
            return commit(tenants.get(tenant), secretId, path, before, after, move, hook);
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checks run in this order: alias name, secret, alias set, then the compare-and-set.
     */
    @Override
    public AliasRemoval removeAlias(String tenant, String secretId, String alias, OptionalInt expected,
            BeforeCommit<AliasRemoval> hook) {
        StoreRules.requireRemovableAlias(alias, expected, hook);
        return locked(() -> {
            SecretEntry before = require(tenant, secretId);
            SecretPath path = before.secret().path();
            int from = StoreRules.requireRemovable(path, alias, before.aliases().get(alias), expected);
            SecretEntry after = before.withAliases(SecretEntry.without(before.aliases(), alias), before.secret());
            return commit(tenants.get(tenant), secretId, path, before, after, new AliasRemoval(alias, from, after.aliases()), hook);
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Allowed transitions are {@code ENABLED ⇄ DISABLED} and {@code ENABLED|DISABLED →
     * DESTROYED}; anything else, including a transition to the same state, is a
     * {@code STATE_CONFLICT}.
     */
    @Override
    public VersionRecord transitionVersion(String tenant, String secretId, int number, VersionState from,
            VersionState to, BeforeCommit<VersionRecord> hook) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(hook, "hook");
        return locked(() -> {
            SecretEntry before = require(tenant, secretId);
            SecretPath path = before.secret().path();
            VersionRecord record = before.versions().get(number);
            StoreRules.requireTransition(path, before.aliases(), number, record, from, to);
            VersionRecord changed = record.withState(to);
            return commit(tenants.get(tenant), secretId, path, before, before.withRecord(changed), changed, hook);
        });
    }

    @Override
    public boolean rewrapVersion(String tenant, String secretId, int number, SealedValue rewrapped) {
        Objects.requireNonNull(rewrapped, "rewrapped");
        return locked(() -> {
            SecretEntry before = require(tenant, secretId);
            SecretPath path = before.secret().path();
            VersionRecord record = before.versions().get(number);
            if (record == null) {
                throw new NotFoundException(ErrorCode.VERSION_NOT_FOUND, path.qualifiedName() + " has no version " + number);
            }
            SealedValue stored = before.sealed().get(number);
            if (stored == null) {
                return false;
            }
            if (!java.util.Arrays.equals(stored.ciphertext(), rewrapped.ciphertext())) {
                throw new ConflictException(ErrorCode.STATE_CONFLICT, "rewrap of version " + number + " of "
                        + path.qualifiedName() + " would change the value ciphertext; only the wrapped key may change");
            }
            tenants.get(tenant).install(secretId, path, before.withRewrapped(number, rewrapped));
            return true;
        });
    }

    // Moves 'current' to number: the old current (if any, and different) becomes 'previous', a
    // 'next' on number is promoted away, and the secret records the rotation time, all in one snapshot.
    private static SecretEntry pointCurrentAt(SecretEntry entry, int number, Instant now) {
        OptionalInt old = entry.aliases().get(Aliases.CURRENT);
        Aliases aliases = SecretEntry.set(entry.aliases(), Aliases.CURRENT, number);
        if (old.isPresent() && old.getAsInt() != number) {
            aliases = SecretEntry.set(aliases, Aliases.PREVIOUS, old.getAsInt());
        }
        if (aliases.pointsAt(Aliases.NEXT, number)) {
            aliases = SecretEntry.without(aliases, Aliases.NEXT);
        }
        return entry.withAliases(aliases, entry.secret().withLastRotatedAt(now));
    }

    // Installs 'after', runs the hook with 'result', keeps its events, and puts 'before' back if either throws.
    private <T> T commit(TenantSecrets t, String id, SecretPath path, SecretEntry before, SecretEntry after,
            T result, BeforeCommit<T> hook) {
        t.install(id, path, after);
        try {
            outbox.commit(hook.prepare(result));
        } catch (Throwable failure) {
            t.install(id, path, before);
            throw failure;
        }
        return result;
    }

    private Optional<SecretEntry> entry(String tenant, String secretId) {
        TenantSecrets t = tenants.get(tenant);
        return t == null || secretId == null ? Optional.empty() : t.byId(secretId);
    }

    private SecretEntry require(String tenant, String secretId) {
        return entry(tenant, secretId).orElseThrow(() -> StoreRules.secretNotFound(tenant, secretId));
    }

    private <T> T locked(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
