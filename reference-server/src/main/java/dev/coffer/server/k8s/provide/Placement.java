package dev.coffer.server.k8s.provide;

import java.util.List;
import java.util.Objects;

/**
 * Where one secret lands in one namespace: the Secret's name and the keys it fills there.
 *
 * <pre>{@code
 * Placement p = Placements.of(spec, "backend", "DATABASE_URL").get(0);
 * p.name(); p.key();   // "backend-app-secrets", "DATABASE_URL" -> env valueFrom.secretKeyRef
 * }</pre>
 *
 * @param namespace the namespace
 * @param name the Secret's name (the provider's {@code name})
 * @param type the Secret's Kubernetes {@code type} ({@code Opaque}, {@code kubernetes.io/tls}, ...)
 * @param keys the data keys the secret fills: one for {@code opaque} ({@code secretKey()}),
 *     {@code username}/{@code password} for {@code basic-auth}, {@code tls.crt}/{@code tls.key}
 *     for {@code tls}, {@code .dockerconfigjson} for {@code dockerconfigjson}
 */
public record Placement(String namespace, String name, String type, List<String> keys) {
    public Placement {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        keys = List.copyOf(keys);
    }

    /**
     * The one key the secret fills (an {@code opaque} or {@code dockerconfigjson} secret).
     *
     * @throws IllegalStateException when it fills several ({@code basic-auth}, {@code tls}): pick one of {@link #keys()}
     */
    public String key() {
        if (keys.size() != 1) {
            throw new IllegalStateException("a " + type + " Secret holds keys " + keys + "; name one");
        }
        return keys.get(0);
    }
}
