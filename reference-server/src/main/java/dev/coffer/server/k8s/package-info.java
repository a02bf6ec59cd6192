/**
 * {@code coffer k8s}: a team declares its secrets once in a delivery spec (YAML) and gets correct
 * Kubernetes manifests, with Coffer as the source of truth. The Kubricate model in Java: a registry
 * of named managers, each with connectors (where values come from) and providers (what Kubernetes
 * objects they become), workloads the secrets are injected into, and conflict detection across
 * providers and managers before anything reaches a cluster.
 *
 * <ul>
 *   <li>{@code spec}: the spec as records, read and validated with the file, line and field of
 *       every error;</li>
 *   <li>{@code connect}: connectors, which load values ({@code coffer}, {@code env}, {@code literal});</li>
 *   <li>{@code conflict}: conflict keys {@code {type}:{namespace}/{name}}, the three levels and
 *       their strategies, settled before any value is read;</li>
 *   <li>{@code provide}: providers, which lay secrets out as Kubernetes Secrets
 *       ({@link dev.coffer.server.k8s.provide.SecretLayout}, {@link dev.coffer.server.k8s.provide.Placements});</li>
 *   <li>{@code workload}: workload manifests read or generated, injection into them, the
 *       {@code agent} provider's pod spec;</li>
 *   <li>{@code manifest}: the one YAML reader and writer of Kubernetes objects.</li>
 * </ul>
 *
 * <p>{@link dev.coffer.server.k8s.Delivery} puts them together: a plan without values
 * ({@code coffer k8s validate}), then the objects with them ({@code generate}, {@code apply}, {@code diff}).
 *
 * <p>{@link dev.coffer.server.k8s.Provenance} holds the labels and annotations every generated
 * object carries: which manager, provider, Coffer paths and versions produced it, never a value.
 */
package dev.coffer.server.k8s;
