package dev.coffer.server.k8s.conflict;

import java.util.Objects;

/**
 * The identity of a generated object for conflict detection, written {@code {type}:{namespace}/{name}}
 * ({@code Secret.Opaque:apps/app-secrets}, {@code Secret.dockerconfigjson:ci/registry}).
 *
 * <pre>{@code
 * new ConflictKey("Secret.Opaque", "apps", "app-secrets").toString(); // "Secret.Opaque:apps/app-secrets"
 * }</pre>
 *
 * Two keys with the same {@link #object()} but different types still name one Kubernetes object,
 * so the resolver treats them as a conflict too (one that cannot be merged).
 *
 * @param type {@code Secret.Opaque}, {@code Secret.dockerconfigjson}, {@code Secret.basic-auth} or {@code Secret.tls}
 * @param namespace the object's namespace
 * @param name the object's name
 */
public record ConflictKey(String type, String namespace, String name) {
    public ConflictKey {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    /** {@code <namespace>/<name>}: the Kubernetes object, whatever its type. */
    public String object() {
        return namespace + "/" + name;
    }

    @Override
    public String toString() {
        return type + ":" + namespace + "/" + name;
    }
}
