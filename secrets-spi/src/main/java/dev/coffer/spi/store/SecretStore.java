package dev.coffer.spi.store;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * SPI: secret metadata, versions with their sealed values, and aliases.
 *
 * <p>A store keeps facts and guards their integrity; the kernel owns policy, audit and
 * lifecycle rules. Every mutation is atomic and runs its {@link BeforeCommit} hook inside the
 * atomic unit: after the change is applied (the hook receives the changed value, as the call will
 * return it) and before it becomes visible to anyone else; a hook that throws leaves everything
 * as it was and its exception reaches the caller. Contract (proved by the TCK's
 * {@code SecretStoreContract}):
 * <ul>
 *   <li>paths are unique per tenant, including secrets pending deletion; so are ids;</li>
 *   <li>version numbers are allocated per secret from 1, with no gap or duplicate under
 *       concurrency, and never reused (not even after destroy, by another server instance, or by a
 *       secret created again with the id of a deleted one, see {@link #createSecret});</li>
 *   <li>alias moves are compare-and-set; moving {@code current} sets {@code previous} to the old
 *       current and stamps the secret's {@code lastRotatedAt} in the same step, and moving it onto
 *       the version {@code next} points at (a promotion) also removes {@code next};</li>
 *   <li>alias removals are compare-and-set too; {@code current} and {@code previous} are never
 *       removed;</li>
 *   <li>the target of an alias move must be {@code ENABLED}, and the version {@code current}
 *       points at may not leave {@code ENABLED}; other aliases ({@code previous} and named ones)
 *       stay where they are when their version is later disabled or destroyed;</li>
 *   <li>state transitions are compare-and-set on the expected state; the only ones allowed are
 *       {@code ENABLED ⇄ DISABLED} and {@code ENABLED|DISABLED → DESTROYED} (every other pair,
 *       including a state to itself and anything out of {@code DESTROYED}, is a
 *       {@code STATE_CONFLICT}); {@code DESTROYED} deletes the sealed value;</li>
 *   <li>the store owns a secret's id, path (tenant, environment, path), {@code createdAt} and
 *       {@code lastRotatedAt}: no update changes them (see {@link #updateSecret(Secret, BeforeCommit)});</li>
 *   <li>all lookups are scoped to the tenant: an id of another tenant is not found; every call
 *       on a secret id that is not in the tenant fails with {@code SECRET_NOT_FOUND} before any
 *       version, state or alias of it is looked at (only checks of the arguments themselves, such
 *       as an alias name, may come first; reads return empty instead).</li>
 * </ul>
 * Failures of the backing system raise {@link dev.coffer.spi.error.UnavailableException} with
 * {@link dev.coffer.spi.error.ErrorCode#STORE_UNAVAILABLE} and leave nothing half-done.
 *
 * <p>Audit: the events a hook returns are committed in the same atomic unit as the change, into
 * the store's {@link #auditOutbox()} or, for a store that shares its transactions with the audit
 * log, straight into the log (see {@link BeforeCommit}). A store without SQL transactions keeps
 * them with a multi-key atomic write (Redis {@code MULTI}/{@code EXEC} under {@code WATCH}, a
 * DynamoDB {@code TransactWriteItems}, an etcd transaction): the change's keys and the outbox
 * entries, all or none.
 */
public interface SecretStore {
    /**
     * Where the events of committed changes wait for the kernel to relay them to the audit log;
     * {@link AuditOutbox#none()} if this store appends them to the log inside its own transaction.
     */
    AuditOutbox auditOutbox();

    /**
     * Creates a secret, without versions. Ids and paths are each unique per tenant. A secret
     * created with the id of a deleted one starts without versions and numbers its first version
     * after the highest number that id ever had (version numbers are never reused, whatever the
     * path): the store remembers the last number of every id it deleted.
     *
     * @throws dev.coffer.spi.error.ConflictException {@code SECRET_EXISTS} if the path is taken (also by a
     *         secret pending deletion) or the id is taken in the tenant (at any path); nothing changes
     */
    Secret createSecret(Secret secret, BeforeCommit<Secret> hook);

    /** The secret with {@code secretId} in {@code tenant}. */
    Optional<Secret> findSecret(String tenant, String secretId);

    /** The secret at {@code path}. */
    Optional<Secret> findSecretByPath(SecretPath path);

    /**
     * Replaces the metadata of an existing secret (same id and path): owner team, description,
     * rotation strategy and period, labels, {@code updatedAt} and {@code deletionScheduledAt} are
     * taken from {@code secret} (the kernel schedules and cancels deletion this way). The fields the
     * store owns are kept as stored whatever {@code secret} says: {@code createdAt} (set once, by
     * {@link #createSecret}) and {@code lastRotatedAt} (stamped only by moves of {@code current}, so
     * an update built from a stale read cannot undo a rotation that happened in between). The
     * secret is found by {@code secret.path().tenant()} and {@code secret.id()}; a path that
     * differs from the stored one is refused. The hook and the caller get the secret as stored.
     *
     * @throws dev.coffer.spi.error.NotFoundException {@code SECRET_NOT_FOUND}
     * @throws dev.coffer.spi.error.InvalidRequestException {@code INVALID_ARGUMENT} if {@code secret}
     *         names another path (environment or path) than the stored secret; nothing changes
     */
    Secret updateSecret(Secret secret, BeforeCommit<Secret> hook);

    /**
     * Changes the metadata of an existing secret by read-modify-write in one atomic unit:
     * {@code change} receives the stored metadata and returns the new one (same id and path), with
     * no other change to that secret in between. Two concurrent calls therefore see each other's
     * result (two label merges of different keys both survive). Whatever {@code change} throws
     * aborts the unit and reaches the caller, with nothing changed. The store-owned fields
     * ({@code createdAt}, {@code lastRotatedAt}) are kept as stored, as in
     * {@link #updateSecret(Secret, BeforeCommit)}, whatever {@code change} returns.
     *
     * <pre>{@code
     * store.updateSecret(tenant, id, stored -> update.applyTo(stored, now), updated -> audit.allowed());
     * }</pre>
     *
     * @throws dev.coffer.spi.error.NotFoundException {@code SECRET_NOT_FOUND}
     * @throws dev.coffer.spi.error.InvalidRequestException {@code INVALID_ARGUMENT} if {@code change}
     *         returns another id or path; nothing changes
     */
    Secret updateSecret(String tenant, String secretId, java.util.function.UnaryOperator<Secret> change, BeforeCommit<Secret> hook);

    /**
     * Lists a tenant's secrets ordered by environment, then path, each compared by UTF-16 code
     * units (plain {@link String#compareTo} order, {@code COLLATE "C"} in SQL), so every store pages
     * the same way. The two are compared one after the other, not as one joined string: every
     * secret of {@code prod} comes before any of {@code prod-eu}, and within an environment
     * {@code db < db-x < db.x < db/x < dbA < db_x}. The filter's environment is matched exactly
     * ({@code prod} does not list {@code prod-eu}) and its path prefix as a plain string prefix
     * ({@code db} lists {@code db-x} and {@code db/x}; {@code db/} lists only {@code db/x};
     * {@code _} and {@code %} are not wildcards). Secrets pending deletion are listed too (operators see them; key rotation
     * rewraps whatever the listing returns).
     *
     * <p>Page tokens are the store's own and never reach a caller as they are: the kernel seals
     * them (encrypted, authenticated, bound to the caller and filter), so a store's token may name
     * its position in the clear ({@link dev.coffer.spi.internal.PageTokens} does). The kernel may
     * ask for pages of any size from 1 to {@link PageRequest#MAX_LIMIT} from one token, and may
     * ask again from the same token; keep tokens within 1024 characters.
     *
     * <p>A store may ignore {@link SecretFilter#labels()}: the kernel checks the labels of what
     * the store returns (a store that filters on them too only saves the kernel work).
     *
     * @throws dev.coffer.spi.error.InvalidRequestException for a page token this store did not issue
     */
    Page<Secret> listSecrets(String tenant, SecretFilter filter, PageRequest page);

    /**
     * Removes a secret with its versions, sealed values and aliases. Its path becomes free.
     *
     * @throws dev.coffer.spi.error.NotFoundException {@code SECRET_NOT_FOUND}
     */
    void deleteSecret(String tenant, String secretId, BeforeCommit<Secret> hook);

    /**
     * Adds a version: allocates the next number, seals the value through {@code sealer} with that
     * number, stores record and sealed value, and if {@code makeCurrent} moves {@code current} to
     * it (unconditionally; old current becomes previous, {@code lastRotatedAt} = {@code now}). The
     * hook sees the record and, when made current, the alias move with the old current as {@code from}.
     * {@code next} stays where it is: a fresh version is never the one {@code next} points at, so
     * adding it as current promotes nothing (a rotation engine that sees {@code current} move
     * away under its pending version abandons its run and clears {@code next} itself).
     *
     * @param createdBy principal id
     * @param now creation time
     * @param expiresAt advisory expiry or {@code null}
     * @throws dev.coffer.spi.error.NotFoundException {@code SECRET_NOT_FOUND}
     */
    VersionRecord addVersion(String tenant, String secretId, VersionSealer sealer, String createdBy, Instant now,
            Instant expiresAt, boolean makeCurrent, BeforeCommit<AddedVersion> hook);

    /** Every version of a secret, oldest first; empty if the secret does not exist. */
    List<VersionRecord> listVersions(String tenant, String secretId);

    /** One version. */
    Optional<VersionRecord> findVersion(String tenant, String secretId, int number);

    /** The sealed value of a version; empty once destroyed or if absent. */
    Optional<SealedValue> loadSealedValue(String tenant, String secretId, int number);

    /** A secret's aliases; none if the secret does not exist. */
    Aliases aliases(String tenant, String secretId);

    /**
     * Everything a read of one version needs, in one call: the secret at {@code path}, the version
     * number {@code selector} resolves to (an alias is looked up on the secret), that version's
     * record and its sealed value. Lookups stop at the first part that is missing:
     * <ul>
     *   <li>no secret at {@code path} (in {@code path}'s tenant): empty;</li>
     *   <li>an alias selector whose alias is not set: the secret with no number
     *       ({@link ReadTarget#unsetAlias});</li>
     *   <li>no version with the resolved number: the secret and the number
     *       ({@link ReadTarget#missingVersion});</li>
     *   <li>otherwise the secret and the record, with the sealed value unless the version is
     *       destroyed (a disabled version keeps its sealed value; the kernel refuses to open it).</li>
     * </ul>
     * A secret pending deletion is found like any other; the kernel refuses to read it.
     *
     * <p>The answer must equal what {@link #findSecretByPath}, {@link #aliases},
     * {@link #findVersion} and {@link #loadSealedValue} return when asked one after the other
     * (proved by the TCK's {@code SecretStoreContract} group {@code Reads}); the default does
     * exactly that. A store that can, answers from one consistent view instead (one query, one
     * snapshot), so a read never combines a record with the sealed value of a later state: the
     * JDBI store uses one SQL statement.
     *
     * <pre>{@code
     * store.findForRead(SecretPath.of("acme", "prod", "db/password"), VersionSelector.current())
     *         .flatMap(ReadTarget::sealed)
     *         .ifPresent(sealed -> envelope.open(sealed, binding));
     * }</pre>
     */
    default Optional<ReadTarget> findForRead(SecretPath path, VersionSelector selector) {
        java.util.Objects.requireNonNull(path, "path");
        java.util.Objects.requireNonNull(selector, "selector");
        Optional<Secret> found = findSecretByPath(path);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Secret secret = found.get();
        OptionalInt number = selector instanceof VersionSelector.ByNumber byNumber
                ? OptionalInt.of(byNumber.number())
                : aliases(path.tenant(), secret.id()).get(((VersionSelector.ByAlias) selector).name());
        if (number.isEmpty()) {
            return Optional.of(ReadTarget.unsetAlias(secret));
        }
        Optional<VersionRecord> record = findVersion(path.tenant(), secret.id(), number.getAsInt());
        if (record.isEmpty()) {
            return Optional.of(ReadTarget.missingVersion(secret, number.getAsInt()));
        }
        Optional<SealedValue> sealed = record.get().state() == VersionState.DESTROYED
                ? Optional.empty() : loadSealedValue(path.tenant(), secret.id(), number.getAsInt());
        return Optional.of(ReadTarget.of(secret, record.get(), sealed));
    }

    /**
     * Moves an alias by compare-and-set.
     *
     * <p>Checks run in this order, and the first that fails decides the error: the alias name
     * ({@code previous} is refused), the secret ({@code SECRET_NOT_FOUND}), the target exists
     * ({@code VERSION_NOT_FOUND}), the target is {@code ENABLED} ({@link
     * dev.coffer.spi.error.VersionDisabledException} / {@link
     * dev.coffer.spi.error.VersionDestroyedException}), and only then the compare-and-set on
     * {@code expected} ({@code VERSION_CONFLICT}). So a move to a disabled target with a stale
     * {@code expected} reports the disabled target.
     *
     * <p>Moving an alias onto the version it already points at (with {@code expected} matching) is
     * a successful no-op: aliases stay as they are ({@code previous} does not become the same
     * version), {@code lastRotatedAt} is not stamped (nothing rotated), and the hook still runs with
     * a move whose {@code from} and {@code to} are that version, so the kernel records the attempt.
     *
     * <p>Moving {@code current} onto the version {@code next} points at is a promotion: {@code next}
     * is removed in the same atomic step (so {@code previous} = old current, {@code current} = the
     * pending version, {@code next} unset) and the move reports {@link AliasMove#nextCleared()}.
     * Moving {@code current} anywhere else, and moving any other alias, leaves {@code next} alone;
     * so does the no-op move above.
     *
     * @param expected the version the alias must point at now; empty means it must be unset
     * @throws dev.coffer.spi.error.ConflictException {@code VERSION_CONFLICT} when the alias points elsewhere
     * @throws dev.coffer.spi.error.NotFoundException {@code VERSION_NOT_FOUND} when {@code target} does not exist
     * @throws dev.coffer.spi.error.VersionDisabledException if {@code target} is disabled
     * @throws dev.coffer.spi.error.VersionDestroyedException if {@code target} is destroyed
     * @throws dev.coffer.spi.error.InvalidRequestException when asked to move {@code previous}
     */
    AliasMove moveAlias(String tenant, String secretId, String alias, int target, OptionalInt expected, Instant now,
            BeforeCommit<AliasMove> hook);

    /**
     * Removes an alias by compare-and-set: {@code next} (a pending version that will not be
     * promoted) or a named one. The version it pointed at is not touched.
     *
     * <p>Checks run in this order, and the first that fails decides the error: the alias name (a
     * valid name other than {@code current}, which a secret with versions always has, and
     * {@code previous}, which follows {@code current}: {@code INVALID_ARGUMENT}), the secret
     * ({@code SECRET_NOT_FOUND}), the alias is set ({@code ALIAS_NOT_FOUND}), and only then the
     * compare-and-set on {@code expected} ({@code VERSION_CONFLICT}). A refused removal changes
     * nothing and does not run the hook.
     *
     * <pre>{@code
     * // abandon a rotation: the pending version 4 stays, 'next' goes unless someone moved it meanwhile
     * store.removeAlias(tenant, id, Aliases.NEXT, OptionalInt.of(4), hook);
     * }</pre>
     *
     * @param expected the version the alias must point at now; empty removes it wherever it points
     * @throws dev.coffer.spi.error.InvalidRequestException {@code INVALID_ARGUMENT} for an invalid
     *         name, {@code current} or {@code previous}
     * @throws dev.coffer.spi.error.NotFoundException {@code SECRET_NOT_FOUND}; {@code ALIAS_NOT_FOUND}
     *         when the alias is not set
     * @throws dev.coffer.spi.error.ConflictException {@code VERSION_CONFLICT} when the alias points
     *         elsewhere than {@code expected}
     */
    AliasRemoval removeAlias(String tenant, String secretId, String alias, OptionalInt expected,
            BeforeCommit<AliasRemoval> hook);

    /**
     * Changes a version's state by compare-and-set on {@code from}. Moving to
     * {@link VersionState#DESTROYED} deletes the sealed value in the same step.
     *
     * <p>The allowed pairs are {@code ENABLED → DISABLED}, {@code DISABLED → ENABLED},
     * {@code ENABLED → DESTROYED} and {@code DISABLED → DESTROYED}. With {@code from} equal to the
     * stored state, every other pair ({@code ENABLED → ENABLED}, {@code DISABLED → DISABLED},
     * {@code DESTROYED → anything}) is refused with {@code STATE_CONFLICT} and changes nothing.
     * Checks run in this order: secret, version, stored state equals {@code from}, allowed pair,
     * not current.
     *
     * @throws dev.coffer.spi.error.ConflictException {@code STATE_CONFLICT} when the state is not {@code from}
     *         or the pair is not allowed; {@code VERSION_IS_CURRENT} when the version is current and
     *         {@code to} is not ENABLED
     * @throws dev.coffer.spi.error.NotFoundException {@code SECRET_NOT_FOUND} when the secret is not in the
     *         tenant; {@code VERSION_NOT_FOUND} when the secret has no version {@code number}
     */
    VersionRecord transitionVersion(String tenant, String secretId, int number, VersionState from, VersionState to,
            BeforeCommit<VersionRecord> hook);

    /**
     * Replaces the wrapped data key and key id of a version after its tenant key was rotated.
     * The value ciphertext must be byte-for-byte the stored one: a rewrap never re-encrypts a value.
     *
     * @return {@code true} if replaced; {@code false} if the version no longer holds a sealed value (destroyed)
     * @throws dev.coffer.spi.error.NotFoundException {@code SECRET_NOT_FOUND} when the secret is not in the
     *         tenant (checked first); {@code VERSION_NOT_FOUND} when the secret has no version {@code number}
     * @throws dev.coffer.spi.error.ConflictException {@code STATE_CONFLICT} if {@code rewrapped.ciphertext()} differs from the stored one
     */
    boolean rewrapVersion(String tenant, String secretId, int number, SealedValue rewrapped);
}
