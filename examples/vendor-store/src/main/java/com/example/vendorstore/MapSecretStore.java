package com.example.vendorstore;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.internal.PageTokens;
import dev.coffer.spi.internal.StoreRules;
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
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A vendor's {@link SecretStore} laid out as a key-value store would hold it: flat maps from
 * keys to values (secrets, version records, sealed values, aliases, number counters), with no
 * object per secret. Every method holds the store's monitor, and a write records what it
 * overwrites in an {@link Undo} log, so a failing sealer or {@link BeforeCommit} hook puts every
 * key back and the change never happened. The audit events a hook returns go into an outbox map
 * in the same write (the {@link AuditOutbox} the kernel relays to the audit log), as a key-value
 * store would put them under keys of their own in its atomic multi-key write.
 *
 * <p>Alias and state rules, with their messages, come from {@link StoreRules} and page tokens from
 * {@link PageTokens}, as the built-in stores do. Nothing survives the JVM.
 */
public final class MapSecretStore implements SecretStore {
    /** Listing order: environment, then path, each as {@link String#compareTo} orders them. */
    private static final Comparator<Secret> LISTING_ORDER = Comparator
            .comparing((Secret s) -> s.path().environment())
            .thenComparing(s -> s.path().path());

    private final Map<SecretKey, Secret> secrets = new HashMap<>();
    private final Map<SecretPath, String> idsByPath = new HashMap<>();
    private final Map<VersionKey, VersionRecord> versions = new HashMap<>();
    private final Map<VersionKey, SealedValue> values = new HashMap<>();
    private final Map<SecretKey, Aliases> aliases = new HashMap<>();
    // The highest number each id ever had: kept after delete, so that numbers are never reused.
    private final Map<SecretKey, Integer> lastNumbers = new HashMap<>();
    // Audit events of committed writes, in commit order, until the kernel has relayed them.
    private final Map<String, AuditEvent> outbox = new LinkedHashMap<>();

    @Override
    public AuditOutbox auditOutbox() {
        return new AuditOutbox() {
            @Override
            public List<AuditEvent> pending(int max) {
                if (max < 1 || max > MAX_BATCH) {
                    throw new IllegalArgumentException("max must be 1 to " + MAX_BATCH);
                }
                synchronized (MapSecretStore.this) {
                    return outbox.values().stream().limit(max).toList();
                }
            }

            @Override
            public void acknowledge(Collection<String> eventIds) {
                synchronized (MapSecretStore.this) {
                    eventIds.forEach(outbox::remove);
                }
            }
        };
    }

    @Override
    public synchronized Secret createSecret(Secret secret, BeforeCommit<Secret> hook) {
        Objects.requireNonNull(hook, "hook");
        SecretKey key = new SecretKey(secret.path().tenant(), secret.id());
        if (idsByPath.containsKey(secret.path())) {
            throw new ConflictException(ErrorCode.SECRET_EXISTS, "a secret already exists at " + secret.path());
        }
        if (secrets.containsKey(key)) {
            throw new ConflictException(ErrorCode.SECRET_EXISTS, "a secret with id '" + secret.id() + "' already exists");
        }
        Undo undo = new Undo();
        undo.put(secrets, key, secret);
        undo.put(idsByPath, secret.path(), secret.id());
        return undo.commit(secret, hook, outbox);
    }

    @Override
    public synchronized Optional<Secret> findSecret(String tenant, String secretId) {
        return Optional.ofNullable(secrets.get(new SecretKey(tenant, secretId)));
    }

    @Override
    public synchronized Optional<Secret> findSecretByPath(SecretPath path) {
        String id = idsByPath.get(Objects.requireNonNull(path, "path"));
        return id == null ? Optional.empty() : findSecret(path.tenant(), id);
    }

    @Override
    public synchronized Secret updateSecret(Secret secret, BeforeCommit<Secret> hook) {
        return updateSecret(secret.path().tenant(), secret.id(), stored -> secret, hook);
    }

