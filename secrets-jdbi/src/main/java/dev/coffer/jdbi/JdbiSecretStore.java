package dev.coffer.jdbi;

import dev.coffer.spi.internal.PageTokens;
import dev.coffer.spi.internal.StoreRules;
import dev.coffer.jdbi.internal.Database;
import dev.coffer.jdbi.internal.GenerationCache;
import dev.coffer.jdbi.internal.LocalChanges;
import dev.coffer.jdbi.internal.SecretRows;
import dev.coffer.jdbi.internal.Sql;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.store.AddedVersion;
import dev.coffer.spi.store.AliasMove;
import dev.coffer.spi.store.AliasRemoval;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.ReadTarget;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.spi.store.VersionSealer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/**
 * {@link SecretStore} on JDBI: secrets, versions and aliases in PostgreSQL or H2.
 *
 * <p>Every change is one database transaction that runs its {@link BeforeCommit} hook after the
 * change and writes the audit events the hook returns into the chain of the database's
 * {@link JdbiAuditLog} on the same connection before committing, so the change and its events
 * commit or roll back together; {@link #auditOutbox()} is therefore {@link AuditOutbox#none()}.
 * If the hook throws, or writing the events or the commit fails, nothing of the change stays.
 *
 * <p>Changes to a secret first lock its row ({@code SELECT ... FOR UPDATE}); numbers are
 * allocated from the locked row's {@code last_version}, so adds are gap-free and never reuse a
 * number even with several server instances on one database, and a failing sealer or hook rolls
 * the allocation back.
 *
 * <pre>{@code
 * try (CofferDatabase db = CofferDatabase.open(DatabaseConfig.h2File(Path.of("coffer-data")), protection)) {
 *     SecretStore store = db.secretStore();
 * }
 * }</pre>
 */
public final class JdbiSecretStore implements SecretStore {
    /** Bound of the read cache: entries plus their sealed kilobytes (about 16 MB at most). */
    static final long MAX_CACHED_READ_WEIGHT = 16_384;

    private final Database db;
    // On embedded H2 only (see findForRead), else null: what reads found, tagged with LocalChanges' epoch.
    private final GenerationCache<ReadKey, ReadTarget> reads;

    /** What a read asked for. */
    private record ReadKey(SecretPath path, VersionSelector selector) {}

    JdbiSecretStore(Database db) {
        this.db = db;
        this.reads = db.localChanges() == null ? null
                : new GenerationCache<>(MAX_CACHED_READ_WEIGHT, JdbiSecretStore::sealedKilobytes);
    }

    /** {@link AuditOutbox#none()}: a change's events are in the audit chain when it commits. */
    @Override
    public AuditOutbox auditOutbox() {
        return AuditOutbox.none();
    }

