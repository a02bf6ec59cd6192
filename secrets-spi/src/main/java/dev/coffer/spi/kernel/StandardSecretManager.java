package dev.coffer.spi.kernel;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.BreakGlassRequest;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.access.ResourcePattern;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditSummary;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.VersionDestroyedException;
import dev.coffer.spi.error.VersionDisabledException;
import dev.coffer.spi.kernel.internal.Attempt;
import dev.coffer.spi.kernel.internal.AuditSummarizer;
import dev.coffer.spi.kernel.internal.Authorizer;
import dev.coffer.spi.kernel.internal.ChangeTail;
import dev.coffer.spi.kernel.internal.Ids;
import dev.coffer.spi.kernel.internal.PageTokenSeal;
import dev.coffer.spi.kernel.internal.SecretListing;
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
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.spi.store.AliasMove;
import dev.coffer.spi.store.AliasRemoval;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.PolicyStore;
import dev.coffer.spi.store.ReadTarget;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.spi.rotation.RotationEngine;
import dev.coffer.spi.rotation.RotationManager;
import dev.coffer.spi.rotation.RotationObserver;
import dev.coffer.spi.rotation.Rotators;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.WatchRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.Collection;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The kernel: composes the SPIs and owns the rules, so every vendor's parts get the same
 * semantics. Authorize first; audit every attempt (denials and failures too); fail closed when
 * the audit log cannot be written; versions immutable; aliases moved by compare-and-set.
 *
 * <pre>{@code
 * SecretManager manager = StandardSecretManager.builder()
 *         .secretStore(store)
 *         .envelope(envelope)
 *         .auditLog(auditLog)
 *         .policyStore(policyStore)
 *         .build();
 * }</pre>
 *
 * <p>A write's audit events are handed to the store inside its atomic unit
 * ({@link dev.coffer.spi.store.BeforeCommit}), which commits them with the change: into the audit
 * log when the store shares its transactions, otherwise into the store's
 * {@link dev.coffer.spi.store.AuditOutbox}, relayed to the log as soon as the store returns and by
 * {@link #relayAuditOutbox()} (schedule it: events wait there while the log is down). Reads append
 * after decrypting and return the value only once the event is durable in the log.
 */
public final class StandardSecretManager implements SecretManager {
    final SecretStore store;
    private final Envelope envelope;
    final AuditLog auditLog;
    private final PolicyStore policyStore;
    private final Clock clock;
    final Authorizer authorizer;
    private final AuditSummarizer summarizer;
    final PageTokenSeal pageTokens;
    private final SecretListing listing;
    private final Set<String> protectedEnvironments;
    static final Consumer<SecretPath> NO_GATE = path -> { };
    /** The change stream's in-memory window by default ({@link Builder#changeWindow}). */
    public static final int DEFAULT_CHANGE_WINDOW = 4096;
    /** How many events a resumed subscription may replay from the log by default ({@link Builder#changeReplayLimit}). */
    public static final long DEFAULT_CHANGE_REPLAY_LIMIT = 100_000;
    // The rotation engine's principal per tenant: only these instances pass isEngine (an id alone never does).
    private final java.util.concurrent.ConcurrentHashMap<String, Principal> enginePrincipals = new java.util.concurrent.ConcurrentHashMap<>();
    private final StandardRotationManager rotation;
    final ChangeTail changes;
    // Whether the latest relay of a change's events failed: outages are logged once, not per write.
    final AtomicBoolean relayFailing = new AtomicBoolean();

    private StandardSecretManager(Builder b) {
        this.store = Objects.requireNonNull(b.store, "secretStore");
        this.envelope = Objects.requireNonNull(b.envelope, "envelope");
        this.auditLog = Objects.requireNonNull(b.auditLog, "auditLog");
        this.policyStore = Objects.requireNonNull(b.policyStore, "policyStore");
        this.clock = b.clock;
        this.authorizer = new Authorizer(policyStore, this::isEngine);
        this.summarizer = new AuditSummarizer(auditLog, store, this::rotationDueAt);
        this.pageTokens = new PageTokenSeal(b.pageTokenKey == null ? PageTokenSeal.randomKey() : b.pageTokenKey);
        this.listing = new SecretListing(store, authorizer, pageTokens);
        this.protectedEnvironments = Set.copyOf(b.protectedEnvironments);
        this.changes = new ChangeTail(auditLog, authorizer, b.changeWindow, b.changePollInterval, b.changeReplayLimit);
        this.rotation = b.rotationStore == null ? null : new StandardRotationManager(this, b.rotationStore,
                b.rotators == null ? Rotators.discover(StandardSecretManager.class.getClassLoader()) : b.rotators,
                b.rotationObserver, b.instanceId == null ? "coffer-" + Ids.instanceSuffix() : b.instanceId, clock,
                b.rotationClaimLease);
    }

    /** Starts a builder; every SPI is required, the clock defaults to the system UTC clock. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- rotation ------------------------------------------------------------------------

    /**
     * The rotation API of this kernel: policies, runs, rotate-now, cancel, rollback.
     *
     * @throws IllegalStateException if the kernel was built without a {@link Builder#rotationStore rotation store}
     */
    public RotationManager rotations() {
        return requireRotation();
    }

    /**
     * The rotation engine of this kernel, for a scheduler: claims due work and drives it.
     *
     * @throws IllegalStateException if the kernel was built without a {@link Builder#rotationStore rotation store}
     */
    public RotationEngine rotationEngine() {
        return requireRotation();
    }

    /** Whether this kernel was built with a rotation store. */
    public boolean rotates() {
        return rotation != null;
    }

    // When a secret is due for rotation: its rotation policy's next moment, else its legacy rotation period.
    private Optional<Instant> rotationDueAt(Secret secret) {
        return rotation == null ? secret.rotationDueAt() : rotation.dueAt(secret);
    }

    private StandardRotationManager requireRotation() {
        if (rotation == null) {
            throw new IllegalStateException("this kernel was built without a rotation store (Builder.rotationStore)");
        }
        return rotation;
    }

    /** The context the rotation engine acts in within {@code tenant}, as {@value StandardRotationManager#ENGINE_ID}. */
    AccessContext engineContext(String tenant, String requestId) {
        Principal engine = enginePrincipals.computeIfAbsent(tenant, t -> Principal.of(StandardRotationManager.ENGINE_ID, t));
        return AccessContext.of(engine).withRequestId(requestId);
    }

    // The engine may read, write and rotate the secrets it rotates; never administer, audit or delete.
    private boolean isEngine(AccessContext ctx, Action action) {
        return (action == Action.READ || action == Action.WRITE || action == Action.ROTATE)
                && enginePrincipals.get(ctx.tenant()) == ctx.principal();
    }

    // ---- secrets -------------------------------------------------------------------------

    @Override
    public Secret create(AccessContext ctx, NewSecret request) {
        return attempt(ctx, AuditEventType.SECRET_CREATE, a -> {
            a.on(request.path());
            authorize(a, ctx, Action.ONBOARD, request.path());
            Secret secret = new Secret(Ids.secretId(), request.path(), request.ownerTeam(), request.description(),
                    request.rotationStrategy(), request.rotationPeriod(), request.labels(), a.at(), a.at(), null, null);
            return store.createSecret(secret, audited(a, store.auditOutbox(), created -> a.allowed()));
        });
    }

    @Override
    public SecretDetails describe(AccessContext ctx, String secretId) {
        return attempt(ctx, AuditEventType.SECRET_DESCRIBE, a -> {
            Secret secret = requireSecret(a, ctx, secretId);
            authorizeMetadata(a, ctx, secret.path());
            return details(a, ctx, secret);
        });
    }

    @Override
    public SecretDetails describe(AccessContext ctx, SecretPath path) {
        return attempt(ctx, AuditEventType.SECRET_DESCRIBE, a -> {
            a.on(path);
            // The path first: a caller without rights gets the same denial whether the secret exists or not.
            authorizeMetadata(a, ctx, path);
            Secret secret = store.findSecretByPath(path).orElseThrow(() -> secretNotFound(path.qualifiedName()));
            return details(a, ctx, secret);
        });
    }

    private SecretDetails details(Attempt a, AccessContext ctx, Secret secret) {
        Aliases aliases = store.aliases(ctx.tenant(), secret.id());
        List<SecretVersion> versions = store.listVersions(ctx.tenant(), secret.id()).stream()
                .map(r -> SecretVersion.derive(r, aliases)).toList();
        a.allowed();
        return new SecretDetails(secret, versions, aliases);
    }

    @Override
    public Page<SecretListItem> list(AccessContext ctx, SecretFilter filter, PageRequest page) {
        return attempt(ctx, AuditEventType.SECRET_LIST, a -> {
            // Metadata of secrets the caller may not act on stays hidden, and so do their names in page tokens.
            Page<Secret> visible = listing.page(ctx, Objects.requireNonNull(filter, "filter"), Objects.requireNonNull(page, "page"));
            // Only the visible page's aliases are looked up: no value, no version row is read.
            List<SecretListItem> items = visible.items().stream()
                    .map(s -> new SecretListItem(s, store.aliases(ctx.tenant(), s.id()).get(Aliases.CURRENT))).toList();
            a.allowed();
            return new Page<>(items, visible.nextPageToken());
        });
    }

    @Override
    public Secret update(AccessContext ctx, SecretRef ref, SecretUpdate update) {
        Objects.requireNonNull(update, "update");
        return attempt(ctx, AuditEventType.SECRET_UPDATE, a -> {
            Secret secret = resolve(a, ctx, ref, NO_GATE, Action.WRITE);
            requireNotPendingDeletion(secret);
            // Applied to the stored row inside the store's atomic unit, so concurrent label merges never lose a key.
            return store.updateSecret(ctx.tenant(), secret.id(), stored -> {
                requireNotPendingDeletion(stored);
                return update.applyTo(stored, a.at());
            }, audited(a, store.auditOutbox(), updated -> a.allowed()));
        });
    }

    // ---- versions ------------------------------------------------------------------------

    @Override
    public SecretVersion addVersion(AccessContext ctx, SecretRef ref, NewVersion version) {
        return attempt(ctx, AuditEventType.VERSION_ADD, a -> {
            boolean makeCurrent = version.status() == VersionStatus.CURRENT;
            Secret secret = makeCurrent ? resolve(a, ctx, ref, NO_GATE, Action.WRITE, Action.ROTATE)
                    : resolve(a, ctx, ref, NO_GATE, Action.WRITE);
            String secretId = secret.id();
            requireNotPendingDeletion(secret);
            VersionRecord added = store.addVersion(ctx.tenant(), secretId,
                    number -> envelope.seal(version.value(), new ValueBinding(secret.path(), number)),
                    ctx.principal().id(), a.at(), version.expiresAt(), makeCurrent,
                    audited(a, store.auditOutbox(), done -> {
                        a.version(done.record().number()).allowed();
                        done.currentMove().ifPresent(move -> a.alsoAllowed(AuditEventType.ALIAS_MOVE, moveDetail(move)));
                    }));
            a.relay();
            return SecretVersion.derive(added, store.aliases(ctx.tenant(), secretId));
        });
    }

    @Override
    public List<SecretVersion> versions(AccessContext ctx, SecretRef ref) {
        return describe(ctx, ref).versions();
    }

    @Override
    public SecretContent read(AccessContext ctx, SecretPath path, VersionSelector selector) {
        Attempt a = new Attempt(auditLog, ctx, AuditEventType.SECRET_READ, now());
        a.on(path);
        Optional<BreakGlassGrant> underGrant = Optional.empty();
        try {
            requireTenant(a, ctx, path, Action.READ);
            Authorizer.Verdict verdict = authorizer.check(ctx, Action.READ, path);
            if (!verdict.allowed()) {
                // A grant opens what no allow opens, never what a deny closes.
                underGrant = verdict.explicitlyDenied() ? Optional.empty() : authorizer.breakGlassFor(ctx, path, a.at());
                if (underGrant.isEmpty()) {
                    throw a.denied(Action.READ, verdict.explanation());
                }
                a.action(Action.READ_BREAK_GLASS).detail("grant=" + underGrant.get().id());
            } else {
                a.action(Action.READ);
            }
            // One lookup for everything the read needs, judged in the order the separate lookups were.
            ReadTarget target = store.findForRead(path, selector).orElseThrow(() -> secretNotFound(path.qualifiedName()));
            Secret secret = target.secret();
            requireNotPendingDeletion(secret);
            int number = target.number().orElseThrow(() -> aliasNotFound(secret, selector));
            a.version(number);
            VersionRecord record = target.version().orElseThrow(() -> versionNotFound(secret, number));
            requireReadable(secret, record);
            // Empty for a version that is not destroyed only when a store without one consistent
            // view saw it destroyed between its lookups.
            SealedValue sealed = target.sealed().orElseThrow(() -> destroyed(secret, number));
            SecretValue value = envelope.open(sealed, new ValueBinding(path, number));
            try {
                if (underGrant.isPresent()) {
                    a.allowedAs(AuditEventType.BREAK_GLASS_READ, underGrant.get().reason(), underGrant.get().ticketUrl());
                } else {
                    a.allowed();
                }
            } catch (RuntimeException auditFailure) {
                value.close(); // fail closed: the value never leaves without its audit event
                throw auditFailure;
            }
            return new SecretContent(path, number, value, record.expiresAt());
        } catch (RuntimeException e) {
            throw a.failed(e);
        }
    }

    // Only an alias selector may leave the number unresolved (ReadTarget#number).
    private static RuntimeException aliasNotFound(Secret secret, VersionSelector selector) {
        if (!(selector instanceof VersionSelector.ByAlias byAlias)) {
            return new IllegalStateException("the secret store answered a read of version " + selector
                    + " of " + secret.path().qualifiedName() + " without the version number");
        }
        return new NotFoundException(ErrorCode.ALIAS_NOT_FOUND, "alias '" + byAlias.name() + "' is not set on "
                + secret.path().qualifiedName());
    }

    @Override
    public Aliases moveAlias(AccessContext ctx, SecretRef ref, String alias, int version, OptionalInt expectedPreviousVersion) {
        return attempt(ctx, AuditEventType.ALIAS_MOVE, a -> {
            a.version(version).detail("alias=" + alias + " to=" + version);
            Secret secret = resolve(a, ctx, ref, NO_GATE, Action.ROTATE);
            String secretId = secret.id();
            Aliases.requireName(alias);
            if (Aliases.PREVIOUS.equals(alias)) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                        "alias 'previous' follows 'current' and cannot be moved; move 'current' instead");
            }
            requireNotPendingDeletion(secret);
            AliasMove move = store.moveAlias(ctx.tenant(), secretId, alias, version, expectedPreviousVersion, a.at(),
                    audited(a, store.auditOutbox(), moved -> a.detail(moveDetail(moved)).allowed()));
            return move.aliases();
        });
    }

    @Override
    public Aliases removeAlias(AccessContext ctx, SecretRef ref, String alias, OptionalInt expectedVersion) {
        Objects.requireNonNull(expectedVersion, "expectedVersion");
        return attempt(ctx, AuditEventType.ALIAS_MOVE, a -> {
            a.detail("alias=" + auditableAlias(alias) + " removed");
            Secret secret = resolve(a, ctx, ref, NO_GATE, Action.ROTATE);
            Aliases.requireName(alias);
            if (Aliases.CURRENT.equals(alias) || Aliases.PREVIOUS.equals(alias)) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "alias '" + alias
                        + "' cannot be removed; only 'next' and named aliases can (move 'current' instead)");
            }
            requireNotPendingDeletion(secret);
            AliasRemoval removal = store.removeAlias(ctx.tenant(), secret.id(), alias, expectedVersion,
                    audited(a, store.auditOutbox(), removed -> a.version(removed.from())
                            .detail("alias=" + removed.alias() + " from=" + removed.from() + " removed").allowed()));
            return removal.aliases();
        });
    }

    // A refused name is not echoed into the audit log: it is the caller's text, of any length.
    private static String auditableAlias(String alias) {
        try {
            return Aliases.requireName(alias);
        } catch (InvalidRequestException e) {
            return "(invalid)";
        }
    }

    /**
     * The fixed-form detail of an alias move: {@code alias=current from=1 to=2} ({@code from=none}
     * when unset), with {@code next=cleared} appended when the move promoted the version {@code next} named.
     */
    private static String moveDetail(AliasMove move) {
        return "alias=" + move.alias() + " from=" + (move.from().isPresent() ? String.valueOf(move.from().getAsInt()) : "none")
                + " to=" + move.to() + (move.nextCleared() ? " next=cleared" : "");
    }

    @Override
    public SecretVersion disable(AccessContext ctx, SecretRef secretId, int version) {
        return transition(ctx, secretId, version, AuditEventType.VERSION_DISABLE, Action.ROTATE, VersionState.DISABLED);
    }

    @Override
    public SecretVersion enable(AccessContext ctx, SecretRef secretId, int version) {
        return transition(ctx, secretId, version, AuditEventType.VERSION_ENABLE, Action.ROTATE, VersionState.ENABLED);
    }

    @Override
    public SecretVersion destroy(AccessContext ctx, SecretRef secretId, int version) {
        return transition(ctx, secretId, version, AuditEventType.VERSION_DESTROY, Action.ADMIN, VersionState.DESTROYED);
    }

    private SecretVersion transition(AccessContext ctx, SecretRef ref, int number, AuditEventType type, Action action, VersionState to) {
        return attempt(ctx, type, a -> {
            a.version(number);
            Secret secret = resolve(a, ctx, ref, NO_GATE, action);
            String secretId = secret.id();
            requireNotPendingDeletion(secret);
            VersionRecord record = store.findVersion(ctx.tenant(), secretId, number).orElseThrow(() -> versionNotFound(secret, number));
            VersionState from = record.state();
            if (from == VersionState.DESTROYED) {
                throw destroyed(secret, number);
            }
            boolean allowedFrom = to == VersionState.DESTROYED || (to == VersionState.DISABLED) == (from == VersionState.ENABLED);
            if (!allowedFrom) {
                throw new dev.coffer.spi.error.ConflictException(ErrorCode.STATE_CONFLICT, "version " + number + " of "
                        + secret.path().qualifiedName() + " is already " + from + "; it cannot move to " + to);
            }
            // Loaded before the change (destroying deletes it), shredded only once the store has
            // committed it, as remove does: a destroy the store refuses (the version is current) or
            // that fails leaves a value whose keys still open it.
            Optional<SealedValue> shred = to == VersionState.DESTROYED
                    ? store.loadSealedValue(ctx.tenant(), secretId, number) : Optional.empty();
            VersionRecord changed = store.transitionVersion(ctx.tenant(), secretId, number, from, to, audited(a, store.auditOutbox(), r -> a.allowed()));
            a.relay();
            shred.ifPresent(sealed -> envelope.shred(sealed, new ValueBinding(secret.path(), number)));
            return SecretVersion.derive(changed, store.aliases(ctx.tenant(), secretId));
        });
    }

    // ---- deletion ------------------------------------------------------------------------

    @Override
    public Secret scheduleDeletion(AccessContext ctx, SecretRef ref, int recoveryWindowDays) {
        return attempt(ctx, AuditEventType.SECRET_DELETE_SCHEDULED, a -> {
            a.detail("recoveryWindowDays=" + recoveryWindowDays);
            Secret secret = resolve(a, ctx, ref, NO_GATE, Action.ADMIN);
            if (recoveryWindowDays < MIN_RECOVERY_WINDOW_DAYS || recoveryWindowDays > MAX_RECOVERY_WINDOW_DAYS) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "recovery window must be "
                        + MIN_RECOVERY_WINDOW_DAYS + " to " + MAX_RECOVERY_WINDOW_DAYS + " days, got " + recoveryWindowDays);
            }
            Instant purgeableAt = a.at().plus(Duration.ofDays(recoveryWindowDays));
            // Applied to the stored row in the store's atomic unit: an update that commits meanwhile
            // (a label merge) is kept, and the pending-deletion check sees what is stored.
            return store.updateSecret(ctx.tenant(), secret.id(), stored -> {
                requireNotPendingDeletion(stored);
                return stored.withDeletionScheduledAt(purgeableAt, a.at());
            }, audited(a, store.auditOutbox(), s -> a.allowed()));
        });
    }

    @Override
    public Secret restore(AccessContext ctx, SecretRef ref) {
        return attempt(ctx, AuditEventType.SECRET_RESTORE, a -> {
            Secret secret = resolve(a, ctx, ref, NO_GATE, Action.ADMIN);
            return store.updateSecret(ctx.tenant(), secret.id(), stored -> {
                requirePendingDeletion(stored);
                return stored.withDeletionScheduledAt(null, a.at());
            }, audited(a, store.auditOutbox(), s -> a.allowed()));
        });
    }

    @Override
    public void purge(AccessContext ctx, SecretRef ref) {
        attempt(ctx, AuditEventType.SECRET_PURGE, a -> {
            Secret secret = resolve(a, ctx, ref, NO_GATE, Action.ADMIN);
            requirePendingDeletion(secret);
            if (a.at().isBefore(secret.deletionScheduledAt())) {
                throw new dev.coffer.spi.error.ConflictException(ErrorCode.RECOVERY_WINDOW_OPEN, secret.path().qualifiedName()
                        + " can be purged from " + secret.deletionScheduledAt() + "; restore it or wait");
            }
            remove(a, ctx, secret);
            return null;
        });
    }

    @Override
    public void forceDelete(AccessContext ctx, SecretRef ref) {
        attempt(ctx, AuditEventType.SECRET_FORCE_DELETE, a -> {
            a.detail("force=true");
            // The environment is checked once the caller is known to be an administrator there, and
            // by path before the lookup, so a protected environment answers alike for absent secrets.
            Secret secret = resolve(a, ctx, ref, path -> {
                if (protectedEnvironments.contains(path.environment())) {
                    throw a.denied(Action.ADMIN, ErrorCode.ENVIRONMENT_PROTECTED, "environment " + path.environment()
                            + " is protected: force delete is refused there; schedule deletion instead",
                            "force delete in protected environment " + path.environment());
                }
            }, Action.ADMIN);
            remove(a, ctx, secret);
            return null;
        });
    }

    /**
     * Deletes the secret, auditing the allow inside the store's unit, then shreds the key material of
     * the versions it had. Shredding comes after the commit: a delete that fails (audit unavailable,
     * store down) leaves a secret whose values still open. A shred that fails after the commit fails
     * the call, whose outcome is already audited (the delete happened: its events are relayed before
     * shredding), and leaves key material without a value, never a value without keys.
     */
    private void remove(Attempt a, AccessContext ctx, Secret secret) {
        Map<Integer, SealedValue> sealed = new LinkedHashMap<>();
        for (VersionRecord v : store.listVersions(ctx.tenant(), secret.id())) {
            store.loadSealedValue(ctx.tenant(), secret.id(), v.number()).ifPresent(value -> sealed.put(v.number(), value));
        }
        store.deleteSecret(ctx.tenant(), secret.id(), audited(a, store.auditOutbox(), s -> a.allowed()));
        a.relay();
        sealed.forEach((number, value) -> envelope.shred(value, new ValueBinding(secret.path(), number)));
    }

    // ---- break-glass ---------------------------------------------------------------------

    @Override
    public BreakGlassGrant grantBreakGlass(AccessContext ctx, BreakGlassRequest request) {
        return attempt(ctx, AuditEventType.BREAK_GLASS_GRANT, a -> {
            a.detail("resources=" + String.join(",", request.resources()));
            // Conditions such as ticketRequired are judged on what the grant will carry.
            AccessContext asRequested = ctx.withReason(request.reason()).withTicket(request.ticketUrl());
            for (String resource : request.resources()) {
                ResourcePattern requested = ResourcePattern.parse(resource);
                Authorizer.Verdict verdict = authorizer.check(asRequested, Action.READ_BREAK_GLASS, requested);
                if (!verdict.allowed()) {
                    throw a.denied(Action.READ_BREAK_GLASS, verdict.explanation());
                }
                // Reads under the grant could not open a path a deny of reading closes, so no grant reaches one.
                Authorizer.Verdict read = authorizer.check(asRequested, Action.READ, requested);
                if (read.explicitlyDenied()) {
                    throw a.denied(Action.READ_BREAK_GLASS, read.explanation());
                }
            }
            a.action(Action.READ_BREAK_GLASS);
            Instant until = a.at().plus(Duration.ofMinutes(request.durationMinutes()));
            BreakGlassGrant grant = new BreakGlassGrant(Ids.grantId(), ctx.tenant(), ctx.principal().id(), request.resources(),
                    request.reason(), request.ticketUrl(), a.at(), until);
            return policyStore.addGrant(grant, audited(a, policyStore.auditOutbox(), g -> a.detail("grant=" + g.id() + " resources="
                    + String.join(",", g.resources()) + " until=" + g.expiresAt())
                    .allowedAs(AuditEventType.BREAK_GLASS_GRANT, g.reason(), g.ticketUrl())));
        });
    }

    // ---- change stream -------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>Every subscription of this kernel reads one shared tail of the audit log (a daemon thread
     * {@value ChangeTail#THREAD_NAME} while any is open) and its window of recent changes
     * ({@link Builder#changeWindow}); one behind the window replays from the log up to
     * {@link Builder#changeReplayLimit} events, or resets. Visibility is judged at each poll with
     * the caller's current policies.
     */
    @Override
    public ChangeSubscription watch(AccessContext ctx, WatchRequest request) {
        Objects.requireNonNull(request, "request");
        return attempt(ctx, AuditEventType.SECRET_WATCH, a -> {
            a.detail("environment=" + (request.environment() == null ? "*" : request.environment())
                    + " prefix=" + (request.prefix() == null ? "*" : request.prefix())
                    + " after=" + (request.after().isPresent() ? String.valueOf(request.after().getAsLong()) : "head"));
            long start = request.after().isPresent() ? request.after().getAsLong() : auditLog.head();
            ChangeSubscription subscription = changes.subscribe(ctx, request, start);
            try {
                a.allowed();
            } catch (RuntimeException auditFailure) {
                subscription.close(); // fail closed: no stream without its audit event
                throw auditFailure;
            }
            return subscription;
        });
    }

    // ---- audit ---------------------------------------------------------------------------

    @Override
    public Page<AuditEvent> queryAudit(AccessContext ctx, AuditQuery query, PageRequest page) {
        return attempt(ctx, AuditEventType.AUDIT_QUERY, a -> {
            authorizeTenantWide(a, ctx, Action.AUDIT);
            if (!ctx.tenant().equals(query.tenant())) {
                throw a.denied(Action.AUDIT, "audit query for tenant " + query.tenant() + " from tenant " + ctx.tenant());
            }
            String binding = PageTokenSeal.auditQuery(ctx, query);
            PageRequest inner = page.pageToken() == null ? page : new PageRequest(pageTokens.open(page.pageToken(), binding), page.limit());
            Page<AuditEvent> events = auditLog.query(query, inner);
            a.allowed();
            return new Page<>(events.items(), events.next().map(token -> pageTokens.seal(token, binding)).orElse(null));
        });
    }

    @Override
    public AuditSummary summarizeAudit(AccessContext ctx, Instant since) {
        return attempt(ctx, AuditEventType.AUDIT_QUERY, a -> {
            a.detail("summary since=" + since);
            authorizeTenantWide(a, ctx, Action.AUDIT);
            AuditSummary summary = summarizer.summarize(ctx.tenant(), Objects.requireNonNull(since, "since"), a.at());
            a.allowed();
            return summary;
        });
    }

    @Override
    public AuditVerification verifyAudit(AccessContext ctx) {
        return attempt(ctx, AuditEventType.AUDIT_VERIFY, a -> {
            authorizeTenantWide(a, ctx, Action.AUDIT);
            AuditVerification result = auditLog.verify(ctx.tenant());
            a.allowed();
            return result;
        });
    }

    @Override
    public void authorizeMetrics(AccessContext ctx) {
        attempt(ctx, AuditEventType.METRICS_READ, a -> {
            if (!OPERATOR_TENANT.equals(ctx.tenant())) {
                throw a.denied(Action.METRICS, "metrics cover every tenant; only tenant " + OPERATOR_TENANT + " may read them");
            }
            authorizeTenantWide(a, ctx, Action.METRICS);
            // No allow event: scrapes come every few seconds and would bury the events that matter.
            return null;
        });
    }

    // ---- policies ------------------------------------------------------------------------

    @Override
    public Policy putPolicy(AccessContext ctx, Policy policy) {
        return attempt(ctx, AuditEventType.POLICY_PUT, a -> {
            a.detail("policy=" + policy.name());
            authorizeTenantWide(a, ctx, Action.ADMIN);
            policy.requireFailClosed();
            return policyStore.put(ctx.tenant(), policy, audited(a, policyStore.auditOutbox(), p -> a.allowed()));
        });
    }

    @Override
    public Optional<Policy> getPolicy(AccessContext ctx, String name) {
        return attempt(ctx, AuditEventType.POLICY_READ, a -> {
            a.detail("policy=" + name);
            authorizeTenantWide(a, ctx, Action.ADMIN);
            Optional<Policy> policy = policyStore.get(ctx.tenant(), Policy.requireName(name));
            a.allowed();
            return policy;
        });
    }

    @Override
    public List<Policy> listPolicies(AccessContext ctx) {
        return attempt(ctx, AuditEventType.POLICY_READ, a -> {
            a.detail("policy=*");
            authorizeTenantWide(a, ctx, Action.ADMIN);
            List<Policy> policies = policyStore.list(ctx.tenant());
            a.allowed();
            return policies;
        });
    }

    @Override
    public void deletePolicy(AccessContext ctx, String name) {
        attempt(ctx, AuditEventType.POLICY_DELETE, a -> {
            a.detail("policy=" + name);
            authorizeTenantWide(a, ctx, Action.ADMIN);
            policyStore.delete(ctx.tenant(), Policy.requireName(name), audited(a, policyStore.auditOutbox(), p -> a.allowed()));
            return null;
        });
    }

    // ---- shared steps --------------------------------------------------------------------

    /** Runs {@code body} as one audited attempt: failures are audited and rethrown. */
    <T> T attempt(AccessContext ctx, AuditEventType type, Function<Attempt, T> body) {
        Objects.requireNonNull(ctx, "ctx");
        Attempt a = new Attempt(auditLog, ctx, type, now(), relayFailing);
        T result;
        try {
            result = body.apply(a);
        } catch (RuntimeException e) {
            throw a.failed(e);
        }
        a.relay();
        return result;
    }

    // The hook of a change: the events 'describe' produces are committed by the store with the change.
    static <T> BeforeCommit<T> audited(Attempt a, AuditOutbox outbox, Consumer<T> describe) {
        return result -> a.prepare(outbox, () -> describe.accept(result));
    }

    /**
     * Moves the audit events waiting in the stores' {@link AuditOutbox}es into the audit log and
     * returns how many. Each change relays its own events as soon as the store commits it; what
     * waits here is what could not be relayed then (the log was down, the process died between
     * commit and relay). Run it when the manager starts and periodically; it is safe to run from
     * several threads and instances at once (the log ignores ids it holds).
     *
     * @throws dev.coffer.spi.error.UnavailableException {@code AUDIT_UNAVAILABLE} when the log
     *         cannot be written; {@code STORE_UNAVAILABLE} when an outbox cannot be read
     */
    public int relayAuditOutbox() {
        int relayed = relay(store.auditOutbox());
        if (policyStore.auditOutbox() != store.auditOutbox()) {
            relayed += relay(policyStore.auditOutbox());
        }
        return relayed;
    }

    private int relay(AuditOutbox outbox) {
        if (!outbox.holdsEvents()) {
            return 0;
        }
        try {
            return Attempt.relayPending(outbox, auditLog, Attempt.RELAY_BATCH);
        } catch (dev.coffer.spi.error.SecretsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, "the audit log cannot be written; events wait in the outbox", e);
        }
    }

    Instant now() {
        // Stores keep microseconds; the audit hash covers the instant, so never carry more.
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    Secret requireSecret(Attempt a, AccessContext ctx, String secretId) {
        if (secretId == null || secretId.isBlank() || secretId.length() > 64) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "secret id is missing or malformed");
        }
        Secret secret = store.findSecret(ctx.tenant(), secretId).orElseThrow(() -> secretNotFound(secretId));
        a.on(secret.path());
        return secret;
    }

    /**
     * The secret {@code ref} names, once the caller is allowed every one of {@code actions} on it.
     * By id: an unknown id is {@code SECRET_NOT_FOUND}, then the path is authorized. By path: the
     * path is authorized first, so an absent secret and a forbidden one give the same denial, as
     * {@link #describe(AccessContext, SecretPath)} does. {@code gate} runs after authorization,
     * before the lookup by path, and may refuse.
     */
    Secret resolve(Attempt a, AccessContext ctx, SecretRef ref, Consumer<SecretPath> gate, Action... actions) {
        Objects.requireNonNull(ref, "secret");
        if (ref instanceof SecretRef.ById byId) {
            Secret secret = requireSecret(a, ctx, byId.secretId());
            for (Action action : actions) {
                authorize(a, ctx, action, secret.path());
            }
            gate.accept(secret.path());
            return secret;
        }
        SecretPath path = ((SecretRef.ByPath) ref).path();
        a.on(path);
        for (Action action : actions) {
            authorize(a, ctx, action, path);
        }
        gate.accept(path);
        return store.findSecretByPath(path).orElseThrow(() -> secretNotFound(path.qualifiedName()));
    }

    private void requireTenant(Attempt a, AccessContext ctx, SecretPath path, Action action) {
        if (!ctx.tenant().equals(path.tenant())) {
            throw a.denied(action, "path of tenant " + path.tenant() + " requested from tenant " + ctx.tenant());
        }
    }

    void authorize(Attempt a, AccessContext ctx, Action action, SecretPath path) {
        requireTenant(a, ctx, path, action);
        Authorizer.Verdict verdict = authorizer.check(ctx, action, path);
        if (!verdict.allowed()) {
            throw a.denied(action, verdict.explanation());
        }
        a.action(action);
    }

    void authorizeMetadata(Attempt a, AccessContext ctx, SecretPath path) {
        requireTenant(a, ctx, path, Action.READ);
        if (!authorizer.anyAllowed(ctx, path, Action.READ, Action.WRITE, Action.ROTATE, Action.ADMIN)) {
            throw a.denied(Action.READ, "no policy allows reading the metadata of " + path.qualifiedName()
                    + " (needs secrets:read, write, rotate or admin)");
        }
    }

    private void authorizeTenantWide(Attempt a, AccessContext ctx, Action action) {
        Authorizer.Verdict verdict = authorizer.check(ctx, action, Authorizer.TENANT_WIDE);
        if (!verdict.allowed()) {
            throw a.denied(action, verdict.explanation());
        }
        a.action(action);
    }

    static void requireNotPendingDeletion(Secret secret) {
        if (secret.isPendingDeletion()) {
            throw new NotFoundException(ErrorCode.SECRET_PENDING_DELETION, secret.path().qualifiedName()
                    + " is scheduled for deletion at " + secret.deletionScheduledAt() + "; restore it first");
        }
    }

    private static void requirePendingDeletion(Secret secret) {
        if (!secret.isPendingDeletion()) {
            throw new dev.coffer.spi.error.ConflictException(ErrorCode.SECRET_NOT_PENDING_DELETION,
                    secret.path().qualifiedName() + " is not scheduled for deletion");
        }
    }

    private static void requireReadable(Secret secret, VersionRecord record) {
        if (record.state() == VersionState.DISABLED) {
            throw new VersionDisabledException("version " + record.number() + " of " + secret.path().qualifiedName() + " is disabled");
        }
        if (record.state() == VersionState.DESTROYED) {
            throw destroyed(secret, record.number());
        }
    }

    private static VersionDestroyedException destroyed(Secret secret, int number) {
        return new VersionDestroyedException("version " + number + " of " + secret.path().qualifiedName() + " is destroyed");
    }

    static NotFoundException secretNotFound(String idOrPath) {
        return new NotFoundException(ErrorCode.SECRET_NOT_FOUND, "no secret " + idOrPath);
    }

    private static NotFoundException versionNotFound(Secret secret, int number) {
        return new NotFoundException(ErrorCode.VERSION_NOT_FOUND, secret.path().qualifiedName() + " has no version " + number);
    }

    /** Builder for {@link StandardSecretManager}. */
    public static final class Builder {
        private SecretStore store;
        private Envelope envelope;
        private AuditLog auditLog;
        private PolicyStore policyStore;
        private Clock clock = Clock.systemUTC();
        private byte[] pageTokenKey;
        private final Set<String> protectedEnvironments = new TreeSet<>();
        private RotationStore rotationStore;
        private Rotators rotators;
        private RotationObserver rotationObserver = RotationObserver.NONE;
        private String instanceId;
        private Duration rotationClaimLease = Duration.ofMinutes(2);
        private int changeWindow = DEFAULT_CHANGE_WINDOW;
        private Duration changePollInterval = Duration.ofSeconds(1);
        private long changeReplayLimit = DEFAULT_CHANGE_REPLAY_LIMIT;

        private Builder() {}

        /**
         * How many recent changes the change stream keeps in memory for all its subscriptions
         * (default {@value StandardSecretManager#DEFAULT_CHANGE_WINDOW}, 1 to 1,048,576). A
         * subscription further behind reads from the audit log instead.
         */
        public Builder changeWindow(int changes) {
            if (changes < 1 || changes > (1 << 20)) {
                throw new IllegalArgumentException("changeWindow must be 1 to 1048576, got " + changes);
            }
            this.changeWindow = changes;
            return this;
        }

        /**
         * The longest the change stream waits between two reads of the audit log (default 1 s,
         * 10 ms to 1 min). A log that signals appends ({@link AuditLog#awaitAppend}) is read as
         * soon as it does; this bounds the delay for one that cannot (another process's append).
         */
        public Builder changePollInterval(Duration interval) {
            Objects.requireNonNull(interval, "changePollInterval");
            if (interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("changePollInterval must be between 10ms and 1min");
            }
            this.changePollInterval = interval;
            return this;
        }

        /**
         * How many audit events a subscription resuming behind the in-memory window may replay from
         * the log (default {@value StandardSecretManager#DEFAULT_CHANGE_REPLAY_LIMIT}, 0 or more);
         * one further behind gets a {@link dev.coffer.spi.watch.ChangeBatch#resetTo reset}.
         */
        public Builder changeReplayLimit(long events) {
            if (events < 0) {
                throw new IllegalArgumentException("changeReplayLimit must be 0 or more, got " + events);
            }
            this.changeReplayLimit = events;
            return this;
        }

        /**
         * How long a claim on a secret's rotation work lasts unless renewed (default 2 minutes): the
         * time after which another instance resumes the work of one that died. The engine renews it
         * between steps, so it must exceed the longest single step (a rotator's timeout).
         */
        public Builder rotationClaimLease(Duration lease) {
            Objects.requireNonNull(lease, "rotationClaimLease");
            if (lease.compareTo(Duration.ofSeconds(1)) < 0 || lease.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("rotationClaimLease must be between 1s and 1h");
            }
            this.rotationClaimLease = lease;
            return this;
        }

        /**
         * Where rotation policies, runs and claims live; without one the kernel has no
         * {@link StandardSecretManager#rotations() rotation API}. Share the secret store's storage
         * (and outbox) so that runs and versions live and fail together.
         */
        public Builder rotationStore(RotationStore store) {
            this.rotationStore = Objects.requireNonNull(store, "rotationStore");
            return this;
        }

        /** The rotators policies may name; by default those {@link Rotators#discover ServiceLoader} finds. */
        public Builder rotators(Rotators known) {
            this.rotators = Objects.requireNonNull(known, "rotators");
            return this;
        }

        /** Hears what the rotation engine does (metrics). */
        public Builder rotationObserver(RotationObserver observer) {
            this.rotationObserver = Objects.requireNonNull(observer, "rotationObserver");
            return this;
        }

        /**
         * The id this process claims rotation work under, unique among the instances sharing a
         * database ({@code [A-Za-z0-9._:-]{1,64}}); a random one by default.
         */
        public Builder instanceId(String id) {
            if (id == null || !id.matches("[A-Za-z0-9._:-]{1,64}")) {
                throw new IllegalArgumentException("instanceId must match [A-Za-z0-9._:-]{1,64}");
            }
            this.instanceId = id;
            return this;
        }

        /**
         * Marks environments protected: {@link SecretManager#forceDelete force delete} is refused
         * there with {@code ENVIRONMENT_PROTECTED}, even to an administrator. Adds to the
         * environments given before.
         *
         * <pre>{@code
         * StandardSecretManager.builder()...protectedEnvironments(List.of("prod", "staging")).build();
         * }</pre>
         *
         * @throws dev.coffer.spi.error.InvalidRequestException {@code INVALID_PATH} for a name that is not an environment
         */
        public Builder protectedEnvironments(Collection<String> environments) {
            for (String environment : Objects.requireNonNull(environments, "protectedEnvironments")) {
                protectedEnvironments.add(SecretPath.requireEnvironment(environment));
            }
            return this;
        }

        public Builder secretStore(SecretStore secretStore) {
            this.store = secretStore;
            return this;
        }

        public Builder envelope(Envelope env) {
            this.envelope = env;
            return this;
        }

        public Builder auditLog(AuditLog log) {
            this.auditLog = log;
            return this;
        }

        public Builder policyStore(PolicyStore policies) {
            this.policyStore = policies;
            return this;
        }

        /** The clock for timestamps, recovery windows and grants; tests pass a movable one. */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /**
         * The AES-256 key (32 bytes; copied) that seals the page tokens of listings and audit
         * queries, so that they name nothing and cannot be forged or carried to another filter or
         * caller. Without it each manager draws a random key: its tokens then stop working at a
         * restart and are refused by other instances. Several instances serving one database
         * should share a key derived from their root key.
         *
         * @throws IllegalArgumentException unless {@code key} has 32 bytes
         */
        public Builder pageTokenKey(byte[] key) {
            Objects.requireNonNull(key, "pageTokenKey");
            if (key.length != PageTokenSeal.KEY_BYTES) {
                throw new IllegalArgumentException("pageTokenKey must be " + PageTokenSeal.KEY_BYTES + " bytes, got " + key.length);
            }
            this.pageTokenKey = key.clone();
            return this;
        }

        /** Builds the manager; fails if an SPI is missing. */
        public StandardSecretManager build() {
            return new StandardSecretManager(this);
        }
    }

}
