package dev.coffer.server.k8s.provide;

import dev.coffer.server.k8s.conflict.ConflictKey;
import dev.coffer.server.k8s.spec.DeliverySpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.ProviderSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The one rule for where a secret lands: the Secret is named after its provider's {@code name} in
 * each of the provider's namespaces; an {@code opaque} secret fills key {@link SecretSpec#secretKey()},
 * the typed providers their fixed keys. The layout and the workload injection (env
 * {@code secretKeyRef}, {@code envFrom}, volumes, {@code imagePullSecrets}) both use it, so they
 * cannot disagree.
 *
 * <pre>{@code
 * for (Placement p : Placements.of(spec, "backend", "DATABASE_URL")) {
 *     // p.namespace(), p.name(), p.key()
 * }
 * }</pre>
 */
public final class Placements {
    /** {@code type} of an {@code opaque} provider's Secret. */
    public static final String OPAQUE = "Opaque";
    /** {@code type} of a {@code dockerconfigjson} provider's Secret. */
    public static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
    /** {@code type} of a {@code basic-auth} provider's Secret. */
    public static final String BASIC_AUTH = "kubernetes.io/basic-auth";
    /** {@code type} of a {@code tls} provider's Secret. */
    public static final String TLS = "kubernetes.io/tls";
    /** The one data key of a {@code dockerconfigjson} Secret. */
    public static final String DOCKER_CONFIG_KEY = ".dockerconfigjson";

    private Placements() {}

    /**
     * Where secret {@code secret} of manager {@code manager} lands, one placement per namespace of
     * its provider in the provider's order; empty for the {@code agent} provider (no Secret).
     *
     * @throws IllegalArgumentException when the spec has no such manager or secret (naming the known ones)
     */
    public static List<Placement> of(DeliverySpec spec, String manager, String secret) {
        ManagerSpec m = spec.manager(manager).orElseThrow(() -> new IllegalArgumentException("unknown manager '" + manager
                + "'; known: " + String.join(", ", spec.managers().stream().map(ManagerSpec::name).toList())));
        SecretSpec s = m.secret(secret).orElseThrow(() -> new IllegalArgumentException("manager '" + manager
                + "' has no secret '" + secret + "'; known: " + String.join(", ", m.secrets().stream().map(SecretSpec::name).toList())));
        return of(m, s);
    }

    /** Where {@code secret} of {@code manager} lands (see {@link #of(DeliverySpec, String, String)}). */
    public static List<Placement> of(ManagerSpec manager, SecretSpec secret) {
        ProviderSpec provider = manager.providerOf(secret);
        if (!(provider instanceof ProviderSpec.SecretProvider p)) {
            return List.of();
        }
        List<Placement> all = new ArrayList<>();
        for (String namespace : p.namespaces()) {
            all.add(new Placement(namespace, p.name(), kubernetesType(p), keys(p, secret)));
        }
        return all;
    }

    /** The data keys {@code secret} fills in {@code provider}'s Secret. */
    public static List<String> keys(ProviderSpec.SecretProvider provider, SecretSpec secret) {
        if (provider instanceof ProviderSpec.Opaque) {
            return List.of(secret.secretKey());
        } else if (provider instanceof ProviderSpec.BasicAuth) {
            return List.of("username", "password");
        } else if (provider instanceof ProviderSpec.Tls) {
            return List.of("tls.crt", "tls.key");
        }
        return List.of(DOCKER_CONFIG_KEY);
    }

    /** The Kubernetes {@code type} of {@code provider}'s Secret. */
    public static String kubernetesType(ProviderSpec.SecretProvider provider) {
        if (provider instanceof ProviderSpec.Opaque) {
            return OPAQUE;
        } else if (provider instanceof ProviderSpec.BasicAuth) {
            return BASIC_AUTH;
        } else if (provider instanceof ProviderSpec.Tls) {
            return TLS;
        }
        return DOCKER_CONFIG_JSON;
    }

    /** The conflict key of {@code provider}'s Secret in {@code namespace}: {@code Secret.<type>:<namespace>/<name>}. */
    public static ConflictKey conflictKey(ProviderSpec.SecretProvider provider, String namespace) {
        String type = provider instanceof ProviderSpec.Opaque ? "Opaque" : provider.type();
        return new ConflictKey("Secret." + type, namespace, provider.name());
    }
}
