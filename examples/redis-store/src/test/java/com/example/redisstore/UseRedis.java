package com.example.redisstore;

import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Runs a test class against the Redis at {@code 127.0.0.1:6379} ({@code COFFER_REDIS_URL}
 * overrides, e.g. {@code redis://10.0.0.5:6380/2}). When it does not answer {@code PING}, the
 * tests are skipped with a printed reason, unless {@code CI=true}, where that fails the build.
 * Every test gets a keyspace of its own ({@link #freshKeyspace()}: a random prefix), so tests never
 * see each other's keys; closing it deletes those keys and closes its pool.
 */
public final class UseRedis implements ExecutionCondition {
    /** Where the tests find Redis. */
    public static final String URL = System.getenv().getOrDefault("COFFER_REDIS_URL", "redis://127.0.0.1:6379");

    private static volatile String unreachable;
    private static volatile boolean probed;
    private static volatile boolean told;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!probed) {
            unreachable = unreachableBecause();
            probed = true;
        }
        if (unreachable == null) {
            return ConditionEvaluationResult.enabled("Redis answers at " + URL);
        }
        String reason = "Redis at " + URL + " is unreachable (" + unreachable + ")";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(reason + "; with CI=true the Redis tests must run");
        }
        if (!told) {
            told = true;
            System.out.println("[redis-store] skipping the Redis tests: " + reason
                    + ". Start Redis (redis-server --daemonize yes) to run them; with CI=true this is a failure.");
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    /** A keyspace with a fresh random prefix and a pool of its own. */
    public static TestKeyspace freshKeyspace() {
        String prefix = "{coffer-test-" + UUID.randomUUID() + "}:";
        return new TestKeyspace(RedisKeyspace.connect(URL, prefix));
    }

    private static String unreachableBecause() {
        try (Jedis jedis = new Jedis(URI.create(URL))) {
            String pong = jedis.ping();
            return "PONG".equals(pong) ? null : "PING answered " + pong;
        } catch (JedisException | IllegalArgumentException e) {
            return e.getClass().getSimpleName();
        }
    }

    /** A test's keyspace: {@link #close()} deletes its keys, then closes its pool. */
    public record TestKeyspace(RedisKeyspace keyspace) implements AutoCloseable {
        @Override
        public void close() {
            try {
                keyspace.deleteAllKeys();
            } finally {
                keyspace.close();
            }
        }
    }
}
