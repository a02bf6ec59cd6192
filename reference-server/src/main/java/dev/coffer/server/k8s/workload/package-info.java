/**
 * Workloads of a delivery spec: their manifests read or a Deployment generated, each injection
 * written into the target resource's pod template, and the {@code agent} provider's containers,
 * volumes and ConfigMap. {@link dev.coffer.server.k8s.workload.Workloads#build} is the entry point.
 */
package dev.coffer.server.k8s.workload;
