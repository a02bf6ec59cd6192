package dev.coffer.server.k8s.spec;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A delivery spec: the registry of managers (one per team or domain), the workloads their secrets
 * are injected into, and the conflict policy between what they produce.
 *
 * <pre>{@code
 * DeliverySpec spec = SpecReader.read(Path.of("delivery.yaml"));
 * spec.manager("backend").orElseThrow().secrets();
 * }</pre>
 *
 * @param file the spec file as the user named it
 * @param coffer where {@code coffer} connectors read, when the spec says (the CLI's
 *     {@code --url}/{@code --token-file} take precedence); empty to use the CLI's connection
 * @param conflicts how conflicts between generated objects are settled
 * @param managers the managers in the order written; names are unique
 * @param workloads the workloads in the order written; ids are unique
 */
public record DeliverySpec(String file, Optional<CofferServer> coffer, ConflictPolicy conflicts,
        List<ManagerSpec> managers, List<WorkloadSpec> workloads) {
    public DeliverySpec {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(coffer, "coffer");
        Objects.requireNonNull(conflicts, "conflicts");
        managers = List.copyOf(managers);
        workloads = List.copyOf(workloads);
    }

    /** The manager named {@code name}. */
    public Optional<ManagerSpec> manager(String name) {
        return managers.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The workload {@code id}. */
    public Optional<WorkloadSpec> workload(String id) {
        return workloads.stream().filter(w -> w.id().equals(id)).findFirst();
    }
}
