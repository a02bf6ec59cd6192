package org.acme.probe;

import dev.coffer.config.EmbeddedSecrets;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.memory.InMemorySecrets;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import java.util.List;

/**
 * The embedded transport over an in-memory Coffer holding one secret, {@code prod/db/password},
 * whose value is the canary the IT looks for in the build output (passed in COFFER_PROBE_CANARY).
 */
public final class ProbeSecrets implements EmbeddedSecrets {
    private static final String TENANT = "probe";
    private final InMemorySecrets parts = InMemorySecrets.create();
    private final AccessContext app = AccessContext.of(Principal.of("service:probe", TENANT));

    public ProbeSecrets() {
        parts.bootstrap(TENANT, Policy.allow("all", List.of("service:probe"), List.of("secrets:*"), List.of("*")));
        String id = parts.manager().create(app, NewSecret.builder(SecretPath.parse(TENANT, "prod/db/password"), "probe").build()).id();
        try (SecretValue v = SecretValue.ofUtf8(System.getenv("COFFER_PROBE_CANARY"))) {
            parts.manager().addVersion(app, id, NewVersion.current(v));
        }
    }

    @Override
    public SecretManager manager() {
        return parts.manager();
    }

    @Override
    public AccessContext context() {
        return app;
    }
}
