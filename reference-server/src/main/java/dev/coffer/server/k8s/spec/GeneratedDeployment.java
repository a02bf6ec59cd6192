package dev.coffer.server.k8s.spec;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * {@code generate:} a minimal Deployment for a workload that has no manifest yet: one container
 * named after the workload, {@code replicas} pods, labels {@code app: <name>}.
 *
 * @param name the Deployment's (and container's) name
 * @param namespace its namespace ({@code default} unless written)
 * @param image the container image
 * @param replicas the replica count (1 unless written)
 * @param port a container port to declare, if any
 */
public record GeneratedDeployment(String name, String namespace, String image, int replicas, OptionalInt port) {
    public GeneratedDeployment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(port, "port");
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must not be negative");
        }
    }
}
