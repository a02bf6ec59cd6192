package dev.coffer.server.standalone;

import dev.coffer.server.metrics.MeteredAuditLog;
import dev.coffer.server.metrics.MeteredEnvelope;
import dev.coffer.server.metrics.MeteredPolicyStore;
import dev.coffer.server.metrics.MeteredSecretManager;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.kernel.StandardSecretManager;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** Builds the kernel over a backend's parts, each wrapped in its measuring decorator. */
public final class Kernel {
    private Kernel() {}

    /** {@link StandardSecretManager} over {@code backend}, measured into {@code metrics}, no environment protected. */
    public static SecretManager over(Backend backend, Metrics metrics) {
        return over(backend, metrics, List.of());
    }

    /**
     * {@link StandardSecretManager} over {@code backend}, measured into {@code metrics}, refusing
     * force delete in {@code protectedEnvironments}.
     */
    public static SecretManager over(Backend backend, Metrics metrics, Collection<String> protectedEnvironments) {
        return measured(standard(backend, metrics, protectedEnvironments), metrics);
    }

    /**
     * The {@link StandardSecretManager} of {@link #over} before its read metrics: what a server
     * also hands to {@link AuditRelay}, then serves through {@link #measured}.
     */
    public static StandardSecretManager standard(Backend backend, Metrics metrics, Collection<String> protectedEnvironments) {
        StandardSecretManager.Builder builder = StandardSecretManager.builder()
                .protectedEnvironments(protectedEnvironments)
                .secretStore(backend.secretStore())
                .envelope(new MeteredEnvelope(backend.envelope(), metrics))
                .auditLog(new MeteredAuditLog(backend.auditLog(), metrics))
                .policyStore(new MeteredPolicyStore(backend.policyStore(), metrics));
        backend.pageTokenKey().ifPresent(key -> {
            builder.pageTokenKey(key); // the builder keeps a copy
            Arrays.fill(key, (byte) 0);
        });
        return builder.build();
    }

    /** {@code kernel} with its reads measured into {@code metrics}. */
    public static SecretManager measured(StandardSecretManager kernel, Metrics metrics) {
        return new MeteredSecretManager(kernel, metrics);
    }
}
