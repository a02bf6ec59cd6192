package com.example.redisstore;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.store.BeforeCommit;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * One Coffer's keys in Redis: a connection pool and the prefix every key starts with, shared by
 * the {@link RedisSecretStore}, the {@link RedisPolicyStore} and their common
 * {@link RedisAuditOutbox}. Every change goes through {@link #commit}, one optimistic transaction:
 * {@code WATCH} the keys the change reads, read them, check, build the writes, run the
 * {@link BeforeCommit} hook, then {@code MULTI}, the writes and the hook's events into the outbox,
 * {@code EXEC}. An {@code EXEC} that returns nothing (a watched key changed in between) discards
 * that try, events included, and the change runs again from the {@code WATCH}.
 *
 * <p>In a Redis Cluster every key of one keyspace must live in one hash slot (a transaction
 * cannot span slots): give the prefix a hash tag, such as {@code "{coffer}:"}.
 *
 * <pre>{@code
 * RedisKeyspace redis = RedisKeyspace.connect("redis://127.0.0.1:6379", "{coffer}:");
 * SecretStore secrets = new RedisSecretStore(redis);
 * PolicyStore policies = new RedisPolicyStore(redis);   // policies.auditOutbox() == secrets.auditOutbox()
 * }</pre>
 */
public final class RedisKeyspace implements AutoCloseable {
    /** How often a change is tried before it gives up as {@code STORE_UNAVAILABLE}. */
    public static final int MAX_TRIES = 50;

    private final JedisPool pool;
    private final String prefix;
    private final RedisAuditOutbox outbox;

    /**
     * A keyspace over {@code pool}, which it closes on {@link #close()}.
     *
     * @param prefix what every key starts with; at least one character
     */
    public RedisKeyspace(JedisPool pool, String prefix) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("the key prefix must not be empty");
        }
        this.outbox = new RedisAuditOutbox(this);
    }

    /** A keyspace with a pool of its own to the Redis at {@code url} ({@code redis://host:port[/db]}). */
    public static RedisKeyspace connect(String url, String prefix) {
        JedisPoolConfig config = new JedisPoolConfig();
        config.setMaxTotal(32);
        config.setMaxIdle(32);
        config.setJmxEnabled(false);
        // A hook may read through the same pool while its change holds a connection: waiting for a
        // free one is bounded, so an exhausted pool fails as STORE_UNAVAILABLE instead of hanging.
        config.setMaxWait(java.time.Duration.ofSeconds(10));
        return new RedisKeyspace(new JedisPool(config, URI.create(url)), prefix);
    }

    /** The key prefix. */
    public String prefix() {
        return prefix;
    }

    /** The outbox both stores write their events into. */
    public RedisAuditOutbox outbox() {
        return outbox;
    }

    /** Closes the pool. The keys stay: they are the data. */
    @Override
    public void close() {
        pool.close();
    }

    /**
     * Deletes every key of this keyspace ({@code SCAN} for the prefix, {@code UNLINK}): for tests,
     * which give each run a fresh prefix, and for tearing an installation down. Not atomic.
     */
    public void deleteAllKeys() {
        read(redis -> {
            byte[] pattern = bytes(globEscaped(prefix) + "*");
            ScanParams params = new ScanParams().match(pattern).count(500);
            byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            boolean complete;
            do {
                ScanResult<byte[]> page = redis.scan(cursor, params);
                List<byte[]> keys = page.getResult();
                if (!keys.isEmpty()) {
                    redis.unlink(keys.toArray(new byte[0][]));
                }
                cursor = page.getCursorAsBytes();
                complete = page.isCompleteIteration();
            } while (!complete);
            return null;
        });
    }

    /** The key {@code prefix + parts...}, as bytes. */
    byte[] key(String... parts) {
        StringBuilder key = new StringBuilder(prefix);
        for (String part : parts) {
            key.append(part);
        }
        return bytes(key.toString());
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // ---- transactions -------------------------------------------------------------------------

    /** Reads (and may WATCH) under a connection, checks, and plans the writes of one try. */
    @FunctionalInterface
    interface Plan<T> {
        /**
         * Runs after nothing but a fresh connection: {@code WATCH} what the change depends on, read
         * it, check the rules (throwing their errors), and return the change.
         */
        Change<T> make(Jedis redis);
    }

    /** Writes queued inside {@code MULTI}. */
    @FunctionalInterface
    interface Writes {
        void queue(Transaction tx);
    }

    /**
     * The change one try makes.
     *
     * @param result what the hook sees and the call returns
     * @param writes the commands to queue between {@code MULTI} and {@code EXEC}
     */
    record Change<T>(T result, Writes writes) {
        static <T> Change<T> of(T result, Writes writes) {
            return new Change<>(result, writes);
        }
    }

    /**
     * Runs one change as an optimistic transaction, retried while another writer changes a watched
     * key first: {@code plan} (WATCH, read, check), {@code hook.prepare} on the result, then
     * {@code MULTI}, the planned writes, the hook's events into the outbox, {@code EXEC}. A plan or
     * hook that throws ends the call with its exception, unchanged, after {@code UNWATCH}; only the
     * try that commits keeps its events.
     *
     * @throws UnavailableException {@code STORE_UNAVAILABLE} when Redis fails, or after
     *         {@link #MAX_TRIES} tries each lost to a concurrent change
     */
    <T> T commit(String operation, BeforeCommit<T> hook, Plan<T> plan) {
        Objects.requireNonNull(hook, "hook");
        for (int attempt = 1; attempt <= MAX_TRIES; attempt++) {
            Jedis redis = connection(operation);
            try (redis) {
                Change<T> change;
                try {
                    change = plan.make(redis);
                } catch (JedisException failure) {
                    throw unavailable(operation, failure);
                } catch (Throwable refused) {
                    unwatchQuietly(redis);
                    throw refused;
                }
                List<AuditEvent> events;
                try {
                    events = hook.prepare(change.result());
                } catch (Throwable refused) {
                    // The hook's own exception, unchanged: nothing was written, the try ends here.
                    unwatchQuietly(redis);
                    throw refused;
                }
                try {
                    outbox.checkDrafts(events, redis);
                } catch (JedisException failure) {
                    throw unavailable(operation, failure);
                } catch (Throwable refused) {
                    unwatchQuietly(redis);
                    throw refused;
                }
                if (exec(operation, redis, change.writes(), events)) {
                    return change.result();
                }
            }
            pause(attempt);
        }
        throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE, operation + " gave up after " + MAX_TRIES
                + " tries, each lost to a concurrent change of the same keys");
    }

    // MULTI, the change, the events, EXEC: true if it committed, false if a watched key had changed.
    private boolean exec(String operation, Jedis redis, Writes writes, List<AuditEvent> events) {
        try {
            Transaction tx = redis.multi();
            writes.queue(tx);
            outbox.queue(tx, events);
            List<Object> replies = tx.exec();
            if (replies == null) {
                return false;
            }
            for (Object reply : replies) {
                if (reply instanceof JedisException failed) {
                    // A command failed inside EXEC (e.g. a key of the wrong type): Redis has no rollback.
                    throw unavailable(operation, failed);
                }
            }
            return true;
        } catch (JedisException failure) {
            throw unavailable(operation, failure);
        }
    }

    /** A read (or a write that needs no transaction) under a pooled connection. */
    <T> T read(java.util.function.Function<Jedis, T> work) {
        return read("a Redis call", work);
    }

    <T> T read(String operation, java.util.function.Function<Jedis, T> work) {
        try (Jedis redis = connection(operation)) {
            return work.apply(redis);
        } catch (JedisException failure) {
            throw unavailable(operation, failure);
        }
    }

    private Jedis connection(String operation) {
        try {
            return pool.getResource();
        } catch (JedisException failure) {
            throw unavailable(operation, failure);
        }
    }

    private static void unwatchQuietly(Jedis redis) {
        try {
            redis.unwatch();
        } catch (JedisException ignored) {
            // the connection is broken; the pool drops it and its watches with it
        }
    }

    // Jittered backoff: a lost race is retried after 0..2^attempt ms, at most 20 ms.
    private static void pause(int attempt) {
        long maxMillis = Math.min(20, 1L << Math.min(attempt, 5));
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxMillis * 1_000_000L + 1));
    }

    /** The error for a failure of Redis; names the operation and the failure's type, never a value. */
    static UnavailableException unavailable(String operation, JedisException failure) {
        return new UnavailableException(ErrorCode.STORE_UNAVAILABLE,
                "Redis failed during " + operation + " (" + failure.getClass().getSimpleName() + ")", failure);
    }

    private static String globEscaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
