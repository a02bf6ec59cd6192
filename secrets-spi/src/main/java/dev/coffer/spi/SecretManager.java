package dev.coffer.spi;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.BreakGlassRequest;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditSummary;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretListItem;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.WatchRequest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The one API applications, the reference server and the ConfigSource use.
 *
 * <p>Every call takes the caller's {@link AccessContext}. Every call is authorized first
 * (default deny, explicit deny wins), and every attempt is audited, denials and failures
 * included. If the audit log cannot be written the call fails with
 * {@link dev.coffer.spi.error.UnavailableException} ({@code AUDIT_UNAVAILABLE}) and no value is
 * returned. A caller only ever acts inside its own tenant: paths of another tenant are denied.
 *
 * <p>Actions needed: create — {@code secrets:onboard}; addVersion, update — {@code secrets:write}
 * (a version added as CURRENT also needs {@code secrets:rotate}); moveAlias, promote, disable,
 * enable — {@code secrets:rotate}; destroy, scheduleDeletion, restore, purge and policies —
 * {@code secrets:admin}; read — {@code secrets:read} or an active break-glass grant plus
 * {@code secrets:read-break-glass}; audit — {@code secrets:audit}. Describing and listing metadata
 * needs any of read, write, rotate or admin on the secret. Tenant-wide actions (policies, audit)
 * are checked against resource {@code *}. Force delete — {@code secrets:admin}, and never in a
 * protected environment. Metrics — {@code secrets:metrics} on {@code *}, in the
 * {@linkplain #OPERATOR_TENANT operator tenant} only.
 *
 * <pre>{@code
 * Secret secret = manager.create(ctx, NewSecret.builder(path, "payments").build());
 * try (SecretValue v = SecretValue.ofUtf8(password)) {
 *     manager.addVersion(ctx, secret.id(), NewVersion.pending(v));      // version 2, PENDING
 * }
 * manager.promote(ctx, secret.id(), 2, OptionalInt.of(1));              // CAS: current must be 1
 * try (SecretContent c = manager.read(ctx, path, VersionSelector.current())) { ... }
 * manager.disable(ctx, SecretRef.path(path), 1);                        // by name: no describe first
 * }</pre>
 *
 * <p>Every operation on one secret takes a {@link SecretRef}, by id or by path, and has a by-id
 * shorthand. By path the kernel resolves the secret itself and audits only the operation. A secret
 * id has at most 64 characters: a {@code null}, blank or longer one fails with
 * {@code INVALID_ARGUMENT}, an unknown one of 64 or fewer with {@code SECRET_NOT_FOUND}.
 */
public interface SecretManager {
    /** The lifecycle-default recovery window for scheduled deletion, in days. */
    int DEFAULT_RECOVERY_WINDOW_DAYS = 30;
    /** The shortest recovery window, in days. */
    int MIN_RECOVERY_WINDOW_DAYS = 7;
    /** The longest recovery window, in days. */
    int MAX_RECOVERY_WINDOW_DAYS = 30;
    /**
     * The operator tenant: the only tenant whose principals may be allowed process-wide views such
     * as {@link #authorizeMetrics metrics}, which count every tenant's calls. It is the tenant of
     * tokens without a {@code tenant} claim and the one the reference server bootstraps its
     * administrator in.
     */
    String OPERATOR_TENANT = "default";

    /**
     * Creates a secret (metadata only) in the caller's tenant.
     *
     * @throws dev.coffer.spi.error.ConflictException {@code SECRET_EXISTS} if the path is taken, also by a secret pending deletion
     */
    Secret create(AccessContext ctx, NewSecret request);

    /** A secret's metadata, versions and aliases (never values). */
    SecretDetails describe(AccessContext ctx, String secretId);

    /** A secret's metadata, versions and aliases, by path. */
    SecretDetails describe(AccessContext ctx, SecretPath path);

    /**
     * A secret's metadata, versions and aliases, by id or by path (see {@link SecretRef} for how
     * the two differ when the secret is absent).
     */
    default SecretDetails describe(AccessContext ctx, SecretRef secret) {
        return secret instanceof SecretRef.ByPath byPath ? describe(ctx, byPath.path()) : describe(ctx, ((SecretRef.ById) secret).secretId());
    }

    /**
     * Secrets of the caller's tenant the caller may see, ordered by environment and path, each with
     * the version {@code current} points at. A filter's labels must all match.
     */
    Page<SecretListItem> list(AccessContext ctx, SecretFilter filter, PageRequest page);

    /**
     * Updates metadata; absent fields are kept, and a label merge keeps the labels it does not
     * name (see {@link SecretUpdate}). The update is applied to the stored metadata atomically.
     */
    Secret update(AccessContext ctx, SecretRef secret, SecretUpdate update);

    /** {@link #update(AccessContext, SecretRef, SecretUpdate)} by id. */
    default Secret update(AccessContext ctx, String secretId, SecretUpdate update) {
        return update(ctx, SecretRef.id(secretId), update);
    }

    /**
     * Adds a version. Numbers are allocated from 1, without gaps, never reused. As
     * {@link dev.coffer.spi.model.VersionStatus#CURRENT} the version becomes current at once and
     * the old current becomes previous.
     */
    SecretVersion addVersion(AccessContext ctx, SecretRef secret, NewVersion version);

    /** {@link #addVersion(AccessContext, SecretRef, NewVersion)} by id. */
    default SecretVersion addVersion(AccessContext ctx, String secretId, NewVersion version) {
        return addVersion(ctx, SecretRef.id(secretId), version);
    }

    /** Every version with its derived status, oldest first. Audited as {@code SECRET_DESCRIBE}. */
    List<SecretVersion> versions(AccessContext ctx, SecretRef secret);

    /** {@link #versions(AccessContext, SecretRef)} by id. */
    default List<SecretVersion> versions(AccessContext ctx, String secretId) {
        return versions(ctx, SecretRef.id(secretId));
    }

    /**
     * Reads a value.
     *
     * @throws dev.coffer.spi.error.NotFoundException {@code SECRET_NOT_FOUND}, {@code SECRET_PENDING_DELETION},
     *         {@code VERSION_NOT_FOUND}, {@code ALIAS_NOT_FOUND}
     * @throws dev.coffer.spi.error.VersionDisabledException if the version is disabled
     * @throws dev.coffer.spi.error.VersionDestroyedException if the version is destroyed
     */
    SecretContent read(AccessContext ctx, SecretPath path, VersionSelector selector);

    /**
     * Moves an alias by compare-and-set. Moving {@code current} sets {@code previous} to the old
     * current atomically; {@code previous} itself cannot be moved. Moving {@code current} onto the
     * version {@code next} points at promotes it: {@code next} is removed in the same atomic step
     * (the {@code ALIAS_MOVE} event's detail ends with {@code next=cleared}); moving {@code current}
     * elsewhere leaves {@code next} alone.
     *
     * @param expectedPreviousVersion where the alias must point now; empty means it must be unset
     * @throws dev.coffer.spi.error.ConflictException {@code VERSION_CONFLICT} when the alias points elsewhere
     */
    Aliases moveAlias(AccessContext ctx, SecretRef secret, String alias, int version, OptionalInt expectedPreviousVersion);

    /** {@link #moveAlias(AccessContext, SecretRef, String, int, OptionalInt)} by id. */
    default Aliases moveAlias(AccessContext ctx, String secretId, String alias, int version, OptionalInt expectedPreviousVersion) {
        return moveAlias(ctx, SecretRef.id(secretId), alias, version, expectedPreviousVersion);
    }

    /**
     * Removes an alias by compare-and-set: {@code next} (a pending version that will not be
     * promoted) or a named alias; the version it pointed at stays as it is. Needs
     * {@code secrets:rotate}; audited as {@code ALIAS_MOVE} with the detail
     * {@code alias=next from=4 removed}.
     *
     * <pre>{@code
     * Aliases left = manager.removeAlias(ctx, SecretRef.id(id), "canary", OptionalInt.of(3));
     * }</pre>
     *
     * @param expectedVersion where the alias must point now; empty removes it wherever it points
     * @return the secret's aliases after the removal
     * @throws dev.coffer.spi.error.InvalidRequestException {@code INVALID_ARGUMENT} for an invalid
     *         name, {@code current} or {@code previous}
     * @throws dev.coffer.spi.error.NotFoundException {@code SECRET_NOT_FOUND}, {@code SECRET_PENDING_DELETION},
     *         {@code ALIAS_NOT_FOUND} when the alias is not set
     * @throws dev.coffer.spi.error.ConflictException {@code VERSION_CONFLICT} when the alias points elsewhere
     */
    Aliases removeAlias(AccessContext ctx, SecretRef secret, String alias, OptionalInt expectedVersion);

    /** {@link #removeAlias(AccessContext, SecretRef, String, OptionalInt)} by id. */
    default Aliases removeAlias(AccessContext ctx, String secretId, String alias, OptionalInt expectedVersion) {
        return removeAlias(ctx, SecretRef.id(secretId), alias, expectedVersion);
    }

    /** Moves {@code current} to {@code version}; shorthand for {@link #moveAlias} on {@code current}. */
    default Aliases promote(AccessContext ctx, SecretRef secret, int version, OptionalInt expectedCurrentVersion) {
        return moveAlias(ctx, secret, Aliases.CURRENT, version, expectedCurrentVersion);
    }

    /** {@link #promote(AccessContext, SecretRef, int, OptionalInt)} by id. */
    default Aliases promote(AccessContext ctx, String secretId, int version, OptionalInt expectedCurrentVersion) {
        return promote(ctx, SecretRef.id(secretId), version, expectedCurrentVersion);
    }

    /**
     * Disables a version: it refuses reads until enabled.
     *
     * @throws dev.coffer.spi.error.ConflictException {@code VERSION_IS_CURRENT} for the current version
     */
    SecretVersion disable(AccessContext ctx, SecretRef secret, int version);

    /** {@link #disable(AccessContext, SecretRef, int)} by id. */
    default SecretVersion disable(AccessContext ctx, String secretId, int version) {
        return disable(ctx, SecretRef.id(secretId), version);
    }

    /** Enables a disabled version. */
    SecretVersion enable(AccessContext ctx, SecretRef secret, int version);

    /** {@link #enable(AccessContext, SecretRef, int)} by id. */
    default SecretVersion enable(AccessContext ctx, String secretId, int version) {
        return enable(ctx, SecretRef.id(secretId), version);
    }

    /**
     * Destroys a version: value and key material are removed for good; the number stays taken.
     * Once the store has destroyed it, the envelope is asked once to release the key material it
     * holds for that version ({@link dev.coffer.spi.crypto.Envelope#shred}); a refused destroy
     * releases nothing.
     *
     * @throws dev.coffer.spi.error.ConflictException {@code VERSION_IS_CURRENT} for the current version
     */
    SecretVersion destroy(AccessContext ctx, SecretRef secret, int version);

    /** {@link #destroy(AccessContext, SecretRef, int)} by id. */
    default SecretVersion destroy(AccessContext ctx, String secretId, int version) {
        return destroy(ctx, SecretRef.id(secretId), version);
    }

    /**
     * Schedules deletion after a recovery window of {@value #MIN_RECOVERY_WINDOW_DAYS} to
     * {@value #MAX_RECOVERY_WINDOW_DAYS} days. Reads fail from now on; {@link #restore} undoes it.
     */
    Secret scheduleDeletion(AccessContext ctx, SecretRef secret, int recoveryWindowDays);

    /** {@link #scheduleDeletion(AccessContext, SecretRef, int)} by id. */
    default Secret scheduleDeletion(AccessContext ctx, String secretId, int recoveryWindowDays) {
        return scheduleDeletion(ctx, SecretRef.id(secretId), recoveryWindowDays);
    }

    /** Schedules deletion with the default window of {@value #DEFAULT_RECOVERY_WINDOW_DAYS} days. */
    default Secret scheduleDeletion(AccessContext ctx, SecretRef secret) {
        return scheduleDeletion(ctx, secret, DEFAULT_RECOVERY_WINDOW_DAYS);
    }

    /** Schedules deletion by id with the default window of {@value #DEFAULT_RECOVERY_WINDOW_DAYS} days. */
    default Secret scheduleDeletion(AccessContext ctx, String secretId) {
        return scheduleDeletion(ctx, SecretRef.id(secretId), DEFAULT_RECOVERY_WINDOW_DAYS);
    }

    /** Cancels a scheduled deletion. */
    Secret restore(AccessContext ctx, SecretRef secret);

    /** {@link #restore(AccessContext, SecretRef)} by id. */
    default Secret restore(AccessContext ctx, String secretId) {
        return restore(ctx, SecretRef.id(secretId));
    }

    /**
     * Removes a secret whose recovery window has passed, with every version and key: once the
     * store has deleted it, {@link dev.coffer.spi.crypto.Envelope#shred} is called once for each
     * version that still had a value (not again for versions destroyed before). {@link #forceDelete}
     * does the same.
     *
     * @throws dev.coffer.spi.error.ConflictException {@code SECRET_NOT_PENDING_DELETION} or {@code RECOVERY_WINDOW_OPEN}
     */
    void purge(AccessContext ctx, SecretRef secret);

    /** {@link #purge(AccessContext, SecretRef)} by id. */
    default void purge(AccessContext ctx, String secretId) {
        purge(ctx, SecretRef.id(secretId));
    }

    /**
     * Deletes a secret at once, without a recovery window (AWS's {@code ForceDeleteWithoutRecovery}),
     * with every version and key: meant for test data. Needs {@code secrets:admin}; works whether or
     * not deletion is scheduled; audited as {@code SECRET_FORCE_DELETE}. Refused in an environment
     * the operator marked protected, even to an administrator.
     *
     * <pre>{@code
     * manager.forceDelete(ctx, SecretRef.path(SecretPath.parse(tenant, "dev/scratch/token")));
     * }</pre>
     *
     * @throws dev.coffer.spi.error.AccessDeniedException {@code ENVIRONMENT_PROTECTED} in a protected
     *         environment (audited as a denial; nothing changes)
     */
    void forceDelete(AccessContext ctx, SecretRef secret);

    /** {@link #forceDelete(AccessContext, SecretRef)} by id. */
    default void forceDelete(AccessContext ctx, String secretId) {
        forceDelete(ctx, SecretRef.id(secretId));
    }

    /**
     * Grants the caller emergency read access to {@code request.resources()} for a bounded time.
     * Needs {@code secrets:read-break-glass} on every resource.
     */
    BreakGlassGrant grantBreakGlass(AccessContext ctx, BreakGlassRequest request);

    /** Audit events of the caller's tenant, oldest first. The query's tenant must be the caller's. */
    Page<AuditEvent> queryAudit(AccessContext ctx, AuditQuery query, PageRequest page);

    /** Who read what and why since {@code since}. */
    AuditSummary summarizeAudit(AccessContext ctx, Instant since);

    /** Verifies the audit chain and its checkpoints; the figures are the caller's tenant's. */
    AuditVerification verifyAudit(AccessContext ctx);

    /**
     * Checks that the caller may read the process's operational metrics (a Prometheus scrape):
     * it needs {@code secrets:metrics} on {@code *} and must belong to {@link #OPERATOR_TENANT},
     * since the figures cover every tenant. Returns normally when allowed; an allowed check is not
     * audited (a scrape every few seconds would flood the log), a refusal is audited as
     * {@code ACCESS_DENIED} like every other.
     *
     * <pre>{@code
     * manager.authorizeMetrics(ctx);          // throws AccessDeniedException when not allowed
     * return metrics.prometheusText();
     * }</pre>
     *
     * @throws dev.coffer.spi.error.AccessDeniedException {@code ACCESS_DENIED} when not allowed
     */
    void authorizeMetrics(AccessContext ctx);

    /** Creates or replaces a policy in the caller's tenant. */
    Policy putPolicy(AccessContext ctx, Policy policy);

    /** A policy by name. */
    Optional<Policy> getPolicy(AccessContext ctx, String name);

    /** Every policy of the caller's tenant. */
    List<Policy> listPolicies(AccessContext ctx);

    /**
     * Deletes a policy.
     *
     * @throws dev.coffer.spi.error.NotFoundException {@code POLICY_NOT_FOUND}
     */
    void deletePolicy(AccessContext ctx, String name);

    /**
     * Opens a change stream: metadata of changes to secrets in {@code request}'s scope that the
     * caller may describe (any of read, write, rotate or admin on the path, as for {@link #list}),
     * plus every {@link dev.coffer.spi.watch.ChangeKind#ACCESS_CHANGED} of the caller's tenant.
     * Never a value. Audited once, as {@code SECRET_WATCH}, when it opens; a caller who may see
     * nothing in scope still subscribes (its access may change) and sees only access changes.
     *
     * <pre>{@code
     * try (ChangeSubscription changes = manager.watch(ctx, WatchRequest.of("prod", "payments/"))) {
     *     ChangeBatch batch = changes.poll(100, Duration.ofSeconds(15));
     * }
     * }</pre>
     *
     * @throws dev.coffer.spi.error.UnavailableException {@code AUDIT_UNAVAILABLE} when the log cannot be read
     */
    ChangeSubscription watch(AccessContext ctx, WatchRequest request);
}
