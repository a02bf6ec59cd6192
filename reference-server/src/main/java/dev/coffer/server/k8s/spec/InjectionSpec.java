package dev.coffer.server.k8s.spec;

import java.util.Objects;
import java.util.Optional;

/**
 * One injection of a manager's secret into a workload.
 *
 * <pre>
 * workloads:
 *   - id: web
 *     file: k8s/web.yaml
 *     defaultResource: deployment/web
 *     inject:
 *       - { manager: backend, secret: DATABASE_URL, as: DB_CONNECTION }     # env, container 0
 *       - { manager: backend, secret: SIDECAR_TOKEN, kind: env, container: 1 }
 *       - { manager: backend, secret: tls-cert, kind: volume, mountPath: /etc/tls }
 *       - { manager: backend, provider: app, kind: envFrom, resource: deployment/worker }
 *       - { manager: platform, secret: DOCKER_REGISTRY_TOKEN }                # imagePullSecrets
 * </pre>
 *
 * @param manager the manager the secret belongs to
 * @param secret the secret (exactly one of {@code secret} and {@code provider})
 * @param provider for {@code envFrom}: the provider whose whole Secret is injected
 * @param kind the kind, when written; else inferred: the provider's only kind for one secret,
 *     {@code envFrom} for {@code provider:}, {@code volume} when {@code mountPath} is written,
 *     {@code env} when {@code as} is (Kubricate's {@code forName}); anything else is an error that
 *     lists the provider's kinds. {@link SpecReader} always fills it in
 * @param as for {@code env}: the variable's name ({@code forName}), else the secret's name; for
 *     {@code volume}: the file's name, else the secret's key
 * @param container the container, when written; else the first
 * @param resource the resource id ({@code deployment/web}), when not the workload's default
 * @param mountPath for {@code volume}: the directory the file appears in
 * @param where where the injection is written
 */
public record InjectionSpec(String manager, Optional<String> secret, Optional<String> provider, Optional<InjectionKind> kind,
        Optional<String> as, Optional<ContainerRef> container, Optional<String> resource, Optional<String> mountPath,
        Where where) {
    public InjectionSpec {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(as, "as");
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(mountPath, "mountPath");
        Objects.requireNonNull(where, "where");
    }
}
