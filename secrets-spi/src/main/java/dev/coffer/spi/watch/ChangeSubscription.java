package dev.coffer.spi.watch;

import java.time.Duration;

/**
 * An open watch (from {@link dev.coffer.spi.SecretManager#watch}): the changes in its scope that
 * its caller may see, in seq order, each once. Holds no more than a position; the changes come
 * from the durable audit log (and a bounded window of recent ones in memory), so a consumer that
 * polls slowly costs nothing but its own lag.
 *
 * <p>Visibility is decided at each poll with the caller's current policies: a change of a secret
 * the caller may no longer describe is skipped (the cursor moves past it).
 *
 * <p>Thread-safety: one consumer thread polls; {@link #close} may come from any thread and wakes
 * a waiting poll, which then returns an empty batch.
 */
public interface ChangeSubscription extends AutoCloseable {
    /** The most changes one poll returns. */
    int MAX_BATCH = 1000;

    /**
     * The next changes after {@link #cursor()}: returns as soon as there is at least one (or a
     * reset), or after {@code maxWait} with none.
     *
     * @param max at most this many changes, 1 to {@link #MAX_BATCH}
     * @param maxWait how long to wait for the first change; zero does not wait
     * @throws IllegalStateException if the subscription is closed
     * @throws dev.coffer.spi.error.UnavailableException {@code AUDIT_UNAVAILABLE} when the log
     *         cannot be read; the subscription stays open and the next poll tries again
     */
    ChangeBatch poll(int max, Duration maxWait) throws InterruptedException;

    /** The seq the next poll resumes after. */
    long cursor();

    /** The request this subscription was opened with. */
    WatchRequest request();

    /** Ends the subscription; idempotent. */
    @Override
    void close();
}