    @Override
    public Secret createSecret(Secret secret, BeforeCommit<Secret> hook) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(hook, "hook");
        String tenant = secret.path().tenant();
        return db.write(h -> {
            Sql.ensureTenant(h, tenant);
            if (SecretRows.find(h, tenant, secret.id()).isPresent()) {
                throw new ConflictException(ErrorCode.SECRET_EXISTS, "a secret with id '" + secret.id() + "' already exists");
            }
            // A purged id created again continues its numbering: numbers are never handed out twice.
            int lastVersion = h.createQuery("SELECT last_version FROM retired_secrets WHERE tenant = :tenant AND id = :id")
                    .bind("tenant", tenant).bind("id", secret.id()).mapTo(Integer.class).findOne().orElse(0);
            try {
                SecretRows.insert(h, secret, lastVersion);
            } catch (JdbiException e) {
                if (Sql.isUniqueViolation(e)) {
                    throw new ConflictException(ErrorCode.SECRET_EXISTS, "a secret already exists at " + secret.path());
                }
                throw e;
            }
            return secret;
        }, hook);
    }

    @Override
    public Optional<Secret> findSecret(String tenant, String secretId) {
        if (tenant == null || secretId == null) {
            return Optional.empty();
        }
        return db.read(h -> SecretRows.find(h, tenant, secretId));
    }

    @Override
    public Optional<Secret> findSecretByPath(SecretPath path) {
        Objects.requireNonNull(path, "path");
        return db.read(h -> SecretRows.findByPath(h, path));
    }

    @Override
    public Secret updateSecret(Secret secret, BeforeCommit<Secret> hook) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(hook, "hook");
        return db.write(h -> {
            Secret before = lock(h, secret.path().tenant(), secret.id()).secret();
            if (!before.path().equals(secret.path())) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "the path of secret '" + secret.id()
                        + "' is " + before.path() + " and cannot change to " + secret.path());
            }
            Secret updated = StoreRules.keepStoreOwned(before, secret);
            SecretRows.update(h, updated);
            return updated;
        }, hook);
    }

    @Override
    public Secret updateSecret(String tenant, String secretId, java.util.function.UnaryOperator<Secret> change,
            BeforeCommit<Secret> hook) {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(hook, "hook");
        return db.write(h -> {
            // The row lock (SELECT ... FOR UPDATE) holds off every other change until this transaction ends.
            Secret before = lock(h, tenant, secretId).secret();
            Secret changed = Objects.requireNonNull(change.apply(before), "changed secret");
            if (!changed.id().equals(secretId) || !changed.path().equals(before.path())) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "the id and path of secret '" + secretId
                        + "' cannot change in an update");
            }
            Secret updated = StoreRules.keepStoreOwned(before, changed);
            SecretRows.update(h, updated);
            return updated;
        }, hook);
    }

    @Override
    public Page<Secret> listSecrets(String tenant, SecretFilter filter, PageRequest page) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(page, "page");
        String[] after = page.pageToken() == null ? null : PageTokens.secretPosition(page.pageToken());
        StringBuilder sql = new StringBuilder("SELECT " + SecretRows.SECRET_COLUMNS + " FROM secrets WHERE tenant = :tenant");
        Map<String, Object> binds = new HashMap<>();
        binds.put("tenant", tenant);
        if (filter.environment() != null) {
            sql.append(" AND environment = :environment");
            binds.put("environment", filter.environment());
        }
        if (filter.pathPrefix() != null) {
            sql.append(" AND path LIKE :prefix ESCAPE '\\'");
            binds.put("prefix", Sql.startsWith(filter.pathPrefix()));
        }
        if (after != null) {
            sql.append(" AND (environment, path) > (:afterEnvironment, :afterPath)");
            binds.put("afterEnvironment", after[0]);
            binds.put("afterPath", after[1]);
        }
        // Code-point order: H2 compares that way, the PostgreSQL columns are COLLATE "C".
        sql.append(" ORDER BY environment, path LIMIT ").append(page.limit() + 1);
        List<Secret> rows = db.read(h -> SecretRows.list(h, sql.toString(), binds));
        if (rows.size() <= page.limit()) {
            return new Page<>(rows, null);
        }
        List<Secret> items = rows.subList(0, page.limit());
        return new Page<>(items, PageTokens.afterSecret(items.get(items.size() - 1).path()));
    }

    @Override
    public void deleteSecret(String tenant, String secretId, BeforeCommit<Secret> hook) {
        Objects.requireNonNull(hook, "hook");
        db.write(h -> {
            SecretRows.Locked locked = lock(h, tenant, secretId);
            h.createUpdate("DELETE FROM retired_secrets WHERE tenant = :tenant AND id = :id")
                    .bind("tenant", tenant).bind("id", secretId).execute();
            h.createUpdate("INSERT INTO retired_secrets (tenant, id, last_version) VALUES (:tenant, :id, :last)")
                    .bind("tenant", tenant).bind("id", secretId).bind("last", locked.lastVersion()).execute();
            // Versions and, through them, aliases go by ON DELETE CASCADE.
            h.createUpdate("DELETE FROM secrets WHERE tenant = :tenant AND id = :id")
                    .bind("tenant", tenant).bind("id", secretId).execute();
            return locked.secret();
        }, hook);
    }

    @Override
    public VersionRecord addVersion(String tenant, String secretId, VersionSealer sealer, String createdBy, Instant now,
            Instant expiresAt, boolean makeCurrent, BeforeCommit<AddedVersion> hook) {
        Objects.requireNonNull(sealer, "sealer");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(hook, "hook");
        return db.write(h -> {
            SecretRows.Locked locked = lock(h, tenant, secretId);
            int number = locked.lastVersion() + 1;
            // Sealed under the row lock: the number is only taken if everything below commits.
            SealedValue sealed = Objects.requireNonNull(sealer.seal(number), "sealer returned null");
            VersionRecord record = new VersionRecord(number, VersionState.ENABLED, createdBy, now, expiresAt, sealed.keyId());
            h.createUpdate("UPDATE secrets SET last_version = :number WHERE tenant = :tenant AND id = :id")
                    .bind("tenant", tenant).bind("id", secretId).bind("number", number).execute();
            h.createUpdate("INSERT INTO secret_versions (tenant, secret_id, number, state, created_by, created_at, expires_at,"
                            + " key_id, ciphertext, wrapped_key) VALUES (:tenant, :id, :number, :state, :createdBy, :createdAt,"
                            + " :expiresAt, :keyId, :ciphertext, :wrappedKey)")
                    .bind("tenant", tenant).bind("id", secretId).bind("number", number)
                    .bind("state", VersionState.ENABLED.name()).bind("createdBy", createdBy)
                    .bind("createdAt", Sql.instant(now)).bind("expiresAt", Sql.instant(expiresAt))
                    .bind("keyId", sealed.keyId()).bind("ciphertext", sealed.ciphertext()).bind("wrappedKey", sealed.wrappedKey())
                    .execute();
            Optional<AliasMove> currentMove = Optional.empty();
            if (makeCurrent) {
                // The row lock orders concurrent adds, so 'current' is read as the last add left it
                // and the compare-and-set below cannot lose (see pointCurrentAt).
                OptionalInt old = SecretRows.aliases(h, tenant, secretId).get(Aliases.CURRENT);
                pointCurrentAt(h, locked.secret(), old, number, now);
                currentMove = Optional.of(new AliasMove(Aliases.CURRENT, old, number, SecretRows.aliases(h, tenant, secretId)));
            }
            return new AddedVersion(record, currentMove);
        }, hook).record();
    }

    @Override
    public List<VersionRecord> listVersions(String tenant, String secretId) {
        return db.read(h -> SecretRows.versions(h, tenant, secretId));
    }

    @Override
    public Optional<VersionRecord> findVersion(String tenant, String secretId, int number) {
        return db.read(h -> SecretRows.version(h, tenant, secretId, number));
    }

    @Override
    public Optional<SealedValue> loadSealedValue(String tenant, String secretId, int number) {
        return db.read(h -> SecretRows.sealed(h, tenant, secretId, number));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One SQL statement on one connection: the secret by its unique path, left-joined to the
     * alias (when the selector is one) and to the version with its sealed columns, each by its
     * primary key; the answer is one snapshot of the database.
     *
     * <p>On an embedded H2 database, which no other process can write, what was found is kept in
     * a bounded cache and answered from it until this JVM makes its next change to the database
     * ({@link LocalChanges}; sealed values only, never plaintext). Nothing is ever served by time:
     * a read that starts after a change committed never sees what the change replaced.
     */
    @Override
    public Optional<ReadTarget> findForRead(SecretPath path, VersionSelector selector) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(selector, "selector");
        LocalChanges local = db.localChanges();
        if (local == null) {
            return db.read(h -> SecretRows.forRead(h, path, selector));
        }
        // Only what exists is cached: paths that do not cannot crowd out the ones read.
        ReadTarget found = reads.local(local, new ReadKey(path, selector), cached -> true,
                () -> db.read(h -> SecretRows.forRead(h, path, selector)).orElse(null));
        return Optional.ofNullable(found).map(JdbiSecretStore::withOwnSealedValue);
    }

    // Each caller gets arrays of its own, as from the database: none can change the cached copy.
    private static ReadTarget withOwnSealedValue(ReadTarget target) {
        return target.sealed().isEmpty() ? target
                : new ReadTarget(target.secret(), target.number(), target.version(), target.sealed().map(SealedValue::copy));
    }

    private static int sealedKilobytes(ReadTarget target) {
        return target.sealed().map(v -> (v.ciphertext().length + v.wrappedKey().length) / 1024).orElse(0);
    }

    @Override
    public Aliases aliases(String tenant, String secretId) {
        return db.read(h -> SecretRows.aliases(h, tenant, secretId));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checks run in this order: alias name, secret, target exists, target enabled, then the
     * compare-and-set, done as a conditional update under the secret's row lock. A move to where
     * the alias already points succeeds without stamping {@code lastRotatedAt}: nothing rotated.
     */
    @Override
    public AliasMove moveAlias(String tenant, String secretId, String alias, int target, OptionalInt expected,
            Instant now, BeforeCommit<AliasMove> hook) {
        StoreRules.requireMovableAlias(alias, expected, now, hook);
        return db.write(h -> {
            Secret secret = lock(h, tenant, secretId).secret();
            SecretPath path = secret.path();
            StoreRules.requireAliasTarget(path, alias, target, SecretRows.version(h, tenant, secretId, target).orElse(null));
            OptionalInt from = SecretRows.aliases(h, tenant, secretId).get(alias);
            StoreRules.requireAliasAt(path, alias, from, expected);
            boolean nextCleared = false;
            if (from.isEmpty() || from.getAsInt() != target) {
                if (Aliases.CURRENT.equals(alias)) {
                    nextCleared = pointCurrentAt(h, secret, from, target, now);
                } else if (!SecretRows.compareAndSetAlias(h, tenant, secretId, alias, from, target)) {
                    throw StoreRules.aliasConflict(path, alias, SecretRows.aliases(h, tenant, secretId).get(alias), expected);
                }
            }
            return new AliasMove(alias, from, target, SecretRows.aliases(h, tenant, secretId), nextCleared);
        }, hook);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checks run in this order: alias name, secret, alias set, then the compare-and-set, done
     * as a conditional delete under the secret's row lock.
     */
    @Override
    public AliasRemoval removeAlias(String tenant, String secretId, String alias, OptionalInt expected,
            BeforeCommit<AliasRemoval> hook) {
        StoreRules.requireRemovableAlias(alias, expected, hook);
        return db.write(h -> {
            SecretPath path = lock(h, tenant, secretId).secret().path();
            int from = StoreRules.requireRemovable(path, alias, SecretRows.aliases(h, tenant, secretId).get(alias), expected);
            if (deleteAlias(h, tenant, secretId, alias, from) != 1) {
                throw staleRead(path, alias);
            }
            return new AliasRemoval(alias, from, SecretRows.aliases(h, tenant, secretId));
        }, hook);
    }

    // The compare-and-set of a removal: deletes the alias only while it still points at 'version'.
    private static int deleteAlias(Handle h, String tenant, String secretId, String alias, int version) {
        return h.createUpdate("DELETE FROM secret_aliases WHERE tenant = :tenant AND secret_id = :id AND alias = :alias"
                        + " AND version = :version")
                .bind("tenant", tenant).bind("id", secretId).bind("alias", alias).bind("version", version)
                .execute();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Allowed transitions are {@code ENABLED ⇄ DISABLED} and {@code ENABLED|DISABLED →
     * DESTROYED}; anything else, including a transition to the same state, is a
     * {@code STATE_CONFLICT}. Destroying sets the sealed value's columns to NULL in the same update.
     */
    @Override
    public VersionRecord transitionVersion(String tenant, String secretId, int number, VersionState from,
            VersionState to, BeforeCommit<VersionRecord> hook) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(hook, "hook");
        return db.write(h -> {
            Secret secret = lock(h, tenant, secretId).secret();
            VersionRecord record = SecretRows.version(h, tenant, secretId, number).orElse(null);
            StoreRules.requireTransition(secret.path(), SecretRows.aliases(h, tenant, secretId), number, record, from, to);
            String set = to == VersionState.DESTROYED
                    ? "state = :to, key_id = '', ciphertext = NULL, wrapped_key = NULL"
                    : "state = :to";
            int changed = h.createUpdate("UPDATE secret_versions SET " + set
                            + " WHERE tenant = :tenant AND secret_id = :id AND number = :number AND state = :from")
                    .bind("tenant", tenant).bind("id", secretId).bind("number", number)
                    .bind("from", from.name()).bind("to", to.name())
                    .execute();
            if (changed != 1) {
                throw new ConflictException(ErrorCode.STATE_CONFLICT, "version " + number + " of " + secret.path()
                        + " changed state concurrently");
            }
            return record.withState(to);
        }, hook);
    }

    @Override
    public boolean rewrapVersion(String tenant, String secretId, int number, SealedValue rewrapped) {
        Objects.requireNonNull(rewrapped, "rewrapped");
        return db.write(h -> {
            SecretPath path = lock(h, tenant, secretId).secret().path();
            if (SecretRows.version(h, tenant, secretId, number).isEmpty()) {
                throw StoreRules.versionNotFound(path, number);
            }
            Optional<SealedValue> stored = SecretRows.sealed(h, tenant, secretId, number);
            if (stored.isEmpty()) {
                return false;
            }
            if (!Arrays.equals(stored.get().ciphertext(), rewrapped.ciphertext())) {
                throw new ConflictException(ErrorCode.STATE_CONFLICT, "rewrap of version " + number + " of " + path
                        + " would change the value ciphertext; only the wrapped key may change");
            }
            h.createUpdate("UPDATE secret_versions SET wrapped_key = :wrappedKey, key_id = :keyId"
                            + " WHERE tenant = :tenant AND secret_id = :id AND number = :number")
                    .bind("tenant", tenant).bind("id", secretId).bind("number", number)
                    .bind("wrappedKey", rewrapped.wrappedKey()).bind("keyId", rewrapped.keyId())
                    .execute();
            return true;
        }, BeforeCommit.none());
    }

    /*
     * Moves 'current' from 'old' to 'number': the old current (if any, and different) becomes
     * 'previous', a 'next' on 'number' is removed (a promotion; the result says whether it was),
     * and the secret records the rotation time, all in the caller's transaction.
     *
     * Both moves are compare-and-sets whose row counts are checked. The caller holds the secret's
     * row lock and read 'old' under it, and every alias change takes that lock, so a lost
     * compare-and-set means the database answered the read with rows older than its lock: on H2
     * that happened while it re-served cached query results (see DatabaseConfig, which turns that
     * off). An earlier version set the aliases unconditionally here, which turned the symptom of
     * that stale read (a spurious conflict) into forked alias moves and a wrong 'previous'. Now
     * it fails the call, and the transaction rolls back, instead of recording a move that did not
     * start where it says.
     */
    private static boolean pointCurrentAt(Handle h, Secret secret, OptionalInt old, int number, Instant now) {
        String tenant = secret.path().tenant();
        if (!SecretRows.compareAndSetAlias(h, tenant, secret.id(), Aliases.CURRENT, old, number)) {
            throw staleRead(secret.path(), Aliases.CURRENT);
        }
        if (old.isPresent() && old.getAsInt() != number) {
            OptionalInt previous = SecretRows.aliases(h, tenant, secret.id()).get(Aliases.PREVIOUS);
            if (!SecretRows.compareAndSetAlias(h, tenant, secret.id(), Aliases.PREVIOUS, previous, old.getAsInt())) {
                throw staleRead(secret.path(), Aliases.PREVIOUS);
            }
        }
        SecretRows.stampRotation(h, tenant, secret.id(), now);
        return deleteAlias(h, tenant, secret.id(), Aliases.NEXT, number) == 1;
    }

    private static UnavailableException staleRead(SecretPath path, String alias) {
        return new UnavailableException(ErrorCode.STORE_UNAVAILABLE, "the database answered a read of alias '" + alias
                + "' of " + path + " with rows older than the secret's row lock; nothing was changed");
    }

    private static SecretRows.Locked lock(Handle h, String tenant, String secretId) {
        if (tenant == null || secretId == null) {
            throw StoreRules.secretNotFound(tenant, secretId);
        }
        return SecretRows.lock(h, tenant, secretId).orElseThrow(() -> StoreRules.secretNotFound(tenant, secretId));
    }
}
