package dev.coffer.server.api;

/**
 * One readiness check: the store answers, the key service answers. Cheap, and side-effect free.
 */
public interface HealthCheck {
    /** Short name, e.g. {@code store}. */
    String name();

    /** Returns when healthy; throws (ideally a {@link dev.coffer.spi.error.SecretsException}) when not. */
    void check();
}
