/**
 * Laying a spec's secrets out as Kubernetes Secrets: {@link dev.coffer.server.k8s.provide.SecretLayout}
 * plans the objects (no values) and builds them with values from
 * {@link dev.coffer.server.k8s.connect.Connectors}; {@link dev.coffer.server.k8s.provide.Placements}
 * is the one rule for where a secret lands (Secret name and key per namespace).
 */
package dev.coffer.server.k8s.provide;
