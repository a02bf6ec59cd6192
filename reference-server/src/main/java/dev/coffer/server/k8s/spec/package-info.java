/**
 * The delivery spec of {@code coffer k8s} as records ({@link dev.coffer.server.k8s.spec.DeliverySpec}
 * and its parts), each element with the {@link dev.coffer.server.k8s.spec.Where} it was written, and
 * {@link dev.coffer.server.k8s.spec.SpecException}, the one error a spec that cannot be used raises;
 * {@link dev.coffer.server.k8s.spec.SpecReader} reads and checks the YAML.
 */
package dev.coffer.server.k8s.spec;
