package dev.coffer.server.standalone;

import dev.coffer.server.metrics.MeteredAuditLog;
import dev.coffer.server.metrics.MeteredEnvelope;
import dev.coffer.server.metrics.MeteredPolicyStore;
import dev.coffer.server.metrics.MeteredSecretManager;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.rotation.Rotators;
import java.time.Duration;
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
        return standard(backend, metrics, protectedEnvironments, rotators());
    }

    /** As {@link #standard(Backend, Metrics, Collection)}, with these rotators (tests add scripted ones). */
    public static StandardSecretManager standard(Backend backend, Metrics metrics, Collection<String> protectedEnvironments,
            Rotators rotators) {
        return standard(backend, metrics, protectedEnvironments, rotators, ServeOptions.DEFAULT_ROTATION_CLAIM_LEASE);
    }

    /**
     * As {@link #standard(Backend, Metrics, Collection, Rotators)}, with this instance's claims on
     * rotation work leased for {@code rotationClaimLease} ({@code --rotation-claim-lease}).
     */
    public static StandardSecretManager standard(Backend backend, Metrics metrics, Collection<String> protectedEnvironments,
            Rotators rotators, Duration rotationClaimLease) {
        StandardSecretManager.Builder builder = StandardSecretManager.builder()
                .protectedEnvironments(protectedEnvironments)
                .secretStore(backend.secretStore())
                .envelope(new MeteredEnvelope(backend.envelope(), metrics))
                .auditLog(new MeteredAuditLog(backend.auditLog(), metrics))
                .policyStore(new MeteredPolicyStore(backend.policyStore(), metrics))
                .rotationStore(backend.rotationStore())
                .rotators(rotators)
                .rotationObserver(metrics.rotation())
                .instanceId(instanceId())
                .rotationClaimLease(rotationClaimLease);
        backend.pageTokenKey().ifPresent(key -> {
            builder.pageTokenKey(key); // the builder keeps a copy
            Arrays.fill(key, (byte) 0);
        });
        return builder.build();
    }

    /**
     * The rotators a server knows: those {@link java.util.ServiceLoader} finds on the server's class
     * path ({@code generated} in secrets-spi, {@code postgresql} in secrets-jdbi, {@code webhook} in
     * this module, and any a deployment adds), two of one name being a start-up error.
     */
    public static Rotators rotators() {
        return Rotators.discover(Kernel.class.getClassLoader());
    }

    /**
     * An id for this process's rotation claims, unique per process and readable in the rotation
     * store ({@code coffer-<host>-<pid>-<random>}, at most 64 characters): a claim left by a dead
     * instance names which one.
     */
    static String instanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "-");
        } catch (java.io.IOException | SecurityException e) {
            host = "host";
        }
        if (host.length() > 24) {
            host = host.substring(0, 24);
        }
        byte[] random = new byte[4];
        new java.security.SecureRandom().nextBytes(random);
        return "coffer-" + host + "-" + ProcessHandle.current().pid() + "-" + java.util.HexFormat.of().formatHex(random);
    }

    /** {@code kernel} with its reads measured into {@code metrics}. */
    public static SecretManager measured(StandardSecretManager kernel, Metrics metrics) {
        return new MeteredSecretManager(kernel, metrics);
    }
}
