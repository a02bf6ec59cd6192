/**
 * Kubernetes objects as YAML: {@link dev.coffer.server.k8s.manifest.Manifests} reads manifest files
 * into typed fabric8 kubernetes-model objects and writes objects back, deterministically.
 */
package dev.coffer.server.k8s.manifest;
