package dev.coffer.server.k8s.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A workload secrets are injected into: existing manifests ({@code file}, one or more YAML
 * documents of kind Deployment, StatefulSet, DaemonSet, Job or CronJob; other kinds pass through
 * unchanged) or a generated Deployment. Each resource has the id {@code <kind lowercased>/<name>}
 * ({@code deployment/web}, {@code cronjob/nightly}); an injection goes into its {@code resource},
 * else the workload's {@code defaultResource}, else the only injectable resource.
 *
 * @param id the workload's id, unique in the spec
 * @param file the manifest file, resolved against the spec's directory (exactly one of
 *     {@code file} and {@code generate})
 * @param generate the Deployment to generate
 * @param defaultResource the resource id injections without {@code resource} go into
 * @param inject the injections in the order written
 * @param where where the workload is written
 */
public record WorkloadSpec(String id, Optional<Path> file, Optional<GeneratedDeployment> generate,
        Optional<String> defaultResource, List<InjectionSpec> inject, Where where) {
    public WorkloadSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(generate, "generate");
        Objects.requireNonNull(defaultResource, "defaultResource");
        inject = List.copyOf(inject);
        Objects.requireNonNull(where, "where");
        if (file.isPresent() == generate.isPresent()) {
            throw new IllegalArgumentException("a workload has exactly one of file and generate");
        }
    }
}
