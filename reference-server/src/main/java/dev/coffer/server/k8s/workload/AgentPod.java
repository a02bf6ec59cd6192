package dev.coffer.server.k8s.workload;

import dev.coffer.server.k8s.Provenance;
import dev.coffer.server.k8s.connect.CofferConnector;
import dev.coffer.server.k8s.spec.AgentMode;
import dev.coffer.server.k8s.spec.ConnectorSpec;
import dev.coffer.server.k8s.spec.InjectionSpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.ProviderSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import dev.coffer.server.k8s.spec.SpecException;
import dev.coffer.server.k8s.spec.Where;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.representer.StandardRepresenter;

/**
 * The {@code agent} provider in one pod: no Secret object, but the {@code coffer agent} beside the
 * application, rendering each injected secret into a memory-backed volume.
 *
 * <ul>
 *   <li>an {@code emptyDir} with {@code medium: Memory} ({@value #FILES_VOLUME}), mounted read-only
 *       at the provider's {@code mountPath} in each target container and read-write in the agent's;</li>
 *   <li>a projected service-account token ({@value #TOKEN_VOLUME}, the provider's audience, one hour)
 *       the agent presents to Coffer;</li>
 *   <li>a ConfigMap {@code <resource name>-coffer-agent} whose {@code agent.yaml} names the server,
 *       the token file and one {@code raw} template per secret: references, never values (the
 *       {@code coffer.dev/sources} annotation lists them, {@code coffer:prod/payments/db-password#current});</li>
 *   <li>an init container {@value #INIT_CONTAINER} ({@code --once}) and/or the sidecar
 *       {@value #SIDECAR_CONTAINER}, as the provider's mode says.</li>
 * </ul>
 *
 * <pre>{@code
 * AgentPod agent = new AgentPod(resource, manager, provider, injection.where());
 * agent.add(manager, provider, secret, injection);
 * ConfigMap config = agent.apply();   // the pod spec now holds the agent; config holds agent.yaml
 * }</pre>
 */
final class AgentPod {
    static final String INIT_CONTAINER = "coffer-agent-init";
    static final String SIDECAR_CONTAINER = "coffer-agent";
    static final String FILES_VOLUME = "coffer-agent-files";
    static final String TOKEN_VOLUME = "coffer-agent-token";
    static final String CONFIG_VOLUME = "coffer-agent-config";
    static final String CONFIG_DIR = "/etc/coffer";
    static final String CONFIG_KEY = "agent.yaml";
    static final String TOKEN_DIR = "/var/run/secrets/coffer";
    static final String TOKEN_FILE = TOKEN_DIR + "/token";
    static final long TOKEN_SECONDS = 3600;
    /** Rendered secrets are small; the limit keeps a runaway template from eating the pod's memory. */
    static final String FILES_SIZE = "1Mi";
    /**
     * Owner read-write (the agent rewrites the file), group read (the application shares the pod's
     * fsGroup), others nothing: the agent refuses any mode without owner rw or with rights for others.
     */
    static final String FILE_MODE = "0640";
    // As docs/examples/kubernetes/deployment.yaml: the image holds a JRE and coffer.jar.
    static final List<String> COMMAND = List.of("java", "-jar", "/opt/coffer/coffer.jar", "agent", "--config", CONFIG_DIR + "/" + CONFIG_KEY);

    private final Resource resource;
    private final ManagerSpec manager;
    private final ProviderSpec.Agent provider;
    private final Where firstInjection;
    private final Map<String, String> templates = new LinkedHashMap<>();

    AgentPod(Resource resource, ManagerSpec manager, ProviderSpec.Agent provider, Where firstInjection) {
        this.resource = resource;
        this.manager = manager;
        this.provider = provider;
        this.firstInjection = firstInjection;
    }

