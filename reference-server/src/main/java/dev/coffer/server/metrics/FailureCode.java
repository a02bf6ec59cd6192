package dev.coffer.server.metrics;

import dev.coffer.spi.error.SecretsException;

/** The tag value for a failure: its {@code ErrorCode} (a closed set), or {@code INTERNAL_ERROR} for anything else. */
final class FailureCode {
    static final String TAG = "code";
    /** The {@code code} tag of successes, so that every series of a name has the same tag keys (Prometheus wants that). */
    static final String NONE = "none";

    private FailureCode() {}

    static String of(RuntimeException e) {
        return e instanceof SecretsException s ? s.code().name() : "INTERNAL_ERROR";
    }
}
