package dev.coffer.server.k8s.spec;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a manager's secrets become in Kubernetes. One record per {@code type}; each Secret-producing
 * provider makes one object per target namespace.
 */
public sealed interface ProviderSpec {
    /** The provider's id within its manager. */
    String id();

    /** The {@code type} word. */
    String type();

    /** The namespaces the provider delivers into (never empty: {@code default} unless written). */
    List<String> namespaces();

    /** Where the provider is written. */
    Where where();

    /** The injection kinds the provider's secrets support; the first is used when an injection names none and it is the only one. */
    List<InjectionKind> kinds();

    /** Fields every Secret-producing provider has. */
    sealed interface SecretProvider extends ProviderSpec {
        /** The Secret's name in each namespace ({@code targetName}). */
        String name();
    }

    /** {@code type: opaque}: one {@code Opaque} Secret, one key per secret (its {@code key}, else its name). */
    record Opaque(String id, String name, List<String> namespaces, Where where) implements SecretProvider {
        public Opaque {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            namespaces = List.copyOf(namespaces);
            Objects.requireNonNull(where, "where");
        }

        @Override
        public String type() {
            return "opaque";
        }

        @Override
        public List<InjectionKind> kinds() {
            return List.of(InjectionKind.ENV, InjectionKind.ENV_FROM, InjectionKind.VOLUME);
        }
    }

    /**
     * {@code type: dockerconfigjson}: a {@code kubernetes.io/dockerconfigjson} Secret from values
     * {@code {username, password, registry}} ({@code auths.<registry>} with {@code auth} = base64
     * {@code user:pass}); injected as {@code imagePullSecrets}.
     */
    record DockerConfigJson(String id, String name, List<String> namespaces, Where where) implements SecretProvider {
        public DockerConfigJson {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            namespaces = List.copyOf(namespaces);
            Objects.requireNonNull(where, "where");
        }

        @Override
        public String type() {
            return "dockerconfigjson";
        }

        @Override
        public List<InjectionKind> kinds() {
            return List.of(InjectionKind.IMAGE_PULL_SECRETS);
        }
    }

    /** {@code type: basic-auth}: a {@code kubernetes.io/basic-auth} Secret from values {@code {username, password}}. */
    record BasicAuth(String id, String name, List<String> namespaces, Where where) implements SecretProvider {
        public BasicAuth {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            namespaces = List.copyOf(namespaces);
            Objects.requireNonNull(where, "where");
        }

        @Override
        public String type() {
            return "basic-auth";
        }

        @Override
        public List<InjectionKind> kinds() {
            return List.of(InjectionKind.ENV, InjectionKind.ENV_FROM, InjectionKind.VOLUME);
        }
    }

    /** {@code type: tls}: a {@code kubernetes.io/tls} Secret from values {@code {tls.crt, tls.key}} (PEM). */
    record Tls(String id, String name, List<String> namespaces, Where where) implements SecretProvider {
        public Tls {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            namespaces = List.copyOf(namespaces);
            Objects.requireNonNull(where, "where");
        }

        @Override
        public String type() {
            return "tls";
        }

        @Override
        public List<InjectionKind> kinds() {
            return List.of(InjectionKind.VOLUME, InjectionKind.ENV);
        }
    }

    /**
     * {@code type: agent}: no Secret object; the workload gets the {@code coffer agent} as an init
     * container and/or sidecar that renders each injected secret into a memory-backed volume, and
     * a ConfigMap with the agent's config (references only, never values). The runtime-delivery
     * path for frequently rotated secrets. Only {@code coffer} connectors can feed it.
     *
     * @param image the image holding {@code coffer} (the agent)
     * @param mode init container, sidecar, or both
     * @param server the URL the agent reads from, inside the cluster
     * @param audience the audience of the projected service-account token the agent presents
     * @param mountPath where the memory volume is mounted in the application's containers
     * @param namespaces the namespaces workloads using it may run in
     */
    record Agent(String id, String image, AgentMode mode, String server, String audience, String mountPath,
            List<String> namespaces, Where where) implements ProviderSpec {
        /** The mount path when none is written. */
        public static final String DEFAULT_MOUNT_PATH = "/run/coffer/secrets";
        /** The token audience when none is written. */
        public static final String DEFAULT_AUDIENCE = "coffer";

        public Agent {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(audience, "audience");
            Objects.requireNonNull(mountPath, "mountPath");
            namespaces = List.copyOf(namespaces);
            Objects.requireNonNull(where, "where");
        }

        @Override
        public String type() {
            return "agent";
        }

        @Override
        public List<InjectionKind> kinds() {
            return List.of(InjectionKind.VOLUME);
        }
    }

    /** Every {@code type} word, for error messages. */
    Set<String> TYPES = Set.of("opaque", "dockerconfigjson", "basic-auth", "tls", "agent");
}