    /** One secret into one container's view of the volume. */
    void add(ManagerSpec m, ProviderSpec.Agent p, SecretSpec secret, InjectionSpec injection) {
        if (m != manager || p != provider) {
            // One agent per pod: two would race on the same volume and need two identities.
            throw new SpecException(injection.where(), resource.id + " already gets the agent of provider '" + provider.id()
                    + "' of manager '" + manager.name() + "' (" + firstInjection + "); inject through one agent provider per resource");
        }
        if (injection.mountPath().isPresent() && !injection.mountPath().get().equals(provider.mountPath())) {
            throw new SpecException(Workloads.field(injection, "mountPath"), "the agent provider '" + provider.id()
                    + "' mounts its files at " + provider.mountPath() + "; set mountPath on the provider, not on the injection");
        }
        String file = injection.as().orElse(secret.name());
        if (file.isEmpty() || file.contains("/") || file.equals(".") || file.equals("..")) {
            throw new SpecException(Workloads.field(injection, "as"), "'" + file + "' is not a file name; write a name without '/'");
        }
        String destination = provider.mountPath().replaceAll("/+$", "") + "/" + file;
        String reference = reference(secret);
        String previous = templates.putIfAbsent(destination, reference);
        if (previous != null && !previous.equals(reference)) {
            throw new SpecException(Workloads.field(injection, "as"), destination + " in " + resource.id
                    + " is already rendered from another secret; choose another file name with as:");
        }
        Container container = Workloads.container(resource, resource.podSpec(), injection);
        Workloads.mount(resource, resource.podSpec(), container, injection, FILES_VOLUME, provider.mountPath(), true);
    }

    /**
     * The secret's reference as the agent reads it: {@code <environment>/<path>[#alias|@version]}.
     * Only {@code coffer} connectors can feed the agent: it reads Coffer itself, at run time.
     */
    private String reference(SecretSpec secret) {
        ConnectorSpec connector = manager.connectorOf(secret);
        if (!(connector instanceof ConnectorSpec.Coffer coffer)) {
            throw new SpecException(secret.where(), "secret '" + secret.name() + "' of manager '" + manager.name()
                    + "' goes to the agent provider '" + provider.id() + "', which reads Coffer at run time, but its connector '"
                    + connector.id() + "' is of type " + connector.type() + "; use a coffer connector");
        }
        // The connector's rule, so the agent reads exactly what 'generate' would have read.
        return CofferConnector.reference(coffer, manager, secret).target();
    }

