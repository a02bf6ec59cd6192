package dev.coffer.server.k8s.provide;

import dev.coffer.server.k8s.spec.ConflictLevel;
import dev.coffer.server.k8s.spec.ConflictPolicy;
import dev.coffer.server.k8s.spec.ConflictStrategy;
import dev.coffer.server.k8s.spec.ConnectorSpec;
import dev.coffer.server.k8s.spec.DeliverySpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.ProviderSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import dev.coffer.server.k8s.spec.Where;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivery specs built as records (the YAML reader is another package's): each element gets its
 * own line in {@code spec.yaml}, so messages can be checked for both sides' places.
 */
public final class LayoutSpecs {
    private static final AtomicInteger LINE = new AtomicInteger(1);

    private LayoutSpecs() {}

    /** A place in spec.yaml on a fresh line. */
    public static Where at(String field) {
        return new Where("spec.yaml", LINE.incrementAndGet(), field);
    }

    public static SecretSpec secret(String name) {
        return new SecretSpec(name, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), at("secrets." + name));
    }

    public static SecretSpec secret(String name, String provider) {
        return new SecretSpec(name, Optional.empty(), Optional.of(provider), Optional.empty(), Optional.empty(), at("secrets." + name));
    }

    public static SecretSpec keyed(String name, String key) {
        return new SecretSpec(name, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(key), at("secrets." + name));
    }

    public static SecretSpec coffer(String name, String path) {
        return new SecretSpec(name, Optional.empty(), Optional.empty(), Optional.of(path), Optional.empty(), at("secrets." + name));
    }

    public static ProviderSpec.Opaque opaque(String id, String name, String... namespaces) {
        return new ProviderSpec.Opaque(id, name, ns(namespaces), at("providers." + id));
    }

    public static ProviderSpec.DockerConfigJson docker(String id, String name, String... namespaces) {
        return new ProviderSpec.DockerConfigJson(id, name, ns(namespaces), at("providers." + id));
    }

    public static ProviderSpec.BasicAuth basic(String id, String name, String... namespaces) {
        return new ProviderSpec.BasicAuth(id, name, ns(namespaces), at("providers." + id));
    }

    public static ProviderSpec.Tls tls(String id, String name, String... namespaces) {
        return new ProviderSpec.Tls(id, name, ns(namespaces), at("providers." + id));
    }

    public static ProviderSpec.Agent agent(String id) {
        return new ProviderSpec.Agent(id, "coffer:latest", dev.coffer.server.k8s.spec.AgentMode.SIDECAR, "https://coffer",
                ProviderSpec.Agent.DEFAULT_AUDIENCE, ProviderSpec.Agent.DEFAULT_MOUNT_PATH, List.of("default"), at("providers." + id));
    }

    public static ConnectorSpec.Literal literal(String id, String... namesAndValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return new ConnectorSpec.Literal(id, values, at("connectors." + id));
    }

    public static ConnectorSpec.Env env(String id, Path envFile) {
        return new ConnectorSpec.Env(id, ConnectorSpec.Env.DEFAULT_PREFIX, Optional.ofNullable(envFile), at("connectors." + id));
    }

    public static ConnectorSpec.Coffer cofferConnector(String id, String environment) {
        return new ConnectorSpec.Coffer(id, Optional.ofNullable(environment), at("connectors." + id));
    }

    /** A manager whose first connector and first provider are the defaults. */
    public static ManagerSpec manager(String name, ConnectorSpec connector, List<ProviderSpec> providers, SecretSpec... secrets) {
        Map<String, ConnectorSpec> connectors = new LinkedHashMap<>();
        connectors.put(connector.id(), connector);
        Map<String, ProviderSpec> ps = new LinkedHashMap<>();
        providers.forEach(p -> ps.put(p.id(), p));
        return new ManagerSpec(name, connectors, Optional.of(connector.id()), ps, Optional.of(providers.get(0).id()),
                Arrays.asList(secrets), at("managers." + name));
    }

    public static DeliverySpec spec(ConflictPolicy policy, ManagerSpec... managers) {
        return new DeliverySpec("spec.yaml", Optional.empty(), policy, Arrays.asList(managers), List.of());
    }

    public static DeliverySpec spec(ManagerSpec... managers) {
        return spec(ConflictPolicy.DEFAULTS, managers);
    }

    public static ConflictPolicy policy(ConflictLevel level, ConflictStrategy strategy) {
        return new ConflictPolicy(false, Map.of(level, strategy));
    }

    private static List<String> ns(String... namespaces) {
        return namespaces.length == 0 ? List.of("default") : List.of(namespaces);
    }
}
