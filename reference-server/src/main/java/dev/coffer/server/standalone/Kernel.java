package dev.coffer.server.standalone;

import dev.coffer.server.metrics.MeteredAuditLog;
import dev.coffer.server.metrics.MeteredEnvelope;
import dev.coffer.server.metrics.MeteredPolicyStore;
import dev.coffer.server.metrics.MeteredSecretManager;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.kernel.StandardSecretManager;
import java.util.Arrays;

/** Builds the kernel over a backend's parts, each wrapped in its measuring decorator. */
public final class Kernel {
    private Kernel() {}

    /** {@link StandardSecretManager} over {@code backend}, measured into {@code metrics}. */
    public static SecretManager over(Backend backend, Metrics metrics) {
        StandardSecretManager.Builder builder = StandardSecretManager.builder()
                .secretStore(backend.secretStore())
                .envelope(new MeteredEnvelope(backend.envelope(), metrics))
                .auditLog(new MeteredAuditLog(backend.auditLog(), metrics))
                .policyStore(new MeteredPolicyStore(backend.policyStore(), metrics));
        backend.pageTokenKey().ifPresent(key -> {
            builder.pageTokenKey(key); // the builder keeps a copy
            Arrays.fill(key, (byte) 0);
        });
        SecretManager kernel = builder.build();
        return new MeteredSecretManager(kernel, metrics);
    }
}
