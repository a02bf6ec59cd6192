package com.example.redisstore;

import com.example.redisstore.RedisKeyspace.Change;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * A {@link SecretStore} over Redis, which has no SQL transactions: every change is one optimistic
 * transaction ({@code WATCH}, read, check, hook, {@code MULTI} … {@code EXEC}, retried when a
 * watched key changed; see {@link RedisKeyspace#commit}), and the events its hook returns are
 * written into the {@link RedisAuditOutbox} inside the same {@code EXEC}.
 *
 * <p>Keys, after the keyspace's prefix ({@code t} a tenant, {@code id} a secret id):
 * <ul>
 *   <li>{@code secret:t:id} — the metadata ({@link Encoding});</li>
 *   <li>{@code versions:t:id} — hash, number → version record;</li>
 *   <li>{@code sealed:t:id} — hash, number → sealed value (ciphertext, wrapped key, key id);</li>
 *   <li>{@code aliases:t:id} — hash, alias name → number;</li>
 *   <li>{@code numbers:t:id} — the highest version number this id was ever given; the counter the
 *       next number comes from, and kept when the secret is deleted, so a secret created again
 *       under the same id never reuses a number, whichever server instance allocates it;</li>
 *   <li>{@code path:t:env/path} — the id at a path: uniqueness per tenant;</li>
 *   <li>{@code listing:t} — sorted set of {@link ListingPosition} members, the listing order.</li>
 * </ul>
 * A change of a secret watches all five keys of that secret (and its path key when it creates or
 * deletes one), so two changes of one secret never interleave: the second one's {@code EXEC}
 * fails and it runs again on what the first committed. Tenants are validated before they go into
 * a key (the rule keeps {@code :} out of them), and ids come last, so no two secrets share a key.
 */
public final class RedisSecretStore implements SecretStore {
    private static final Pattern TENANT = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final byte[] LEX_MIN = {'-'};
    private static final byte[] LEX_MAX = {'+'};

    private final RedisKeyspace redis;

    /** A store in {@code redis}'s keyspace, writing its events into {@code redis.outbox()}. */
    public RedisSecretStore(RedisKeyspace redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
    }

    @Override
    public AuditOutbox auditOutbox() {
        return redis.outbox();
    }

    // ---- secrets ---------------------------------------------------------------------------

    @Override
    public Secret createSecret(Secret secret, BeforeCommit<Secret> hook) {
        Objects.requireNonNull(secret, "secret");
        SecretPath path = secret.path();
        Keys k = keys(path.tenant(), secret.id());
        byte[] pathKey = pathKey(path);
        byte[] listing = listingKey(path.tenant());
        return redis.commit("createSecret", hook, jedis -> {
            jedis.watch(pathKey, k.secret);
            if (jedis.exists(pathKey)) {
                throw new ConflictException(ErrorCode.SECRET_EXISTS, "a secret already exists at " + path);
            }
            if (jedis.exists(k.secret)) {
                throw new ConflictException(ErrorCode.SECRET_EXISTS,
                        "a secret with id '" + Rules.printable(secret.id()) + "' already exists");
            }
            return Change.of(secret, tx -> {
                tx.set(k.secret, Encoding.secret(secret));
                tx.set(pathKey, RedisKeyspace.bytes(secret.id()));
                tx.zadd(listing, 0, ListingPosition.of(path).member());
            });
        });
    }

    @Override
    public Optional<Secret> findSecret(String tenant, String secretId) {
        if (!validTenant(tenant) || secretId == null) {
            return Optional.empty();
        }
        Keys k = keys(tenant, secretId);
        return redis.read("findSecret", jedis -> Optional.ofNullable(jedis.get(k.secret)).map(Encoding::secret));
    }

    @Override
    public Optional<Secret> findSecretByPath(SecretPath path) {
        Objects.requireNonNull(path, "path");
        return redis.read("findSecretByPath", jedis -> {
            byte[] id = jedis.get(pathKey(path));
            if (id == null) {
                return Optional.<Secret>empty();
            }
            byte[] stored = jedis.get(keys(path.tenant(), RedisKeyspace.text(id)).secret);
            // Deleted between the two reads, or the path taken again: only the secret at the path counts.
            return Optional.ofNullable(stored).map(Encoding::secret).filter(s -> s.path().equals(path));
        });
    }

    @Override
    public Secret updateSecret(Secret secret, BeforeCommit<Secret> hook) {
        Objects.requireNonNull(secret, "secret");
        String tenant = secret.path().tenant();
        Keys k = keys(tenant, secret.id());
        return redis.commit("updateSecret", hook, jedis -> {
            Secret stored = requireSecret(jedis, tenant, secret.id(), k);
            if (!stored.path().equals(secret.path())) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "the path of secret '"
                        + Rules.printable(secret.id()) + "' is " + stored.path() + " and cannot change to " + secret.path());
            }
            Secret updated = Rules.keepStoreOwned(stored, secret);
            return Change.of(updated, tx -> tx.set(k.secret, Encoding.secret(updated)));
        });
    }

    @Override
    public Secret updateSecret(String tenant, String secretId, UnaryOperator<Secret> change, BeforeCommit<Secret> hook) {
        Objects.requireNonNull(change, "change");
        return redis.commit("updateSecret", hook, jedis -> {
            Keys k = requireKeys(tenant, secretId);
            Secret stored = requireSecret(jedis, tenant, secretId, k);
            // Called again on every try: it always sees the metadata the commit will replace.
            Secret changed = Objects.requireNonNull(change.apply(stored), "changed secret");
            if (!changed.id().equals(secretId) || !changed.path().equals(stored.path())) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "the id and path of secret '"
                        + Rules.printable(secretId) + "' cannot change in an update");
            }
            Secret updated = Rules.keepStoreOwned(stored, changed);
            return Change.of(updated, tx -> tx.set(k.secret, Encoding.secret(updated)));
        });
    }

    @Override
    public Page<Secret> listSecrets(String tenant, SecretFilter filter, PageRequest page) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(page, "page");
        ListingPosition after = page.pageToken() == null ? null : ListingPosition.ofToken(page.pageToken());
        if (!validTenant(tenant)) {
            return new Page<>(List.of(), null);
        }
        // The filter's environment (and path prefix) bound the range; a prefix without environment is
        // checked member by member, since it may match in every environment.
        byte[] min = LEX_MIN;
        byte[] max = LEX_MAX;
        if (filter.environment() != null) {
            min = inclusive(ListingPosition.start(filter.environment(), filter.pathPrefix()));
            max = exclusive(ListingPosition.end(filter.environment(), filter.pathPrefix()));
        }
        if (after != null && (min == LEX_MIN || Arrays.compareUnsigned(after.member(), Arrays.copyOfRange(min, 1, min.length)) >= 0)) {
            min = exclusive(after.member());
        }
        byte[] listing = listingKey(tenant);
        int want = page.limit() + 1;
        int batch = Math.min(Math.max(want, 50), 1000);
        byte[] from = min;
        byte[] to = max;
        List<Secret> found = redis.read("listSecrets", jedis -> {
            List<Secret> items = new ArrayList<>(want);
            byte[] cursor = from;
            while (items.size() < want) {
                List<byte[]> members = jedis.zrangeByLex(listing, cursor, to, 0, batch);
                List<SecretPath> matching = new ArrayList<>(members.size());
                for (byte[] member : members) {
                    ListingPosition position = ListingPosition.ofMember(member);
                    SecretPath path = SecretPath.of(tenant, position.environment(), position.path());
                    if (filter.matches(path)) {
                        matching.add(path);
                    }
                }
                items.addAll(resolve(jedis, matching));
                if (members.size() < batch) {
                    break;
                }
                cursor = exclusive(members.get(members.size() - 1));
            }
            return items;
        });
        if (found.size() <= page.limit()) {
            return new Page<>(found, null);
        }
        List<Secret> items = found.subList(0, page.limit());
        return new Page<>(items, ListingPosition.of(items.get(items.size() - 1).path()).token());
    }

    // The secrets at these paths, in the same order; a path deleted since the range read is left out.
    private List<Secret> resolve(Jedis jedis, List<SecretPath> paths) {
        if (paths.isEmpty()) {
            return List.of();
        }
        List<byte[]> ids = jedis.mget(paths.stream().map(this::pathKey).toArray(byte[][]::new));
        List<byte[]> secretKeys = new ArrayList<>();
        List<SecretPath> live = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            if (ids.get(i) != null) {
                secretKeys.add(keys(paths.get(i).tenant(), RedisKeyspace.text(ids.get(i))).secret);
                live.add(paths.get(i));
            }
        }
        if (secretKeys.isEmpty()) {
            return List.of();
        }
        List<byte[]> stored = jedis.mget(secretKeys.toArray(new byte[0][]));
        List<Secret> secrets = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            if (stored.get(i) != null) {
                Secret s = Encoding.secret(stored.get(i));
                if (s.path().equals(live.get(i))) {
                    secrets.add(s);
                }
            }
        }
        return secrets;
    }

    @Override
    public void deleteSecret(String tenant, String secretId, BeforeCommit<Secret> hook) {
        redis.commit("deleteSecret", hook, jedis -> {
            Keys k = requireKeys(tenant, secretId);
            Secret stored = requireSecret(jedis, tenant, secretId, k);
            byte[] pathKey = pathKey(stored.path());
            jedis.watch(pathKey);
            return Change.of(stored, tx -> {
                // numbers:t:id stays: the numbers this id used are never handed out again.
                tx.del(k.secret, k.versions, k.sealed, k.aliases, pathKey);
                tx.zrem(listingKey(tenant), ListingPosition.of(stored.path()).member());
            });
        });
    }

    // ---- versions ---------------------------------------------------------------------------

    @Override
    public VersionRecord addVersion(String tenant, String secretId, VersionSealer sealer, String createdBy, Instant now,
            Instant expiresAt, boolean makeCurrent, BeforeCommit<AddedVersion> hook) {
        Objects.requireNonNull(sealer, "sealer");
        Objects.requireNonNull(now, "now");
        AddedVersion added = redis.commit("addVersion", hook, jedis -> {
            Keys k = requireKeys(tenant, secretId);
            Secret stored = requireSecret(jedis, tenant, secretId, k);
            byte[] used = jedis.get(k.numbers);
            int number = (used == null ? 0 : Integer.parseInt(RedisKeyspace.text(used))) + 1;
            // Sealed on every try with the number that try would commit; a lost try stores nothing.
            SealedValue sealed = Objects.requireNonNull(sealer.seal(number), "sealer returned null");
            VersionRecord record = new VersionRecord(number, VersionState.ENABLED, createdBy, now, expiresAt, sealed.keyId());
            Optional<AliasMove> move = Optional.empty();
            CurrentMove current = null;
            if (makeCurrent) {
                current = CurrentMove.of(readAliases(jedis, k), stored, number, now);
                move = Optional.of(current.move());
            }
            CurrentMove writeCurrent = current;
            return Change.of(new AddedVersion(record, move), tx -> {
                tx.set(k.numbers, RedisKeyspace.bytes(Integer.toString(number)));
                tx.hset(k.versions, field(number), Encoding.version(record));
                tx.hset(k.sealed, field(number), Encoding.sealed(sealed));
                if (writeCurrent != null) {
                    writeCurrent.queue(tx, k);
                }
            });
        });
        return added.record();
    }

    @Override
    public List<VersionRecord> listVersions(String tenant, String secretId) {
        if (!validTenant(tenant) || secretId == null) {
            return List.of();
        }
        Keys k = keys(tenant, secretId);
        return redis.read("listVersions", jedis -> jedis.hvals(k.versions).stream()
                .map(Encoding::version)
                .sorted(Comparator.comparingInt(VersionRecord::number))
                .toList());
    }

    @Override
    public Optional<VersionRecord> findVersion(String tenant, String secretId, int number) {
        if (!validTenant(tenant) || secretId == null) {
            return Optional.empty();
        }
        Keys k = keys(tenant, secretId);
        return redis.read("findVersion", jedis -> Optional.ofNullable(jedis.hget(k.versions, field(number))).map(Encoding::version));
    }

    @Override
    public Optional<SealedValue> loadSealedValue(String tenant, String secretId, int number) {
        if (!validTenant(tenant) || secretId == null) {
            return Optional.empty();
        }
        Keys k = keys(tenant, secretId);
        return redis.read("loadSealedValue", jedis -> Optional.ofNullable(jedis.hget(k.sealed, field(number))).map(Encoding::sealed));
    }

    @Override
    public Aliases aliases(String tenant, String secretId) {
        if (!validTenant(tenant) || secretId == null) {
            return Aliases.none();
        }
        Keys k = keys(tenant, secretId);
        return redis.read("aliases", jedis -> readAliases(jedis, k));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checks run in the SPI's order: alias name, secret, target exists, target enabled, then
     * the compare-and-set. A move onto where the alias already points writes nothing but its events.
     */
    @Override
    public AliasMove moveAlias(String tenant, String secretId, String alias, int target, OptionalInt expected, Instant now,
            BeforeCommit<AliasMove> hook) {
        Rules.requireMovable(alias);
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(hook, "hook");
        return redis.commit("moveAlias", hook, jedis -> {
            Keys k = requireKeys(tenant, secretId);
            Secret stored = requireSecret(jedis, tenant, secretId, k);
            SecretPath path = stored.path();
            byte[] record = jedis.hget(k.versions, field(target));
            Rules.requireTarget(path, alias, target, record == null ? null : Encoding.version(record));
            Aliases before = readAliases(jedis, k);
            OptionalInt from = before.get(alias);
            Rules.requireAt(path, alias, from, expected);
            if (before.pointsAt(alias, target)) {
                // Nothing moves and nothing rotated; the hook still records the attempt.
                return Change.of(new AliasMove(alias, from, target, before), tx -> { });
            }
            if (Aliases.CURRENT.equals(alias)) {
                CurrentMove current = CurrentMove.of(before, stored, target, now);
                return Change.of(current.move(), tx -> current.queue(tx, k));
            }
            Aliases after = with(before, alias, target);
            return Change.of(new AliasMove(alias, from, target, after),
                    tx -> tx.hset(k.aliases, RedisKeyspace.bytes(alias), field(target)));
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checks run in the SPI's order: alias name, secret, alias set, then the compare-and-set
     * (the {@code WATCH} on the aliases key makes it hold until {@code EXEC}).
     */
    @Override
    public AliasRemoval removeAlias(String tenant, String secretId, String alias, OptionalInt expected,
            BeforeCommit<AliasRemoval> hook) {
        Rules.requireRemovable(alias);
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(hook, "hook");
        return redis.commit("removeAlias", hook, jedis -> {
            Keys k = requireKeys(tenant, secretId);
            Secret stored = requireSecret(jedis, tenant, secretId, k);
            Aliases before = readAliases(jedis, k);
            int from = Rules.requireSetAt(stored.path(), alias, before.get(alias), expected);
            return Change.of(new AliasRemoval(alias, from, without(before, alias)),
                    tx -> tx.hdel(k.aliases, RedisKeyspace.bytes(alias)));
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checks run in the SPI's order: secret, version, stored state equals {@code from}, allowed
     * pair, not current. {@code DESTROYED} deletes the sealed value in the same {@code EXEC}.
     */
    @Override
    public VersionRecord transitionVersion(String tenant, String secretId, int number, VersionState from, VersionState to,
            BeforeCommit<VersionRecord> hook) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        return redis.commit("transitionVersion", hook, jedis -> {
            Keys k = requireKeys(tenant, secretId);
            Secret stored = requireSecret(jedis, tenant, secretId, k);
            byte[] bytes = jedis.hget(k.versions, field(number));
            VersionRecord record = bytes == null ? null : Encoding.version(bytes);
            Rules.requireTransition(stored.path(), readAliases(jedis, k), number, record, from, to);
            VersionRecord changed = record.withState(to);
            return Change.of(changed, tx -> {
                tx.hset(k.versions, field(number), Encoding.version(changed));
                if (to == VersionState.DESTROYED) {
                    tx.hdel(k.sealed, field(number));
                }
            });
        });
    }

    @Override
    public boolean rewrapVersion(String tenant, String secretId, int number, SealedValue rewrapped) {
        Objects.requireNonNull(rewrapped, "rewrapped");
        return redis.commit("rewrapVersion", BeforeCommit.none(), jedis -> {
            Keys k = requireKeys(tenant, secretId);
            Secret stored = requireSecret(jedis, tenant, secretId, k);
            byte[] bytes = jedis.hget(k.versions, field(number));
            if (bytes == null) {
                throw Rules.versionNotFound(stored.path(), number);
            }
            byte[] old = jedis.hget(k.sealed, field(number));
            if (old == null) {
                return Change.of(false, tx -> { }); // destroyed: nothing to rewrap
            }
            if (!Arrays.equals(Encoding.sealed(old).ciphertext(), rewrapped.ciphertext())) {
                throw new ConflictException(ErrorCode.STATE_CONFLICT, "rewrap of version " + number + " of " + stored.path()
                        + " would change the value ciphertext; only the wrapped key may change");
            }
            VersionRecord record = Encoding.version(bytes);
            VersionRecord rekeyed = new VersionRecord(number, record.state(), record.createdBy(), record.createdAt(),
                    record.expiresAt(), rewrapped.keyId());
            return Change.of(true, tx -> {
                tx.hset(k.sealed, field(number), Encoding.sealed(rewrapped));
                tx.hset(k.versions, field(number), Encoding.version(rekeyed));
            });
        }).booleanValue();
    }

    // ---- helpers ----------------------------------------------------------------------------

    /**
     * A move of {@code current} onto {@code number}: the old current (if any, and another) becomes
     * {@code previous}, a {@code next} on {@code number} is removed in the same {@code EXEC} (a
     * promotion), and the secret is stamped rotated at {@code now}.
     */
    private record CurrentMove(AliasMove move, Secret rotated, OptionalInt previous) {
        static CurrentMove of(Aliases before, Secret stored, int number, Instant now) {
            OptionalInt old = before.get(Aliases.CURRENT);
            Aliases after = with(before, Aliases.CURRENT, number);
            OptionalInt previous = OptionalInt.empty();
            if (old.isPresent() && old.getAsInt() != number) {
                after = with(after, Aliases.PREVIOUS, old.getAsInt());
                previous = old;
            }
            boolean nextCleared = before.pointsAt(Aliases.NEXT, number);
            if (nextCleared) {
                after = without(after, Aliases.NEXT);
            }
            return new CurrentMove(new AliasMove(Aliases.CURRENT, old, number, after, nextCleared),
                    stored.withLastRotatedAt(now), previous);
        }

        void queue(Transaction tx, Keys k) {
            tx.hset(k.aliases, RedisKeyspace.bytes(Aliases.CURRENT), field(move.to()));
            if (previous.isPresent()) {
                tx.hset(k.aliases, RedisKeyspace.bytes(Aliases.PREVIOUS), field(previous.getAsInt()));
            }
            if (move.nextCleared()) {
                tx.hdel(k.aliases, RedisKeyspace.bytes(Aliases.NEXT));
            }
            tx.set(k.secret, Encoding.secret(rotated));
        }
    }

    /** The keys of one secret. */
    private record Keys(byte[] secret, byte[] versions, byte[] sealed, byte[] aliases, byte[] numbers) {
        byte[][] all() {
            return new byte[][] {secret, versions, sealed, aliases, numbers};
        }
    }

    private Keys keys(String tenant, String id) {
        String suffix = tenant + ":" + id;
        return new Keys(redis.key("secret:", suffix), redis.key("versions:", suffix), redis.key("sealed:", suffix),
                redis.key("aliases:", suffix), redis.key("numbers:", suffix));
    }

    // The keys of a secret a change names, or SECRET_NOT_FOUND for a tenant or id that cannot exist.
    private Keys requireKeys(String tenant, String secretId) {
        if (!validTenant(tenant) || secretId == null) {
            throw Rules.secretNotFound(tenant, secretId);
        }
        return keys(tenant, secretId);
    }

    // WATCHes every key of the secret, then reads its metadata: SECRET_NOT_FOUND if there is none.
    private static Secret requireSecret(Jedis jedis, String tenant, String secretId, Keys k) {
        jedis.watch(k.all());
        byte[] stored = jedis.get(k.secret);
        if (stored == null) {
            throw Rules.secretNotFound(tenant, secretId);
        }
        return Encoding.secret(stored);
    }

    private byte[] pathKey(SecretPath path) {
        return redis.key("path:", path.tenant(), ":", path.qualifiedName());
    }

    private byte[] listingKey(String tenant) {
        return redis.key("listing:", tenant);
    }

    private static Aliases readAliases(Jedis jedis, Keys k) {
        Map<String, Integer> byName = new TreeMap<>();
        jedis.hgetAll(k.aliases).forEach((name, number) ->
                byName.put(RedisKeyspace.text(name), Integer.parseInt(RedisKeyspace.text(number))));
        return new Aliases(byName);
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

    private static byte[] field(int number) {
        return RedisKeyspace.bytes(Integer.toString(number));
    }

    private static boolean validTenant(String tenant) {
        return tenant != null && TENANT.matcher(tenant).matches();
    }

    private static byte[] inclusive(byte[] value) {
        return bound((byte) '[', value);
    }

    private static byte[] exclusive(byte[] value) {
        return bound((byte) '(', value);
    }

    private static byte[] bound(byte kind, byte[] value) {
        byte[] bound = new byte[value.length + 1];
        bound[0] = kind;
        System.arraycopy(value, 0, bound, 1, value.length);
        return bound;
    }
}
