package dev.coffer.server.k8s.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.settings.SecretMapping;
import dev.coffer.server.agent.AgentConfig;
import dev.coffer.server.agent.AgentConfigLoader;
import dev.coffer.server.agent.Format;
import dev.coffer.server.k8s.GoldenFiles;
import dev.coffer.server.k8s.Provenance;
import dev.coffer.server.k8s.manifest.Manifests;
import dev.coffer.server.k8s.spec.AgentMode;
import dev.coffer.server.k8s.spec.ConflictPolicy;
import dev.coffer.server.k8s.spec.ConnectorSpec;
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
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WorkloadsTest {
    static final Path FIXTURES = Path.of("src/test/resources/k8s").toAbsolutePath();
    /** The literal connector's values: none may appear in any output or message. */
    static final Map<String, String> VALUES = Map.of("DATABASE_URL", "postgres://app:s3cr3t-db@db", "SIDECAR_TOKEN", "s3cr3t-sidecar",
            "API_KEY", "s3cr3t-api-key");
    static final String AGENT_IMAGE = "registry.example.com/coffer:0.1.0";

    // ---- env, envFrom, volume, imagePullSecrets ----------------------------------------------------

    @Test
    void envWithRenameAndContainerIndexIntoATwoContainerDeployment() {
        WorkloadSpec web = file("web", "two-containers.yaml", Optional.empty(),
                inj("DATABASE_URL").as("DB_CONNECTION"),
                inj("SIDECAR_TOKEN").container(new ContainerRef.ByIndex(1)),
                inj("API_KEY").kind(InjectionKind.ENV).container(new ContainerRef.ByName("proxy")));
        List<HasMetadata> out = roundTrip(spec(AgentMode.BOTH, List.of("apps"), web));

        assertEquals(2, out.size());
        Deployment d = (Deployment) out.get(0);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        List<EnvVar> app = pod.getContainers().get(0).getEnv();
        assertEquals(List.of("DB_HOST", "DB_CONNECTION"), app.stream().map(EnvVar::getName).toList());
        assertEquals("db.apps.svc", app.get(0).getValue());
        assertRef(app.get(1), "backend-app", "DATABASE_URL");
        List<EnvVar> proxy = pod.getContainers().get(1).getEnv();
        assertEquals(List.of("SIDECAR_TOKEN", "API_KEY"), proxy.stream().map(EnvVar::getName).toList());
        assertRef(proxy.get(0), "backend-app", "SIDECAR_TOKEN");
        assertRef(proxy.get(1), "backend-app", "api-key");
        assertEquals("backend/DATABASE_URL,backend/SIDECAR_TOKEN,backend/API_KEY", d.getMetadata().getAnnotations().get(Provenance.INJECTED));
        // A user's manifest keeps its own labels: coffer does not claim it.
        assertEquals(Map.of("app", "web", "team", "backend"), d.getMetadata().getLabels());
        Service service = (Service) out.get(1);
        assertEquals(Manifests.read(FIXTURES.resolve("two-containers.yaml")).get(1), service, "other kinds pass through unchanged");
    }

    @Test
    void envFromAProviderInjectsItsSecretOnce() {
        WorkloadSpec web = file("web", "two-containers.yaml", Optional.empty(),
                inj(null).provider("app").kind(InjectionKind.ENV_FROM),
                inj("API_KEY").kind(InjectionKind.ENV_FROM));
        Deployment d = (Deployment) roundTrip(spec(AgentMode.BOTH, List.of("apps"), web)).get(0);
        Container app = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(1, app.getEnvFrom().size());
        assertEquals("backend-app", app.getEnvFrom().get(0).getSecretRef().getName());
        assertEquals("backend/DATABASE_URL,backend/SIDECAR_TOKEN,backend/API_KEY",
                d.getMetadata().getAnnotations().get(Provenance.INJECTED));
    }

    @Test
    void volumeInjectionsIntoOneSecretMergeItemsAndMountReadOnly() {
        WorkloadSpec web = file("web", "two-containers.yaml", Optional.empty(),
                inj("DATABASE_URL").kind(InjectionKind.VOLUME).as("db-url").mountPath("/etc/app"),
                inj("API_KEY").kind(InjectionKind.VOLUME).mountPath("/etc/app"),
                inj("web-tls").mountPath("/etc/tls").container(new ContainerRef.ByIndex(1)));
        PodSpec pod = ((Deployment) roundTrip(spec(AgentMode.BOTH, List.of("apps"), web)).get(0)).getSpec().getTemplate().getSpec();
        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, Function.identity()));
        assertEquals(List.of("coffer-backend-app", "coffer-web-tls"), pod.getVolumes().stream().map(Volume::getName).toList());
        Volume app = volumes.get("coffer-backend-app");
        assertEquals("backend-app", app.getSecret().getSecretName());
        assertEquals(Map.of("DATABASE_URL", "db-url", "api-key", "api-key"),
                app.getSecret().getItems().stream().collect(Collectors.toMap(KeyToPath::getKey, KeyToPath::getPath)));
        assertEquals(List.of("tls.crt", "tls.key"), volumes.get("coffer-web-tls").getSecret().getItems().stream().map(KeyToPath::getPath).toList());
        VolumeMount mount = pod.getContainers().get(0).getVolumeMounts().get(0);
        assertEquals(List.of("coffer-backend-app", "/etc/app", true), List.of(mount.getName(), mount.getMountPath(), mount.getReadOnly()));
        assertEquals(1, pod.getContainers().get(0).getVolumeMounts().size());
        assertEquals("/etc/tls", pod.getContainers().get(1).getVolumeMounts().get(0).getMountPath());
    }

    @Test
    void dockerConfigJsonBecomesOneImagePullSecret() {
        WorkloadSpec web = file("web", "two-containers.yaml", Optional.empty(), inj("DOCKER_REGISTRY_TOKEN"), inj("DOCKER_REGISTRY_TOKEN"));
        PodSpec pod = ((Deployment) roundTrip(spec(AgentMode.BOTH, List.of("apps"), web)).get(0)).getSpec().getTemplate().getSpec();
        assertEquals(List.of("regcred"), pod.getImagePullSecrets().stream().map(LocalObjectReference::getName).toList());
        assertTrue(pod.getContainers().get(0).getEnvFrom().isEmpty(), "nothing else injected");
    }

    @Test
    void aCronJobGetsItsJobTemplateInjected() {
        WorkloadSpec nightly = file("nightly", "cronjob.yaml", Optional.empty(), inj("DATABASE_URL"));
        CronJob job = (CronJob) roundTrip(spec(AgentMode.BOTH, List.of("apps"), nightly)).get(0);
        EnvVar env = job.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(0);
        assertEquals("DATABASE_URL", env.getName());
        assertRef(env, "backend-app", "DATABASE_URL");
        assertEquals("backend/DATABASE_URL", job.getMetadata().getAnnotations().get(Provenance.INJECTED));
    }

    @Test
    void aGeneratedDeploymentIsLabelledAsCoffers() {
        WorkloadSpec api = new WorkloadSpec("api", Optional.empty(),
                Optional.of(new GeneratedDeployment("api", "apps", "registry.example.com/api:1.0.0", 3, OptionalInt.of(8080))),
                Optional.empty(), List.of(inj("DATABASE_URL").build(0)), at("workloads[0]", 20));
        Deployment d = (Deployment) roundTrip(spec(AgentMode.BOTH, List.of("apps"), api)).get(0);
        assertEquals("api", d.getMetadata().getName());
        assertEquals("apps", d.getMetadata().getNamespace());
        assertEquals(Map.of("app", "api", Provenance.MANAGED_BY, Provenance.COFFER), d.getMetadata().getLabels());
        assertEquals(3, d.getSpec().getReplicas());
        assertEquals(Map.of("app", "api"), d.getSpec().getSelector().getMatchLabels());
        assertEquals(Map.of("app", "api"), d.getSpec().getTemplate().getMetadata().getLabels());
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(List.of("api", "registry.example.com/api:1.0.0", 8080), List.of(c.getName(), c.getImage(), c.getPorts().get(0).getContainerPort()));
        assertRef(c.getEnv().get(0), "backend-app", "DATABASE_URL");
    }

    @Test
    void theOnlyInjectableResourceIsTheDefaultAndRunsInNamespaceDefault() {
        WorkloadSpec db = file("db", "mixed.yaml", Optional.empty(), inj("DATABASE_URL"));
        List<HasMetadata> out = roundTrip(spec(AgentMode.BOTH, List.of("default"), db));
        StatefulSet set = (StatefulSet) out.get(0);
        assertRef(set.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(0), "backend-app", "DATABASE_URL");
        List<HasMetadata> original = Manifests.read(FIXTURES.resolve("mixed.yaml"));
        assertEquals(original.subList(1, 4), out.subList(1, 4), "the ServiceMonitor, Service and Secret pass through unchanged");
    }

    @Test
    void jobsAndDaemonSetsAreTargetedByResourceId() {
        WorkloadSpec batch = file("batch", "job-daemonset.yaml", Optional.of("job/migrate"),
                inj("DATABASE_URL"), inj("API_KEY").resource("daemonset/node-agent"));
        List<HasMetadata> out = roundTrip(spec(AgentMode.BOTH, List.of("apps"), batch));
        Job job = (Job) out.get(0);
        DaemonSet daemons = (DaemonSet) out.get(1);
        assertRef(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(0), "backend-app", "DATABASE_URL");
        assertRef(daemons.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(0), "backend-app", "api-key");
        assertEquals("backend/API_KEY", daemons.getMetadata().getAnnotations().get(Provenance.INJECTED));
    }

    @Test
    void aResourceWithoutAPodTemplateIsNoTarget() {
        assertMessage("spec.yaml:31: workloads[0].inject[0].resource: service/web has no pod template to inject into; choose one of: deployment/web",
                file("web", "two-containers.yaml", Optional.empty(), inj("DATABASE_URL").resource("service/web")));
    }

    @Test
    void theAgentsFileModeIsQuotedAsTheAgentRequires() {
        WorkloadSpec web = file("web", "two-containers.yaml", Optional.empty(), inj("db-password"));
        ConfigMap config = (ConfigMap) roundTrip(spec(AgentMode.INIT, List.of("apps"), web)).get(2);
        assertEquals("server: http://coffer.coffer.svc:8480\ntoken-file: /var/run/secrets/coffer/token\ntemplates:\n"
                + "- destination: /run/coffer/secrets/db-password\n  permissions: \"0640\"\n  format: raw\n  secret: prod/payments/db-password#current\n",
                config.getData().get("agent.yaml"));
    }

    // ---- the agent provider ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(AgentMode.class)
    void theAgentProviderAddsItsContainersVolumesAndAConfigMapTheAgentAccepts(AgentMode mode) {
        WorkloadSpec web = file("web", "two-containers.yaml", Optional.empty(),
                inj("db-password"),
                inj("api-token").as("token").container(new ContainerRef.ByIndex(1)));
        List<HasMetadata> out = roundTrip(spec(mode, List.of("apps"), web));
        assertEquals(3, out.size());
        Deployment d = (Deployment) out.get(0);
        PodSpec pod = d.getSpec().getTemplate().getSpec();

        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, Function.identity()));
        assertEquals(List.of("coffer-agent-files", "coffer-agent-token", "coffer-agent-config"), pod.getVolumes().stream().map(Volume::getName).toList());
        assertEquals("Memory", volumes.get("coffer-agent-files").getEmptyDir().getMedium());
        assertEquals(new Quantity("1Mi"), volumes.get("coffer-agent-files").getEmptyDir().getSizeLimit());
        ServiceAccountTokenProjection token = volumes.get("coffer-agent-token").getProjected().getSources().get(0).getServiceAccountToken();
        assertEquals(List.of("coffer", 3600L, "token"), List.of(token.getAudience(), token.getExpirationSeconds(), token.getPath()));
        assertEquals("web-coffer-agent", volumes.get("coffer-agent-config").getConfigMap().getName());

        for (Container app : pod.getContainers()) {
            VolumeMount m = app.getVolumeMounts().stream().filter(v -> v.getName().equals("coffer-agent-files")).findFirst().orElseThrow();
            assertEquals(List.of("/run/coffer/secrets", true), List.of(m.getMountPath(), m.getReadOnly()), app.getName());
        }
        assertEquals(List.of("app", "proxy"), pod.getContainers().stream().map(Container::getName).toList(), "no container added");

        List<String> expected = switch (mode) {
            case INIT -> List.of("coffer-agent-init");
            case SIDECAR -> List.of("coffer-agent");
            case BOTH -> List.of("coffer-agent-init", "coffer-agent");
        };
        assertEquals(expected, pod.getInitContainers().stream().map(Container::getName).toList());
        for (Container agent : pod.getInitContainers()) {
            boolean once = agent.getName().equals("coffer-agent-init");
            List<String> command = new ArrayList<>(List.of("java", "-jar", "/opt/coffer/coffer.jar", "agent", "--config", "/etc/coffer/agent.yaml"));
            if (once) {
                command.addAll(List.of("--once", "--deadline", "60s"));
            }
            assertEquals(command, agent.getCommand());
            assertEquals(AGENT_IMAGE, agent.getImage());
            assertEquals(once ? null : "Always", agent.getRestartPolicy(), "the sidecar is a native sidecar");
            assertEquals(true, agent.getSecurityContext().getRunAsNonRoot());
            assertEquals(true, agent.getSecurityContext().getReadOnlyRootFilesystem());
            assertEquals(false, agent.getSecurityContext().getAllowPrivilegeEscalation());
            assertEquals(List.of("ALL"), agent.getSecurityContext().getCapabilities().getDrop());
            Map<String, VolumeMount> mounts = agent.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getName, Function.identity()));
            assertEquals("/run/coffer/secrets", mounts.get("coffer-agent-files").getMountPath());
            assertNull(mounts.get("coffer-agent-files").getReadOnly(), "the agent writes the files");
            assertEquals(List.of("/var/run/secrets/coffer", true), List.of(mounts.get("coffer-agent-token").getMountPath(), mounts.get("coffer-agent-token").getReadOnly()));
            assertEquals(List.of("/etc/coffer", true), List.of(mounts.get("coffer-agent-config").getMountPath(), mounts.get("coffer-agent-config").getReadOnly()));
        }
        assertEquals("backend/db-password,backend/api-token", d.getMetadata().getAnnotations().get(Provenance.INJECTED));

        ConfigMap config = (ConfigMap) out.get(2);
        assertEquals(List.of("web-coffer-agent", "apps"), List.of(config.getMetadata().getName(), config.getMetadata().getNamespace()));
        assertEquals(Map.of(Provenance.MANAGED_BY, Provenance.COFFER, Provenance.MANAGER, "backend", Provenance.PROVIDER, "agent"),
                config.getMetadata().getLabels());
        AgentConfig agent = AgentConfigLoader.parse("agent.yaml", config.getData().get("agent.yaml"), null);
        assertEquals("http://coffer.coffer.svc:8480", agent.server());
        assertEquals(Path.of("/var/run/secrets/coffer/token"), agent.tokenFile());
        assertEquals(List.of(Path.of("/run/coffer/secrets/db-password"), Path.of("/run/coffer/secrets/token")),
                agent.templates().stream().map(t -> t.destination()).toList());
        SecretMapping db = agent.templates().get(0).secrets().get("secret");
        assertEquals(List.of("prod", "payments/db-password"), List.of(db.environment(), db.path()));
        assertEquals(Format.RAW, agent.templates().get(1).format());
        assertEquals(SecretMapping.parse("templates[1].secret", "prod/payments/api-token@3"), agent.templates().get(1).secrets().get("secret"));
    }

    @Test
    void theAgentProvidersPodSpecMatchesTheGoldenFile() throws Exception {
        WorkloadSpec web = file("web", "two-containers.yaml", Optional.empty(),
                inj("db-password"), inj("api-token").as("token").container(new ContainerRef.ByIndex(1)));
        String yaml = Manifests.yaml(Workloads.build(spec(AgentMode.BOTH, List.of("apps"), web)));
        GoldenFiles.assertMatches(FIXTURES.resolve("golden/agent-both.yaml"), yaml);
    }

    @Test
    void theAgentNeedsACofferConnector() {
        ManagerSpec backend = backend(AgentMode.INIT, List.of("apps"));
        List<SecretSpec> secrets = new ArrayList<>(backend.secrets());
        secrets.add(new SecretSpec("env-only", Optional.of("lit"), Optional.of("agent"), Optional.empty(), Optional.empty(), at("managers[0].secrets[7]", 40)));
        ManagerSpec changed = new ManagerSpec(backend.name(), backend.connectors(), backend.defaultConnector(), backend.providers(),
                backend.defaultProvider(), secrets, backend.where());
        WorkloadSpec web = file("web", "two-containers.yaml", Optional.empty(), inj("env-only"));
        SpecException e = assertThrows(SpecException.class, () -> Workloads.build(spec(changed, web)));
        assertEquals("spec.yaml:40: managers[0].secrets[7]: secret 'env-only' of manager 'backend' goes to the agent provider 'agent', "
                + "which reads Coffer at run time, but its connector 'lit' is of type literal; use a coffer connector", e.getMessage());
    }

    // ---- errors ------------------------------------------------------------------------------------

    @Test
    void anUnknownResourceIdListsTheKnownOnes() {
        WorkloadSpec web = file("web", "two-deployments.yaml", Optional.empty(), inj("DATABASE_URL").resource("deployment/wbe"));
        assertMessage("spec.yaml:31: workloads[0].inject[0].resource: unknown resource 'deployment/wbe' in workload 'web'; "
                + "known: deployment/web, deployment/worker", web);
        WorkloadSpec byDefault = file("web", "two-deployments.yaml", Optional.of("deployment/nope"), inj("DATABASE_URL"));
        assertMessage("spec.yaml:20: workloads[0].defaultResource: unknown resource 'deployment/nope' in workload 'web'; "
                + "known: deployment/web, deployment/worker", byDefault);
    }

    @Test
    void severalResourcesAndNoDefaultSaysWhatToSet() {
        WorkloadSpec web = file("web", "two-deployments.yaml", Optional.empty(), inj("DATABASE_URL"));
        assertMessage("spec.yaml:31: workloads[0].inject[0]: workload 'web' has 2 resources to inject into (deployment/web, deployment/worker); "
                + "set the workload's defaultResource or the injection's resource", web);
        WorkloadSpec withDefault = file("web", "two-deployments.yaml", Optional.of("deployment/worker"), inj("DATABASE_URL"));
        List<HasMetadata> out = roundTrip(spec(AgentMode.BOTH, List.of("apps"), withDefault));
        assertTrue(out.get(0).getMetadata().getAnnotations().isEmpty(), "deployment/web is left alone");
        assertEquals("backend/DATABASE_URL", out.get(1).getMetadata().getAnnotations().get(Provenance.INJECTED));
    }

    @Test
    void anUnknownContainerListsTheContainersWithIndexes() {
        assertMessage("spec.yaml:31: workloads[0].inject[0].container: container 2 not found in deployment/web; its containers: 0 app, 1 proxy",
                file("web", "two-containers.yaml", Optional.empty(), inj("DATABASE_URL").container(new ContainerRef.ByIndex(2))));
        assertMessage("spec.yaml:31: workloads[0].inject[0].container: container 'sidecar' not found in deployment/web; its containers: 0 app, 1 proxy",
                file("web", "two-containers.yaml", Optional.empty(), inj("DATABASE_URL").container(new ContainerRef.ByName("sidecar"))));
    }

    @Test
    void aWorkloadOutsideTheProvidersNamespacesFails() {
        WorkloadSpec web = file("web", "two-containers.yaml", Optional.empty(), inj("DATABASE_URL"));
        SpecException e = assertThrows(SpecException.class, () -> Workloads.build(spec(AgentMode.BOTH, List.of("staging", "prod"), web)));
        assertEquals("spec.yaml:31: workloads[0].inject[0]: deployment/web runs in namespace 'apps' but provider 'app' of manager 'backend' "
                + "delivers only to staging, prod; add 'apps' to the provider's namespaces or inject a provider that delivers there", e.getMessage());
    }

    @Test
    void anEnvironmentVariableTheManifestSetsIsNotOverwritten() {
        assertMessage("spec.yaml:31: workloads[0].inject[0].as: environment variable 'DB_HOST' is already set in the manifest "
                + "(deployment/web, container 0 app); choose another name with as:, or remove it from the manifest",
                file("web", "two-containers.yaml", Optional.empty(), inj("DATABASE_URL").as("DB_HOST")));
    }

    @Test
    void aVolumeInjectionNeedsAMountPath() {
        assertMessage("spec.yaml:31: workloads[0].inject[0].mountPath: a volume injection needs mountPath: the directory the file appears in, e.g. /etc/secrets",
                file("web", "two-containers.yaml", Optional.empty(), inj("DATABASE_URL").kind(InjectionKind.VOLUME)));
    }

    @Test
    void aKindTheProviderCannotDoListsTheKindsItCan() {
        assertMessage("spec.yaml:31: workloads[0].inject[0].kind: provider 'registry' (dockerconfigjson) supports imagePullSecrets, not env",
                file("web", "two-containers.yaml", Optional.empty(), inj("DOCKER_REGISTRY_TOKEN").kind(InjectionKind.ENV)));
    }

    @Test
    void aBrokenManifestIsReportedAtTheWorkloadsFile() {
        WorkloadSpec broken = file("web", "two-containers.yaml", Optional.empty(), inj("DATABASE_URL"));
        WorkloadSpec missing = new WorkloadSpec("web", Optional.of(FIXTURES.resolve("missing.yaml")), Optional.empty(), Optional.empty(),
                broken.inject(), broken.where());
        assertMessage("spec.yaml:20: workloads[0].file: " + FIXTURES.resolve("missing.yaml")
                + ": no such file; check the workload's file: (relative to the spec's directory)", missing);
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static void assertMessage(String expected, WorkloadSpec workload) {
        SpecException e = assertThrows(SpecException.class, () -> Workloads.build(spec(AgentMode.BOTH, List.of("apps"), workload)));
        assertEquals(expected, e.getMessage());
        assertNoValue(e.getMessage());
    }

    private static void assertRef(EnvVar env, String secret, String key) {
        assertNull(env.getValue(), env.getName() + " holds no value");
        assertEquals(List.of(secret, key), List.of(env.getValueFrom().getSecretKeyRef().getName(), env.getValueFrom().getSecretKeyRef().getKey()));
    }

    private static void assertNoValue(String text) {
        for (String value : VALUES.values()) {
            assertFalse(text.contains(value), "a value leaked");
        }
        assertFalse(text.contains("s3cr3t"), "a value leaked");
    }

    /** Builds, writes YAML, checks it holds no value and reads it back: what a user applies. */
    private static List<HasMetadata> roundTrip(DeliverySpec spec) {
        List<HasMetadata> built = Workloads.build(spec);
        String yaml = Manifests.yaml(built);
        assertNoValue(yaml);
        List<HasMetadata> read = Manifests.read("generated.yaml", yaml);
        assertEquals(built, read);
        return read;
    }

    static Where at(String field, int line) {
        return new Where("spec.yaml", line, field);
    }

    static DeliverySpec spec(AgentMode mode, List<String> appNamespaces, WorkloadSpec... workloads) {
        return spec(backend(mode, appNamespaces), workloads);
    }

    static DeliverySpec spec(ManagerSpec manager, WorkloadSpec... workloads) {
        return new DeliverySpec("spec.yaml", Optional.empty(), ConflictPolicy.DEFAULTS, List.of(manager), List.of(workloads));
    }

    static ManagerSpec backend(AgentMode mode, List<String> appNamespaces) {
        Where m = at("managers[0]", 2);
        Map<String, ConnectorSpec> connectors = new LinkedHashMap<>();
        connectors.put("lit", new ConnectorSpec.Literal("lit", VALUES, at("managers[0].connectors.lit", 4)));
        connectors.put("vault", new ConnectorSpec.Coffer("vault", Optional.of("prod"), at("managers[0].connectors.vault", 5)));
        Map<String, ProviderSpec> providers = new LinkedHashMap<>();
        providers.put("app", new ProviderSpec.Opaque("app", "backend-app", appNamespaces, at("managers[0].providers.app", 7)));
        providers.put("registry", new ProviderSpec.DockerConfigJson("registry", "regcred", List.of("apps"), at("managers[0].providers.registry", 8)));
        providers.put("tls", new ProviderSpec.Tls("tls", "web-tls", List.of("apps"), at("managers[0].providers.tls", 9)));
        providers.put("agent", new ProviderSpec.Agent("agent", AGENT_IMAGE, mode, "http://coffer.coffer.svc:8480",
                ProviderSpec.Agent.DEFAULT_AUDIENCE, ProviderSpec.Agent.DEFAULT_MOUNT_PATH, List.of("apps"), at("managers[0].providers.agent", 10)));
        List<SecretSpec> secrets = List.of(
                secret("DATABASE_URL", null, null, null, null, 12),
                secret("SIDECAR_TOKEN", null, null, null, null, 13),
                secret("API_KEY", null, null, null, "api-key", 14),
                secret("DOCKER_REGISTRY_TOKEN", null, "registry", null, null, 15),
                secret("web-tls", null, "tls", null, null, 16),
                secret("db-password", "vault", "agent", "payments/db-password", null, 17),
                secret("api-token", "vault", "agent", "payments/api-token@3", null, 18));
        return new ManagerSpec("backend", connectors, Optional.of("lit"), providers, Optional.of("app"), secrets, m);
    }

    static SecretSpec secret(String name, String connector, String provider, String path, String key, int line) {
        return new SecretSpec(name, Optional.ofNullable(connector), Optional.ofNullable(provider), Optional.ofNullable(path),
                Optional.ofNullable(key), at("managers[0].secrets[" + (line - 12) + "]", line));
    }

    static WorkloadSpec file(String id, String fixture, Optional<String> defaultResource, Inj... injections) {
        List<InjectionSpec> list = new ArrayList<>();
        for (int i = 0; i < injections.length; i++) {
            list.add(injections[i].build(i));
        }
        return new WorkloadSpec(id, Optional.of(FIXTURES.resolve(fixture)), Optional.empty(), defaultResource, list, at("workloads[0]", 20));
    }

    static Inj inj(String secret) {
        return new Inj(secret);
    }

    /** An injection as the reader would build it from {@code workloads[0].inject[i]} at line 31 + i. */
    static final class Inj {
        final String secret;
        String provider;
        InjectionKind kind;
        String as;
        ContainerRef container;
        String resource;
        String mountPath;

        Inj(String secret) {
            this.secret = secret;
        }

        Inj provider(String p) { provider = p; return this; }
        Inj kind(InjectionKind k) { kind = k; return this; }
        Inj as(String a) { as = a; return this; }
        Inj container(ContainerRef c) { container = c; return this; }
        Inj resource(String r) { resource = r; return this; }
        Inj mountPath(String p) { mountPath = p; return this; }

        InjectionSpec build(int i) {
            return new InjectionSpec("backend", Optional.ofNullable(secret), Optional.ofNullable(provider), Optional.ofNullable(kind),
                    Optional.ofNullable(as), Optional.ofNullable(container), Optional.ofNullable(resource), Optional.ofNullable(mountPath),
                    at("workloads[0].inject[" + i + "]", 31 + i));
        }
    }
}