    @Override
    public synchronized Secret updateSecret(String tenant, String secretId, UnaryOperator<Secret> change,
            BeforeCommit<Secret> hook) {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(hook, "hook");
        SecretKey key = new SecretKey(tenant, secretId);
        Secret stored = require(key);
        Secret changed = Objects.requireNonNull(change.apply(stored), "changed secret");
        if (!changed.id().equals(stored.id()) || !changed.path().equals(stored.path())) {
            throw new dev.coffer.spi.error.InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "the id and path of secret '" + secretId + "' cannot change in an update");
        }
        // The store owns createdAt and lastRotatedAt (stamped only by a move of 'current'): an update keeps them as stored.
        Secret updated = StoreRules.keepStoreOwned(stored, changed);
        Undo undo = new Undo();
        undo.put(secrets, key, updated);
        return undo.commit(updated, hook, outbox);
    }

    @Override
    public synchronized Page<Secret> listSecrets(String tenant, SecretFilter filter, PageRequest page) {
        Objects.requireNonNull(filter, "filter");
        String[] after = page.pageToken() == null ? null : PageTokens.secretPosition(page.pageToken());
        List<Secret> matching = secrets.values().stream()
                .filter(s -> s.path().tenant().equals(tenant) && filter.matches(s.path()))
                .filter(s -> after == null || isAfter(s.path(), after))
                .sorted(LISTING_ORDER)
                .limit(page.limit() + 1L)
                .toList();
        if (matching.size() <= page.limit()) {
            return new Page<>(matching, null);
        }
        List<Secret> items = matching.subList(0, page.limit());
        return new Page<>(items, PageTokens.afterSecret(items.get(items.size() - 1).path()));
    }

    @Override
    public synchronized void deleteSecret(String tenant, String secretId, BeforeCommit<Secret> hook) {
        Objects.requireNonNull(hook, "hook");
        SecretKey key = new SecretKey(tenant, secretId);
        Secret stored = require(key);
        Undo undo = new Undo();
        undo.remove(secrets, key);
        undo.remove(idsByPath, stored.path());
        undo.remove(aliases, key);
        for (VersionKey version : List.copyOf(versions.keySet())) {
            if (version.secret().equals(key)) {
                undo.remove(versions, version);
                undo.remove(values, version);
            }
        }
        undo.commit(stored, hook, outbox);
    }

    @Override
    public synchronized VersionRecord addVersion(String tenant, String secretId, VersionSealer sealer, String createdBy,
            Instant now, Instant expiresAt, boolean makeCurrent, BeforeCommit<AddedVersion> hook) {
        Objects.requireNonNull(sealer, "sealer");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(hook, "hook");
        SecretKey key = new SecretKey(tenant, secretId);
        Secret stored = require(key);
        int number = lastNumbers.getOrDefault(key, 0) + 1;
        SealedValue sealed = Objects.requireNonNull(sealer.seal(number), "sealer returned null");
        VersionRecord record = new VersionRecord(number, VersionState.ENABLED, createdBy, now, expiresAt, sealed.keyId());
        Undo undo = new Undo();
        undo.put(lastNumbers, key, number);
        undo.put(versions, new VersionKey(key, number), record);
        undo.put(values, new VersionKey(key, number), sealed.copy());
        Optional<AliasMove> move = makeCurrent ? Optional.of(moveCurrent(undo, key, stored, number, now)) : Optional.empty();
        undo.commit(new AddedVersion(record, move), hook, outbox);
        return record;
    }

    @Override
    public synchronized List<VersionRecord> listVersions(String tenant, String secretId) {
        SecretKey key = new SecretKey(tenant, secretId);
        List<VersionRecord> found = new ArrayList<>();
        for (int n = 1; n <= lastNumbers.getOrDefault(key, 0); n++) {
            VersionRecord record = versions.get(new VersionKey(key, n));
            if (record != null) {
                found.add(record);
            }
        }
        return List.copyOf(found);
    }

    @Override
    public synchronized Optional<VersionRecord> findVersion(String tenant, String secretId, int number) {
        return Optional.ofNullable(versions.get(new VersionKey(new SecretKey(tenant, secretId), number)));
    }

    @Override
    public synchronized Optional<SealedValue> loadSealedValue(String tenant, String secretId, int number) {
        return Optional.ofNullable(values.get(new VersionKey(new SecretKey(tenant, secretId), number))).map(SealedValue::copy);
    }

    @Override
    public synchronized Aliases aliases(String tenant, String secretId) {
        return aliases.getOrDefault(new SecretKey(tenant, secretId), Aliases.none());
    }

    @Override
    public synchronized AliasMove moveAlias(String tenant, String secretId, String alias, int target, OptionalInt expected,
            Instant now, BeforeCommit<AliasMove> hook) {
        StoreRules.requireMovableAlias(alias, expected, now, hook);
        SecretKey key = new SecretKey(tenant, secretId);
        Secret stored = require(key);
        StoreRules.requireAliasTarget(stored.path(), alias, target, versions.get(new VersionKey(key, target)));
        Aliases before = aliases(tenant, secretId);
        StoreRules.requireAliasAt(stored.path(), alias, before.get(alias), expected);
        Undo undo = new Undo();
        AliasMove move;
        if (before.pointsAt(alias, target)) {
            move = new AliasMove(alias, before.get(alias), target, before); // nothing moves, nothing rotated
        } else if (Aliases.CURRENT.equals(alias)) {
            move = moveCurrent(undo, key, stored, target, now);
        } else {
            Aliases after = with(before, alias, target);
            undo.put(aliases, key, after);
            move = new AliasMove(alias, before.get(alias), target, after);
        }
        return undo.commit(move, hook, outbox);
    }

    @Override
    public synchronized AliasRemoval removeAlias(String tenant, String secretId, String alias, OptionalInt expected,
            BeforeCommit<AliasRemoval> hook) {
        StoreRules.requireRemovableAlias(alias, expected, hook);
        SecretKey key = new SecretKey(tenant, secretId);
        Secret stored = require(key);
        Aliases before = aliases(tenant, secretId);
        int from = StoreRules.requireRemovable(stored.path(), alias, before.get(alias), expected);
        Aliases after = without(before, alias);
        Undo undo = new Undo();
        undo.put(aliases, key, after);
        return undo.commit(new AliasRemoval(alias, from, after), hook, outbox);
    }

    @Override
    public synchronized VersionRecord transitionVersion(String tenant, String secretId, int number, VersionState from,
            VersionState to, BeforeCommit<VersionRecord> hook) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(hook, "hook");
        SecretKey key = new SecretKey(tenant, secretId);
        Secret stored = require(key);
        VersionKey version = new VersionKey(key, number);
        VersionRecord record = versions.get(version);
        StoreRules.requireTransition(stored.path(), aliases(tenant, secretId), number, record, from, to);
        VersionRecord changed = record.withState(to);
        Undo undo = new Undo();
        undo.put(versions, version, changed);
        if (to == VersionState.DESTROYED) {
            undo.remove(values, version);
        }
        return undo.commit(changed, hook, outbox);
    }

    @Override
    public synchronized boolean rewrapVersion(String tenant, String secretId, int number, SealedValue rewrapped) {
        Objects.requireNonNull(rewrapped, "rewrapped");
        SecretKey key = new SecretKey(tenant, secretId);
        Secret stored = require(key);
        VersionKey version = new VersionKey(key, number);
        VersionRecord record = versions.get(version);
        if (record == null) {
            throw StoreRules.versionNotFound(stored.path(), number);
        }
        SealedValue old = values.get(version);
        if (old == null) {
            return false;
        }
        if (!Arrays.equals(old.ciphertext(), rewrapped.ciphertext())) {
            throw new ConflictException(ErrorCode.STATE_CONFLICT, "rewrap of version " + number + " of " + stored.path()
                    + " would change the value ciphertext; only the wrapped key may change");
        }
        values.put(version, rewrapped.copy());
        versions.put(version, new VersionRecord(number, record.state(), record.createdBy(), record.createdAt(),
                record.expiresAt(), rewrapped.keyId()));
        return true;
    }

    // Points 'current' at number: the old current becomes 'previous', a 'next' on number is
    // promoted away, and the secret is stamped rotated.
    private AliasMove moveCurrent(Undo undo, SecretKey key, Secret stored, int number, Instant now) {
        Aliases before = aliases.getOrDefault(key, Aliases.none());
        OptionalInt old = before.get(Aliases.CURRENT);
        Aliases after = with(before, Aliases.CURRENT, number);
        if (old.isPresent() && old.getAsInt() != number) {
            after = with(after, Aliases.PREVIOUS, old.getAsInt());
        }
        boolean nextCleared = before.pointsAt(Aliases.NEXT, number);
        if (nextCleared) {
            after = without(after, Aliases.NEXT);
        }
        undo.put(aliases, key, after);
        undo.put(secrets, key, stored.withLastRotatedAt(now));
        return new AliasMove(Aliases.CURRENT, old, number, after, nextCleared);
    }

    private static Aliases with(Aliases aliases, String name, int number) {
        Map<String, Integer> byName = new TreeMap<>(aliases.byName());
        byName.put(name, number);
        return new Aliases(byName);
    }

    private static Aliases without(Aliases aliases, String name) {
        Map<String, Integer> byName = new TreeMap<>(aliases.byName());
        byName.remove(name);
        return new Aliases(byName);
    }

    private static boolean isAfter(SecretPath path, String[] position) {
        int byEnvironment = path.environment().compareTo(position[0]);
        return byEnvironment > 0 || byEnvironment == 0 && path.path().compareTo(position[1]) > 0;
    }

    private Secret require(SecretKey key) {
        Secret stored = key.id() == null ? null : secrets.get(key);
        if (stored == null) {
            throw StoreRules.secretNotFound(key.tenant(), key.id());
        }
        return stored;
    }

    /** A secret's key: ids are unique per tenant only. */
    private record SecretKey(String tenant, String id) {}

    /** A version's key. */
    private record VersionKey(SecretKey secret, int number) {}
}
