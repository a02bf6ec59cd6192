package dev.coffer.server.standalone;

import dev.coffer.server.api.HealthCheck;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.memory.InMemorySecrets;
import dev.coffer.spi.store.PolicyStore;
import dev.coffer.spi.store.SecretStore;
import java.util.List;

/** The in-memory parts of {@code secrets-spi}: for demos and tests; everything vanishes on exit. */
public final class InMemoryBackend implements Backend {
    private final InMemorySecrets parts;

    /** A backend over fresh in-memory parts. */
    public InMemoryBackend() {
        this(InMemorySecrets.create());
    }

    /** A backend over {@code parts}, so tests can reach the parts behind the server. */
    public InMemoryBackend(InMemorySecrets parts) {
        this.parts = parts;
    }

    @Override
    public SecretStore secretStore() {
        return parts.secretStore();
    }

    @Override
    public Envelope envelope() {
        return parts.envelope();
    }

    @Override
    public AuditLog auditLog() {
        return parts.auditLog();
    }

    @Override
    public PolicyStore policyStore() {
        return parts.policyStore();
    }

    @Override
    public List<HealthCheck> healthChecks() {
        return List.of(HealthChecks.store(secretStore()));
    }

    @Override
    public String description() {
        return "in memory (nothing is persisted)";
    }

    @Override
    public void close() {
        // nothing held
    }
}