    /** Writes the agent into the pod spec and returns its ConfigMap. */
    ConfigMap apply() {
        PodSpec pod = resource.podSpec();
        String configMap = resource.object.getMetadata().getName() + "-coffer-agent";
        List<Volume> volumes = pod.getVolumes() == null ? new ArrayList<>() : new ArrayList<>(pod.getVolumes());
        for (String name : List.of(FILES_VOLUME, TOKEN_VOLUME, CONFIG_VOLUME)) {
            if (volumes.stream().anyMatch(v -> name.equals(v.getName()))) {
                throw new SpecException(firstInjection, resource.id + " already has a volume named '" + name
                        + "'; remove it from the manifest, coffer k8s adds the agent's volumes itself");
            }
        }
        volumes.add(new VolumeBuilder().withName(FILES_VOLUME).withNewEmptyDir().withMedium("Memory")
                .withSizeLimit(new Quantity(FILES_SIZE)).endEmptyDir().build());
        volumes.add(new VolumeBuilder().withName(TOKEN_VOLUME).withNewProjected().addNewSource().withNewServiceAccountToken()
                .withAudience(provider.audience()).withExpirationSeconds(TOKEN_SECONDS).withPath("token")
                .endServiceAccountToken().endSource().endProjected().build());
        volumes.add(new VolumeBuilder().withName(CONFIG_VOLUME).withNewConfigMap().withName(configMap).endConfigMap().build());
        pod.setVolumes(volumes);

        List<Container> agents = new ArrayList<>();
        if (provider.mode() != AgentMode.SIDECAR) {
            List<String> once = new ArrayList<>(COMMAND);
            once.addAll(List.of("--once", "--deadline", "60s"));
            agents.add(container(INIT_CONTAINER, once, "100m"));
        }
        if (provider.mode() != AgentMode.INIT) {
            Container sidecar = container(SIDECAR_CONTAINER, COMMAND, "50m");
            // A native sidecar (Kubernetes 1.29+): an init container that keeps running. It starts before
            // the application, and it does not keep a Job or CronJob pod from completing, which a plain
            // second container would.
            sidecar.setRestartPolicy("Always");
            agents.add(sidecar);
        }
        List<Container> init = pod.getInitContainers() == null ? new ArrayList<>() : new ArrayList<>(pod.getInitContainers());
        List<Container> all = new ArrayList<>(init);
        all.addAll(pod.getContainers());
        for (Container c : all) {
            if (INIT_CONTAINER.equals(c.getName()) || SIDECAR_CONTAINER.equals(c.getName())) {
                throw new SpecException(firstInjection, resource.id + " already has a container named '" + c.getName()
                        + "'; remove it from the manifest, coffer k8s adds the agent itself");
            }
        }
        // First, so the application's own init containers can read the rendered files too.
        agents.addAll(init);
        pod.setInitContainers(agents);

        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Provenance.MANAGED_BY, Provenance.COFFER);
        labels.put(Provenance.MANAGER, manager.name());
        labels.put(Provenance.PROVIDER, provider.id());
        // The references the agent will read (it resolves versions itself, at run time), so that the
        // ConfigMap says what it delivers as a Secret does.
        String sources = templates.values().stream().distinct().map(r -> "coffer:" + r).collect(java.util.stream.Collectors.joining(","));
        return new ConfigMapBuilder().withNewMetadata().withName(configMap).withNamespace(resource.namespace()).withLabels(labels)
                .withAnnotations(new LinkedHashMap<>(Map.of(Provenance.SOURCES, sources))).endMetadata().withData(new LinkedHashMap<>(Map.of(CONFIG_KEY, agentYaml()))).build();
    }

    /** The agent's configuration: the server, the token file and one raw template per secret. References only. */
    String agentYaml() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("server", provider.server());
        config.put("token-file", TOKEN_FILE);
        List<Object> list = new ArrayList<>();
        for (Map.Entry<String, String> t : templates.entrySet()) {
            Map<String, Object> template = new LinkedHashMap<>();
            template.put("destination", t.getKey());
            // Quoted, as the agent requires: unquoted, a YAML 1.1 reader would see the number 416.
            template.put("permissions", new Quoted(FILE_MODE));
            template.put("format", "raw");
            template.put("secret", t.getValue());
            list.add(template);
        }
        config.put("templates", list);
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setSplitLines(false).build();
        return new Dump(settings, new Representer(settings)).dumpToString(config);
    }

    /** A string written double-quoted whatever it looks like. */
    private record Quoted(String text) {}

    private static final class Representer extends StandardRepresenter {
        Representer(DumpSettings settings) {
            super(settings);
            representers.put(Quoted.class, data -> representScalar(Tag.STR, ((Quoted) data).text(), ScalarStyle.DOUBLE_QUOTED));
        }
    }

    private Container container(String name, List<String> command, String cpu) {
        List<VolumeMount> mounts = List.of(
                new VolumeMountBuilder().withName(FILES_VOLUME).withMountPath(provider.mountPath()).build(),
                new VolumeMountBuilder().withName(TOKEN_VOLUME).withMountPath(TOKEN_DIR).withReadOnly(true).build(),
                new VolumeMountBuilder().withName(CONFIG_VOLUME).withMountPath(CONFIG_DIR).withReadOnly(true).build());
        SecurityContext security = new SecurityContextBuilder().withRunAsNonRoot(true).withReadOnlyRootFilesystem(true)
                .withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build();
        // Requests and limits as the example Deployment: the JVM of the agent needs about 128Mi.
        return new ContainerBuilder().withName(name).withImage(provider.image()).withCommand(command)
                .withVolumeMounts(mounts).withSecurityContext(security)
                .withNewResources().addToRequests("cpu", new Quantity(cpu)).addToRequests("memory", new Quantity("128Mi"))
                .addToLimits("memory", new Quantity("256Mi")).endResources()
                .build();
    }
}
