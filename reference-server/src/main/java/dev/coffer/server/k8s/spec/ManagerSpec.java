package dev.coffer.server.k8s.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One manager of the registry (a team or domain): its connectors, its providers, which of each a
 * secret uses when it names none, and its secrets.
 *
 * <pre>
 * managers:
 *   - name: backend
 *     connectors:
 *       vault: { type: coffer, environment: prod }
 *     defaultConnector: vault
 *     providers:
 *       app: { type: opaque, name: backend-app-secrets, namespaces: [apps] }
 *     defaultProvider: app
 *     secrets:
 *       - { name: DATABASE_URL, path: payments/db-url }
 * </pre>
 *
 * @param name the manager's name, unique in the registry (a DNS label: it becomes a label value)
 * @param connectors the connectors by id, in the order written
 * @param defaultConnector the id of the connector a secret without {@code connector} uses
 * @param providers the providers by id, in the order written
 * @param defaultProvider the id of the provider a secret without {@code provider} uses
 * @param secrets the secrets in the order written; names are unique within the manager
 * @param where where the manager is
 */
public record ManagerSpec(String name, Map<String, ConnectorSpec> connectors, Optional<String> defaultConnector,
        Map<String, ProviderSpec> providers, Optional<String> defaultProvider, List<SecretSpec> secrets, Where where) {
    public ManagerSpec {
        Objects.requireNonNull(name, "name");
        connectors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(connectors));
        Objects.requireNonNull(defaultConnector, "defaultConnector");
        providers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        Objects.requireNonNull(defaultProvider, "defaultProvider");
        secrets = List.copyOf(secrets);
        Objects.requireNonNull(where, "where");
    }

    /** The secret named {@code name}. */
    public Optional<SecretSpec> secret(String name) {
        return secrets.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The connector {@code secret} reads through: its own, else the default (the reader ensures one exists). */
    public ConnectorSpec connectorOf(SecretSpec secret) {
        return connectors.get(secret.connector().or(() -> defaultConnector).orElseThrow());
    }

    /** The provider {@code secret} is laid out by: its own, else the default (the reader ensures one exists). */
    public ProviderSpec providerOf(SecretSpec secret) {
        return providers.get(secret.provider().or(() -> defaultProvider).orElseThrow());
    }
}
