package dev.coffer.server.k8s.workload;

import dev.coffer.server.k8s.Provenance;
import dev.coffer.server.k8s.manifest.ManifestException;
import dev.coffer.server.k8s.manifest.Manifests;
import dev.coffer.server.k8s.spec.ContainerRef;
import dev.coffer.server.k8s.spec.DeliverySpec;
import dev.coffer.server.k8s.spec.GeneratedDeployment;
import dev.coffer.server.k8s.spec.InjectionKind;
import dev.coffer.server.k8s.spec.InjectionSpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.ProviderSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import dev.coffer.server.k8s.spec.SpecException;
import dev.coffer.server.k8s.spec.Where;
import dev.coffer.server.k8s.spec.WorkloadSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The workloads of a delivery spec with their injections applied: each workload's manifest read (or
 * its Deployment generated), every injection written into the pod template of its target resource
 * ({@code env} as {@code secretKeyRef}, {@code envFrom}, Secret volumes, {@code imagePullSecrets},
 * and the {@code agent} provider's containers and memory volume), then one ConfigMap per resource
 * the agent serves. Pure: it reads only the manifest files, never a value.
 *
 * <pre>{@code
 * List<HasMetadata> objects = Workloads.build(spec);   // deployment/web with env injected, ...
 * System.out.print(Manifests.yaml(objects));
 * }</pre>
 *
 * @see AgentPod
 */
public final class Workloads {
    private final DeliverySpec spec;

    private Workloads(DeliverySpec spec) {
        this.spec = spec;
    }

    /**
     * The workloads' resources in spec order with the injections applied, then the agent ConfigMaps.
     *
     * @throws SpecException at the workload or injection at fault, saying what to change
     */
    public static List<HasMetadata> build(DeliverySpec spec) {
        return new Workloads(Objects.requireNonNull(spec, "spec")).build();
    }

    private List<HasMetadata> build() {
        List<HasMetadata> out = new ArrayList<>();
        List<HasMetadata> configMaps = new ArrayList<>();
        for (WorkloadSpec workload : spec.workloads()) {
            List<Resource> resources = resources(workload);
            Map<Resource, AgentPod> agents = new LinkedHashMap<>();
            for (InjectionSpec injection : workload.inject()) {
                inject(workload, resources, injection, agents);
            }
            for (AgentPod agent : agents.values()) {
                configMaps.add(agent.apply());
            }
            for (Resource r : resources) {
                if (!r.injected.isEmpty()) {
                    annotate(r);
                }
                out.add(r.object);
            }
        }
        out.addAll(configMaps);
        return out;
    }

    // ---- resources -------------------------------------------------------------------------------

    private List<Resource> resources(WorkloadSpec workload) {
        List<Resource> resources = new ArrayList<>();
        if (workload.generate().isPresent()) {
            resources.add(new Resource(generated(workload.generate().get()), true));
            return resources;
        }
        Where file = workload.where().child("file", workload.where().line());
        List<HasMetadata> objects;
        try {
            objects = Manifests.read(workload.file().orElseThrow());
        } catch (ManifestException e) {
            throw new SpecException(file, e.getMessage());
        }
        Map<String, Resource> byId = new LinkedHashMap<>();
        for (HasMetadata object : objects) {
            if (object.getMetadata() == null || object.getMetadata().getName() == null || object.getMetadata().getName().isBlank()) {
                throw new SpecException(file, object.getKind() + " without metadata.name in " + workload.file().get()
                        + "; every object needs a name");
            }
            Resource r = new Resource(object, false);
            if (byId.putIfAbsent(r.id, r) != null) {
                throw new SpecException(file, workload.file().get() + " holds " + r.id + " twice; resource ids (<kind>/<name>) must be unique in a workload");
            }
            resources.add(r);
        }
        return resources;
    }

    private static Deployment generated(GeneratedDeployment g) {
        Map<String, String> selector = Map.of("app", g.name());
        Map<String, String> labels = new LinkedHashMap<>(selector);
        labels.put(Provenance.MANAGED_BY, Provenance.COFFER);
        Container container = new Container();
        container.setName(g.name());
        container.setImage(g.image());
        if (g.port().isPresent()) {
            container.setPorts(new ArrayList<>(List.of(new ContainerPortBuilder().withContainerPort(g.port().getAsInt()).build())));
        }
        return new DeploymentBuilder()
                .withNewMetadata().withName(g.name()).withNamespace(g.namespace()).withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(g.replicas())
                .withNewSelector().withMatchLabels(new LinkedHashMap<>(selector)).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(new LinkedHashMap<>(selector)).endMetadata()
                .withNewSpec().withContainers(container).endSpec().endTemplate()
                .endSpec().build();
    }

    private static Resource target(WorkloadSpec workload, List<Resource> resources, InjectionSpec injection) {
        Optional<String> written = injection.resource();
        Where at = written.isPresent() ? field(injection, "resource") : workload.where().child("defaultResource", workload.where().line());
        Optional<String> id = written.or(workload::defaultResource);
        List<Resource> injectable = resources.stream().filter(Resource::injectable).toList();
        String known = injectable.stream().map(r -> r.id).collect(Collectors.joining(", "));
        if (id.isPresent()) {
            for (Resource r : resources) {
                if (r.id.equals(id.get())) {
                    if (!r.injectable()) {
                        throw new SpecException(at, r.id + " has no pod template to inject into; choose one of: " + known);
                    }
                    return r;
                }
            }
            throw new SpecException(at, "unknown resource '" + id.get() + "' in workload '" + workload.id() + "'; known: "
                    + (known.isEmpty() ? "(none)" : known));
        }
        if (injectable.isEmpty()) {
            throw new SpecException(injection.where(), "workload '" + workload.id()
                    + "' has no Deployment, StatefulSet, DaemonSet, Job or CronJob to inject into");
        }
        if (injectable.size() > 1) {
            throw new SpecException(injection.where(), "workload '" + workload.id() + "' has " + injectable.size()
                    + " resources to inject into (" + known + "); set the workload's defaultResource or the injection's resource");
        }
        return injectable.get(0);
    }

    // ---- one injection ---------------------------------------------------------------------------

    private void inject(WorkloadSpec workload, List<Resource> resources, InjectionSpec injection, Map<Resource, AgentPod> agents) {
        ManagerSpec manager = spec.manager(injection.manager()).orElseThrow(() -> new SpecException(field(injection, "manager"),
                "unknown manager '" + injection.manager() + "'; known: "
                        + spec.managers().stream().map(ManagerSpec::name).collect(Collectors.joining(", "))));
        Optional<SecretSpec> secret = injection.secret().map(name -> manager.secret(name).orElseThrow(() -> new SpecException(
                field(injection, "secret"), "manager '" + manager.name() + "' has no secret '" + name + "'; known: "
                        + manager.secrets().stream().map(SecretSpec::name).collect(Collectors.joining(", ")))));
        ProviderSpec provider;
        if (secret.isPresent()) {
            provider = manager.providerOf(secret.get());
        } else {
            String id = injection.provider().orElseThrow(() -> new SpecException(injection.where(),
                    "names neither secret nor provider; write secret: <name> (or provider: <id> for envFrom)"));
            provider = manager.providers().get(id);
            if (provider == null) {
                throw new SpecException(field(injection, "provider"), "manager '" + manager.name() + "' has no provider '" + id
                        + "'; known: " + String.join(", ", manager.providers().keySet()));
            }
        }
        InjectionKind kind = injection.kind().orElse(provider.kinds().get(0));
        if (!provider.kinds().contains(kind)) {
            throw new SpecException(field(injection, "kind"), "provider '" + provider.id() + "' (" + provider.type() + ") supports "
                    + provider.kinds().stream().map(InjectionKind::specName).collect(Collectors.joining(", ")) + ", not " + kind.specName());
        }
        if (secret.isEmpty() && kind != InjectionKind.ENV_FROM) {
            throw new SpecException(field(injection, "provider"), "a whole provider can only be injected as envFrom; name the secret for "
                    + kind.specName());
        }
        Resource target = target(workload, resources, injection);
        if (!provider.namespaces().contains(target.namespace())) {
            throw new SpecException(injection.where(), target.id + " runs in namespace '" + target.namespace() + "' but provider '"
                    + provider.id() + "' of manager '" + manager.name() + "' delivers only to " + String.join(", ", provider.namespaces())
                    + "; add '" + target.namespace() + "' to the provider's namespaces or inject a provider that delivers there");
        }
        PodSpec pod = target.podSpec();
        if (pod == null || pod.getContainers() == null || pod.getContainers().isEmpty()) {
            throw new SpecException(injection.where(), target.id + " has no containers under " + target.templatePath()
                    + ".spec.containers; give it at least one");
        }
        if (provider instanceof ProviderSpec.Agent agent) {
            agents.computeIfAbsent(target, r -> new AgentPod(r, manager, agent, injection.where()))
                    .add(manager, agent, secret.get(), injection);
        } else {
            ProviderSpec.SecretProvider sp = (ProviderSpec.SecretProvider) provider;
            switch (kind) {
                case ENV -> env(target, pod, injection, Placement.of(sp, secret.get()), secret.get());
                case ENV_FROM -> envFrom(target, pod, injection, sp);
                case VOLUME -> volume(target, pod, injection, Placement.of(sp, secret.get()));
                case IMAGE_PULL_SECRETS -> imagePullSecret(pod, sp);
            }
        }
        if (secret.isPresent()) {
            target.injected.add(manager.name() + "/" + secret.get().name());
        } else {
            for (SecretSpec s : manager.secrets()) {
                if (manager.providerOf(s) == provider) {
                    target.injected.add(manager.name() + "/" + s.name());
                }
            }
        }
    }

    private static void env(Resource target, PodSpec pod, InjectionSpec injection, Placement placement, SecretSpec secret) {
        Container container = container(target, pod, injection);
        String base = injection.as().orElse(secret.name());
        List<EnvVar> env = container.getEnv() == null ? new ArrayList<>() : new ArrayList<>(container.getEnv());
        for (String key : placement.keys()) {
            // A Secret of several keys (basic-auth, tls) gives one variable per key: DB_USERNAME, DB_PASSWORD.
            String name = placement.keys().size() == 1 ? base : base + "_" + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
            for (EnvVar existing : env) {
                if (name.equals(existing.getName())) {
                    throw new SpecException(field(injection, injection.as().isPresent() ? "as" : "secret"), "environment variable '" + name
                            + "' is already set in the manifest (" + target.id + ", " + describe(pod, container)
                            + "); choose another name with as:, or remove it from the manifest");
                }
            }
            env.add(new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef()
                    .withName(placement.secretName()).withKey(key).endSecretKeyRef().endValueFrom().build());
        }
        container.setEnv(env);
    }

    private static void envFrom(Resource target, PodSpec pod, InjectionSpec injection, ProviderSpec.SecretProvider provider) {
        Container container = container(target, pod, injection);
        List<EnvFromSource> from = container.getEnvFrom() == null ? new ArrayList<>() : new ArrayList<>(container.getEnvFrom());
        boolean present = from.stream().anyMatch(f -> f.getSecretRef() != null && provider.name().equals(f.getSecretRef().getName()));
        if (!present) {
            from.add(new EnvFromSourceBuilder().withNewSecretRef().withName(provider.name()).endSecretRef().build());
        }
        container.setEnvFrom(from);
    }

    private static void volume(Resource target, PodSpec pod, InjectionSpec injection, Placement placement) {
        String mountPath = injection.mountPath().orElseThrow(() -> new SpecException(field(injection, "mountPath"),
                "a volume injection needs mountPath: the directory the file appears in, e.g. /etc/secrets"));
        Container container = container(target, pod, injection);
        String volumeName = volumeName("coffer-" + placement.secretName());
        List<Volume> volumes = pod.getVolumes() == null ? new ArrayList<>() : new ArrayList<>(pod.getVolumes());
        Volume volume = volumes.stream().filter(v -> volumeName.equals(v.getName())).findFirst().orElse(null);
        if (volume == null) {
            volume = new VolumeBuilder().withName(volumeName).withNewSecret().withSecretName(placement.secretName()).endSecret().build();
            volumes.add(volume);
        } else if (volume.getSecret() == null || !placement.secretName().equals(volume.getSecret().getSecretName())) {
            throw new SpecException(field(injection, "mountPath"), target.id + " already has a volume named '" + volumeName
                    + "' that is not Secret " + placement.secretName() + "'s; rename that volume in the manifest");
        }
        List<KeyToPath> items = volume.getSecret().getItems() == null ? new ArrayList<>() : new ArrayList<>(volume.getSecret().getItems());
        for (String key : placement.keys()) {
            // One key: the file is named as:, else the key; several keys (tls): each its key, under as/ when written.
            String path = placement.keys().size() == 1 ? injection.as().orElse(key) : injection.as().map(a -> a + "/" + key).orElse(key);
            for (KeyToPath item : items) {
                if (path.equals(item.getPath()) && !key.equals(item.getKey())) {
                    throw new SpecException(field(injection, "as"), "file '" + path + "' of volume '" + volumeName + "' in " + target.id
                            + " already holds key '" + item.getKey() + "'; choose another file name with as:");
                }
            }
            if (items.stream().noneMatch(i -> path.equals(i.getPath()))) {
                KeyToPath item = new KeyToPath();
                item.setKey(key);
                item.setPath(path);
                items.add(item);
            }
        }
        volume.getSecret().setItems(items);
        pod.setVolumes(volumes);
        mount(target, pod, container, injection, volumeName, mountPath, true);
    }

    static void mount(Resource target, PodSpec pod, Container container, InjectionSpec injection, String volumeName, String mountPath,
            boolean readOnly) {
        List<VolumeMount> mounts = container.getVolumeMounts() == null ? new ArrayList<>() : new ArrayList<>(container.getVolumeMounts());
        for (VolumeMount m : mounts) {
            if (mountPath.equals(m.getMountPath())) {
                if (volumeName.equals(m.getName())) {
                    return;
                }
                throw new SpecException(field(injection, "mountPath"), "mountPath " + mountPath + " of " + target.id + ", "
                        + describe(pod, container) + " is already volume '" + m.getName() + "'s; choose another directory");
            }
        }
        mounts.add(new VolumeMountBuilder().withName(volumeName).withMountPath(mountPath).withReadOnly(readOnly).build());
        container.setVolumeMounts(mounts);
    }

    private static void imagePullSecret(PodSpec pod, ProviderSpec.SecretProvider provider) {
        List<LocalObjectReference> refs = pod.getImagePullSecrets() == null ? new ArrayList<>() : new ArrayList<>(pod.getImagePullSecrets());
        if (refs.stream().noneMatch(r -> provider.name().equals(r.getName()))) {
            refs.add(new LocalObjectReference(provider.name()));
        }
        pod.setImagePullSecrets(refs);
    }

    /** The container an injection names (by index or name), else the first. */
    static Container container(Resource target, PodSpec pod, InjectionSpec injection) {
        ContainerRef ref = injection.container().orElse(ContainerRef.FIRST);
        List<Container> containers = pod.getContainers();
        if (ref instanceof ContainerRef.ByIndex byIndex && byIndex.index() < containers.size()) {
            return containers.get(byIndex.index());
        }
        if (ref instanceof ContainerRef.ByName byName) {
            for (Container c : containers) {
                if (byName.name().equals(c.getName())) {
                    return c;
                }
            }
        }
        List<String> known = new ArrayList<>();
        for (int i = 0; i < containers.size(); i++) {
            known.add(i + " " + containers.get(i).getName());
        }
        throw new SpecException(field(injection, "container"), ref + " not found in " + target.id + "; its containers: "
                + String.join(", ", known));
    }

    private static String describe(PodSpec pod, Container container) {
        return "container " + pod.getContainers().indexOf(container) + " " + container.getName();
    }

    /** The injected secrets as the {@link Provenance#INJECTED} annotation, merged with what a previous run wrote. */
    private static void annotate(Resource r) {
        ObjectMeta meta = r.object.getMetadata();
        Map<String, String> annotations = meta.getAnnotations() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(meta.getAnnotations());
        Set<String> all = new LinkedHashSet<>();
        String previous = annotations.get(Provenance.INJECTED);
        if (previous != null && !previous.isBlank()) {
            for (String s : previous.split(",")) {
                all.add(s.strip());
            }
        }
        all.addAll(r.injected);
        annotations.put(Provenance.INJECTED, String.join(",", all));
        meta.setAnnotations(annotations);
    }

    /** A DNS-label volume name: lowercase letters, digits and '-', at most 63 characters. */
    static String volumeName(String text) {
        String name = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (name.length() > 63) {
            name = name.substring(0, 63);
        }
        return name.replaceAll("-+$", "");
    }

    static Where field(InjectionSpec injection, String field) {
        return injection.where().child(field, injection.where().line());
    }
}
