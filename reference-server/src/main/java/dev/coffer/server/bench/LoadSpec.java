package dev.coffer.server.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One load window: which server, which secrets, which token, how many connections, how long.
 *
 * @param base the server, {@code http://127.0.0.1:<port>}
 * @param secrets 1: every request reads the first secret; more: each request reads one of the first
 *     {@code secrets}, picked at random
 * @param tokenFile the file holding the bearer token, or null for requests without one (the 401 floor)
 * @param connections how many connections, each with one request in flight
 * @param duration how long
 */
public record LoadSpec(URI base, int secrets, Path tokenFile, int connections, Duration duration) {
    /** The status every request must get: 200 with a token, 401 without. */
    public int expectedStatus() {
        return tokenFile == null ? 401 : 200;
    }

    /** The same window with another duration (the warm-up). */
    public LoadSpec lasting(Duration other) {
        return new LoadSpec(base, secrets, tokenFile, connections, other);
    }
}
