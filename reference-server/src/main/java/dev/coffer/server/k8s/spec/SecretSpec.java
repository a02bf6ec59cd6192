package dev.coffer.server.k8s.spec;

import java.util.Objects;
import java.util.Optional;

/**
 * One secret of a manager.
 *
 * <pre>
 * secrets:
 *   - name: DATABASE_URL                 # env connector: $COFFER_SECRET_DATABASE_URL
 *   - name: db-password
 *     connector: vault                   # a coffer connector
 *     path: prod/payments/db-password#current
 *     key: password                      # the key in the Secret (default: the name)
 *   - name: DOCKER_REGISTRY_TOKEN
 *     provider: registry                 # a dockerconfigjson provider
 * </pre>
 *
 * @param name the secret's name in the manager (letters, digits, {@code _ . -}); also the env
 *     connector's variable suffix and the literal connector's key
 * @param connector the connector id, when not the manager's default
 * @param provider the provider id, when not the manager's default
 * @param path for a {@code coffer} connector: the reference to read
 * @param key the key in the provider's Secret, when not {@code name}
 * @param where where the secret is written
 */
public record SecretSpec(String name, Optional<String> connector, Optional<String> provider, Optional<String> path,
        Optional<String> key, Where where) {
    public SecretSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(where, "where");
    }

    /** The key the secret takes in an {@code opaque} Secret: {@code key}, else the name. */
    public String secretKey() {
        return key.orElse(name);
    }
}
