package com.example.redisstore;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventCodec;
import dev.coffer.spi.store.AuditOutbox;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * The {@link AuditOutbox} of a {@link RedisKeyspace}, shared by its secret and policy stores: a
 * list of event ids in commit order ({@code <prefix>outbox:order}) and a hash from id to the
 * event's {@link AuditEventCodec} bytes ({@code <prefix>outbox:events}). A change appends its
 * events with {@code RPUSH} and {@code HSET} inside its own {@code MULTI}/{@code EXEC}, so they
 * exist exactly when the change does, and {@code EXEC}s run one after another, so the list is in
 * commit order.
 *
 * <p>Why not a sorted set: its score would need a sequence number taken inside the transaction,
 * and a counter every change reads and watches would make all writers conflict. Why not a Redis
 * Stream: {@code XADD} inside {@code MULTI} orders entries well, but a stream entry is addressed by
 * the id Redis gives it at {@code EXEC}, while the kernel acknowledges by event id; finding the
 * entry would take a scan or a second, non-atomic write. A list plus a hash keeps both: order and
 * direct access by event id. {@code acknowledge} removes an id from the list with
 * {@code LREM count 1}, which stops at the first match; acknowledged events are the oldest, at the
 * head, so that stays short.
 */
public final class RedisAuditOutbox implements AuditOutbox {
    private final RedisKeyspace redis;
    private final byte[] order;
    private final byte[] events;

    RedisAuditOutbox(RedisKeyspace redis) {
        this.redis = redis;
        this.order = redis.key("outbox:order");
        this.events = redis.key("outbox:events");
    }

    @Override
    public List<AuditEvent> pending(int max) {
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException("max must be 1 to " + MAX_BATCH + ", not " + max);
        }
        return redis.read("AuditOutbox.pending", jedis -> {
            List<byte[]> ids = jedis.lrange(order, 0, max - 1L);
            if (ids.isEmpty()) {
                return List.of();
            }
            List<byte[]> encoded = jedis.hmget(events, ids.toArray(new byte[0][]));
            List<AuditEvent> oldest = new ArrayList<>(ids.size());
            for (byte[] bytes : encoded) {
                if (bytes != null) { // acknowledged between the two reads
                    oldest.add(AuditEventCodec.decode(bytes));
                }
            }
            return List.copyOf(oldest);
        });
    }

    @Override
    public void acknowledge(Collection<String> eventIds) {
        Objects.requireNonNull(eventIds, "eventIds");
        List<byte[]> ids = new ArrayList<>();
        for (String id : eventIds) {
            if (id != null) {
                ids.add(RedisKeyspace.bytes(id));
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        redis.read("AuditOutbox.acknowledge", jedis -> {
            Transaction tx = jedis.multi();
            for (byte[] id : ids) {
                tx.hdel(events, id);
                tx.lrem(order, 1, id);
            }
            tx.exec();
            return null;
        });
    }

    /**
     * The checks a change's events pass before they are queued: a list, of drafts, each id once and
     * none already waiting. Throws before {@code MULTI}, so a refused list leaves the change undone.
     */
    void checkDrafts(List<AuditEvent> drafts, Jedis jedis) {
        Objects.requireNonNull(drafts, "a BeforeCommit hook returned null instead of a list of events");
        if (drafts.isEmpty()) {
            return;
        }
        Set<String> ids = new HashSet<>();
        List<byte[]> fields = new ArrayList<>(drafts.size());
        for (AuditEvent event : drafts) {
            Objects.requireNonNull(event, "a BeforeCommit hook returned a null event");
            if (!event.isDraft()) {
                throw new IllegalArgumentException("a BeforeCommit hook returned event " + event.seq() + ", which is already chained");
            }
            if (!ids.add(event.id())) {
                throw new IllegalArgumentException("a BeforeCommit hook returned audit event " + event.id() + " twice");
            }
            fields.add(RedisKeyspace.bytes(event.id()));
        }
        List<byte[]> waiting = jedis.hmget(events, fields.toArray(new byte[0][]));
        for (int i = 0; i < waiting.size(); i++) {
            if (waiting.get(i) != null) {
                throw new IllegalArgumentException("audit event " + RedisKeyspace.text(fields.get(i))
                        + " is already waiting in the outbox");
            }
        }
    }

    /** Queues the events of a committing change, in order, inside its {@code MULTI}. */
    void queue(Transaction tx, List<AuditEvent> drafts) {
        for (AuditEvent event : drafts) {
            byte[] id = RedisKeyspace.bytes(event.id());
            tx.hset(events, id, AuditEventCodec.encode(event));
            tx.rpush(order, id);
        }
    }
}
