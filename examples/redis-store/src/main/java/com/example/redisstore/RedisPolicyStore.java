package com.example.redisstore;

import com.example.redisstore.RedisKeyspace.Change;
import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.PolicyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link PolicyStore} over Redis, in the same keyspace and with the same outbox as the
 * {@link RedisSecretStore}: {@link #auditOutbox()} is {@link RedisKeyspace#outbox()}, so one relay
 * drains the events of both. Every change is one optimistic transaction with its events, as in
 * the secret store ({@link RedisKeyspace#commit}).
 *
 * <p>Keys, after the prefix ({@code t} a tenant): {@code policies:t} — hash, name → policy;
 * {@code grants:t} — hash, grant id → grant; {@code grant-order:t} — list of grant ids in the order
 * they were granted. Tenants come last in a key, so any tenant string is safe in it.
 */
public final class RedisPolicyStore implements PolicyStore {
    private final RedisKeyspace redis;

    /** A store in {@code redis}'s keyspace, writing its events into {@code redis.outbox()}. */
    public RedisPolicyStore(RedisKeyspace redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
    }

    @Override
    public AuditOutbox auditOutbox() {
        return redis.outbox();
    }

    @Override
    public Policy put(String tenant, Policy policy, BeforeCommit<Policy> hook) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(policy, "policy");
        byte[] policies = policiesKey(tenant);
        // A put reads nothing, so there is nothing to watch: MULTI, the policy, its events, EXEC.
        return redis.commit("PolicyStore.put", hook,
                jedis -> Change.of(policy, tx -> tx.hset(policies, RedisKeyspace.bytes(policy.name()), Encoding.policy(policy))));
    }

    @Override
    public Optional<Policy> get(String tenant, String name) {
        if (tenant == null || name == null) {
            return Optional.empty();
        }
        return redis.read("PolicyStore.get", jedis ->
                Optional.ofNullable(jedis.hget(policiesKey(tenant), RedisKeyspace.bytes(name))).map(Encoding::policy));
    }

    @Override
    public List<Policy> list(String tenant) {
        if (tenant == null) {
            return List.of();
        }
        return redis.read("PolicyStore.list", jedis -> {
            Map<String, Policy> byName = new TreeMap<>();
            for (byte[] bytes : jedis.hvals(policiesKey(tenant))) {
                Policy policy = Encoding.policy(bytes);
                byName.put(policy.name(), policy);
            }
            return List.copyOf(byName.values());
        });
    }

    @Override
    public void delete(String tenant, String name, BeforeCommit<Policy> hook) {
        Objects.requireNonNull(hook, "hook");
        redis.commit("PolicyStore.delete", hook, jedis -> {
            if (tenant == null || name == null) {
                throw notFound(tenant, name);
            }
            byte[] policies = policiesKey(tenant);
            byte[] field = RedisKeyspace.bytes(name);
            jedis.watch(policies);
            byte[] stored = jedis.hget(policies, field);
            if (stored == null) {
                throw notFound(tenant, name);
            }
            return Change.of(Encoding.policy(stored), tx -> tx.hdel(policies, field));
        });
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if a grant with the same id is already recorded: grants
     *         are never silently replaced, since that could extend one
     */
    @Override
    public BreakGlassGrant addGrant(BreakGlassGrant grant, BeforeCommit<BreakGlassGrant> hook) {
        Objects.requireNonNull(grant, "grant");
        byte[] grants = grantsKey(grant.tenant());
        byte[] order = grantOrderKey(grant.tenant());
        byte[] id = RedisKeyspace.bytes(grant.id());
        return redis.commit("PolicyStore.addGrant", hook, jedis -> {
            jedis.watch(grants);
            if (jedis.hexists(grants, id)) {
                throw new IllegalArgumentException("break-glass grant '" + Rules.printable(grant.id()) + "' is already recorded");
            }
            return Change.of(grant, tx -> {
                tx.hset(grants, id, Encoding.grant(grant));
                tx.rpush(order, id);
            });
        });
    }

    @Override
    public List<BreakGlassGrant> activeGrants(String tenant, String principalId, Instant now) {
        Objects.requireNonNull(now, "now");
        if (tenant == null) {
            return List.of();
        }
        return redis.read("PolicyStore.activeGrants", jedis -> {
            List<byte[]> ids = jedis.lrange(grantOrderKey(tenant), 0, -1);
            if (ids.isEmpty()) {
                return List.<BreakGlassGrant>of();
            }
            List<BreakGlassGrant> active = new ArrayList<>();
            for (byte[] bytes : jedis.hmget(grantsKey(tenant), ids.toArray(new byte[0][]))) {
                if (bytes != null) {
                    BreakGlassGrant g = Encoding.grant(bytes);
                    if (g.principalId().equals(principalId) && g.activeAt(now)) {
                        active.add(g);
                    }
                }
            }
            return List.copyOf(active);
        });
    }

    private static NotFoundException notFound(String tenant, String name) {
        return new NotFoundException(ErrorCode.POLICY_NOT_FOUND,
                "no policy '" + Rules.printable(name) + "' in tenant '" + Rules.printable(tenant) + "'");
    }

    private byte[] policiesKey(String tenant) {
        return redis.key("policies:", tenant);
    }

    private byte[] grantsKey(String tenant) {
        return redis.key("grants:", tenant);
    }

    private byte[] grantOrderKey(String tenant) {
        return redis.key("grant-order:", tenant);
    }
}
