package dev.coffer.server.support;

import dev.coffer.server.api.HealthCheck;
import dev.coffer.server.standalone.Backend;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.memory.InMemorySecrets;
import dev.coffer.spi.store.PolicyStore;
import dev.coffer.spi.store.SecretStore;
import java.util.List;

/** A backend over given in-memory parts, so tests can reach the parts behind the server. */
record MemoryBackend(InMemorySecrets parts) implements Backend {
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
        return List.of(new HealthCheck() {
            @Override
            public String name() {
                return "store";
            }

            @Override
            public void check() {
                parts.secretStore().findSecret("default", "sec_probe");
            }
        });
    }

    @Override
    public String description() {
        return "test";
    }

    @Override
    public void close() {
    }
}
