package dev.coffer.server.standalone;

import dev.coffer.server.api.HealthCheck;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.memory.InMemoryAuditOutbox;
import dev.coffer.spi.memory.InMemoryRotationStore;
import dev.coffer.spi.memory.InMemorySecrets;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.PolicyStore;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.spi.store.SecretStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** The in-memory parts of {@code secrets-spi}: for demos and tests; everything vanishes on exit. */
public final class InMemoryBackend implements Backend {
    private final InMemorySecrets parts;
    private final AuditLog auditLog;
    private final RotationStore rotationStore;
    // Nothing outlives the process here, so neither does the record of the bootstrap.
    private final AtomicBoolean bootstrapped = new AtomicBoolean();

    /** A backend over fresh in-memory parts. */
    public InMemoryBackend() {
        this(InMemorySecrets.create());
    }

    /** A backend over {@code parts}, so tests can reach the parts behind the server. */
    public InMemoryBackend(InMemorySecrets parts) {
        this(parts, parts.auditLog());
    }

    /**
     * A backend over {@code parts} that audits to {@code auditLog} instead of the parts' own log
     * (tests wrap it, e.g. to simulate an outage).
     */
    public InMemoryBackend(InMemorySecrets parts, AuditLog auditLog) {
        this.parts = Objects.requireNonNull(parts, "parts");
        this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
        // The rotation store commits its audit events into the secret store's outbox, so the one relay moves both.
        this.rotationStore = parts.secretStore().auditOutbox() instanceof InMemoryAuditOutbox outbox
                ? new InMemoryRotationStore(outbox) : new InMemoryRotationStore();
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
        return auditLog;
    }

    @Override
    public PolicyStore policyStore() {
        return parts.policyStore();
    }

    @Override
    public RotationStore rotationStore() {
        return rotationStore;
    }

    @Override
    public BootstrapRecord bootstrapRecord() {
        return new BootstrapRecord() {
            @Override
            public boolean done() {
                return bootstrapped.get();
            }

            @Override
            public boolean record(Instant at) {
                return bootstrapped.compareAndSet(false, true);
            }

            // The in-memory store undoes a put whose hook throws, so the flag is put back then; once
            // the hook has returned, the put commits (its outbox takes the bootstrap's one draft).
            @Override
            public <T> BeforeCommit<T> recording(Instant at, BeforeCommit<T> then) {
                return result -> {
                    if (!bootstrapped.compareAndSet(false, true)) {
                        throw new RecordedBefore();
                    }
                    try {
                        return then.prepare(result);
                    } catch (RuntimeException e) {
                        bootstrapped.set(false);
                        throw e;
                    }
                };
            }

            @Override
            public boolean recordedBefore(RuntimeException failure) {
                return failure instanceof RecordedBefore;
            }
        };
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

    private static final class RecordedBefore extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        RecordedBefore() {
            super("the admin bootstrap was recorded before", null);
        }
    }
}
