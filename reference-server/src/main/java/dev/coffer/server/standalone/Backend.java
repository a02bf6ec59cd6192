package dev.coffer.server.standalone;

import dev.coffer.server.api.HealthCheck;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.store.PolicyStore;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.spi.store.SecretStore;
import java.util.List;
import java.util.Optional;

/**
 * The SPI parts the kernel runs on, and how to tell they are healthy. {@link Backends} opens the
 * durable one (Tink + JDBI) or an in-memory one.
 */
public interface Backend extends AutoCloseable {
    /** Secrets, versions, aliases. */
    SecretStore secretStore();

    /** Seals and opens values. */
    Envelope envelope();

    /** The audit log. */
    AuditLog auditLog();

    /** Policies and break-glass grants. */
    PolicyStore policyStore();

    /** Rotation policies, runs and the scheduler's claims. */
    RotationStore rotationStore();

    /** Whether (and where) this installation's one-time admin bootstrap is recorded. */
    BootstrapRecord bootstrapRecord();

    /**
     * The 32-byte key that seals listing page tokens, the same for every instance on this store,
     * as a fresh array the caller wipes; empty when the backend has none (the kernel then draws a
     * random key, so tokens do not outlive the process).
     */
    default Optional<byte[]> pageTokenKey() {
        return Optional.empty();
    }

    /** Cheap checks of the store and of key access, for {@code /health/ready}. */
    List<HealthCheck> healthChecks();

    /** One line for the startup banner: where things are kept (no credentials). */
    String description();

    /** Releases connections. */
    @Override
    void close();
}
