package dev.coffer.server.standalone;

import dev.coffer.server.api.json.StrictJson;
import java.time.Duration;

/**
 * The bounds the standalone HTTP layer enforces before any resource runs.
 *
 * <pre>{@code
 * StandaloneServer.start(app, "127.0.0.1", 8480, HttpLimits.DEFAULTS);
 * }</pre>
 *
 * @param maxBodyBytes the largest request body; more is 413 before the resource runs
 * @param bodyReadTimeout how long a request body may take to arrive in full; slower (or truncated)
 *     bodies are 408. Bodies are read without holding a thread, so a slow client costs a
 *     connection, never a worker
 * @param idleTimeout how long a connection may stay silent (between requests, or mid-headers)
 * @param maxThreads the worker pool
 * @param reservedThreads workers that API requests may never all take: health checks, which skip
 *     the queue, always find one; API requests beyond {@code maxThreads - reservedThreads} wait
 *     (without a thread) for a turn
 */
public record HttpLimits(int maxBodyBytes, Duration bodyReadTimeout, Duration idleTimeout, int maxThreads,
        int reservedThreads) {
    /**
     * What a real client never hits: the largest legal body (a 64 KiB value JSON-escaped, up to
     * 6 bytes a byte, is under {@link StrictJson#MAX_BODY_BYTES}; base64 of it is ~88 KiB) on a
     * link of 50 KiB/s arrives in about 10 s, so 15 s is generous; idle connections are kept for
     * 30 s (Jetty's default, longer than common client pools' keep-alive); 200 workers (Jetty's
     * default) of which 32 are kept for health and fast paths.
     */
    public static final HttpLimits DEFAULTS = new HttpLimits(StrictJson.MAX_BODY_BYTES, Duration.ofSeconds(15),
            Duration.ofSeconds(30), 200, 32);

    /** Checks the bounds. */
    public HttpLimits {
        if (maxBodyBytes < 1 || bodyReadTimeout.isNegative() || bodyReadTimeout.isZero() || idleTimeout.isNegative()
                || idleTimeout.isZero() || reservedThreads < 1 || maxThreads <= reservedThreads + 8) {
            throw new IllegalArgumentException("HTTP limits out of range");
        }
    }

    /** A copy with another body read timeout (tests use short ones). */
    public HttpLimits withBodyReadTimeout(Duration timeout) {
        return new HttpLimits(maxBodyBytes, timeout, idleTimeout, maxThreads, reservedThreads);
    }

    /**
     * The defaults with a worker pool of {@code maxThreads}, of which a quarter, at most 32, are kept
     * for health checks (200 threads: 32 kept, 168 API requests at once; 32 threads: 8 kept, 24 API
     * requests at once). {@code coffer serve --http-threads} sets it.
     */
    public static HttpLimits forThreads(int maxThreads) {
        return DEFAULTS.withThreads(maxThreads, Math.max(1, Math.min(32, maxThreads / 4)));
    }

    /** A copy with another worker pool. */
    public HttpLimits withThreads(int max, int reserved) {
        return new HttpLimits(maxBodyBytes, bodyReadTimeout, idleTimeout, max, reserved);
    }

    /** How many API requests may run at once. */
    int concurrentApiRequests() {
        return maxThreads - reservedThreads;
    }
}
