package dev.coffer.server.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.settings.SecretMapping;
import dev.coffer.server.agent.AgentConfig;
import dev.coffer.server.agent.AgentConfigLoader;
import dev.coffer.server.agent.Format;
import dev.coffer.server.internal.EnvFile;
import dev.coffer.server.k8s.conflict.DeliveryConflictException;
import dev.coffer.server.k8s.connect.Connectors;
import dev.coffer.server.k8s.manifest.Manifests;
import dev.coffer.server.k8s.spec.ConflictLevel;
import dev.coffer.server.k8s.spec.ConnectorSpec;
import dev.coffer.server.k8s.spec.DeliverySpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.SpecException;
import dev.coffer.server.k8s.spec.SpecReader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files of {@code coffer k8s generate} for the examples of the source documents (Kubricate's
 * SecretManager and SecretRegistry guides, the managed-secrets operator), translated to our spec.
 * Each case is a directory under {@code src/test/resources/k8s/golden/}: {@code spec.yaml}, the
 * manifests it names, {@code environment.env} (the environment the {@code env} connectors read,
 * fake values) and either {@code expected.yaml} (exactly what {@code generate} prints) or
 * {@code expected-error.txt} (exactly the message; a case that must fail is one that has this file).
 * {@code -Dcoffer.golden.write=true} rewrites them; review the diff.
 *
 * <p>Text equality alone would bless whatever the code prints, so each case also reads its
 * {@code expected.yaml} back with kubernetes-model and checks what a cluster would act on: Secret
 * types, keys, decoded values, which container's variable references which key, the pull secret,
 * the namespaces, the agent's containers and volumes. And no label, annotation, message, note or
 * non-Secret object of any case holds a test value.
 */
class GoldenManifestsTest {
    static final Path CASES = Path.of("src/test/resources/k8s/golden").toAbsolutePath();

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(CASES)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void generateMatchesTheGoldenFile(String name) {
        Case c = Case.of(name);
        Path error = c.dir.resolve("expected-error.txt");
        Path expected = c.dir.resolve("expected.yaml");
        if (Files.exists(error)) {
            SpecException e = assertThrows(SpecException.class, c::generate, name + " must fail");
            c.assertNoValueIn(e.getMessage());
            GoldenFiles.assertMatches(error, e.getMessage() + "\n");
            return;
        }
        String yaml = c.generate();
        c.assertNoValueOutsideSecretData(yaml);
        GoldenFiles.assertMatches(expected, yaml);
    }

    @Test
    void everyCaseOfTheBriefIsHere() throws IOException {
        assertEquals(List.of("agent", "cross-manager-automerge", "cross-manager-conflict", "dockerconfigjson", "env-rename-container-index",
                "env-variable-missing", "intra-provider-merge", "two-namespaces", "two-teams", "unknown-resource"), cases().toList());
    }

    // ---- 1. two teams ------------------------------------------------------------------------------

    @Test
    void twoTeamsGetTheirOwnOpaqueSecretsAndDeployments() {
        Case c = Case.of("two-teams");
        List<HasMetadata> objects = c.expected();
        assertEquals(List.of("Secret apps/frontend-app-secrets", "Secret apps/backend-app-secrets", "Deployment apps/frontend-app",
                "Deployment apps/backend-app"), ids(objects));

        Secret frontend = secret(objects, "apps", "frontend-app-secrets");
        assertEquals("Opaque", frontend.getType());
        assertEquals(Map.of("FRONTEND_API_KEY", c.env("FRONTEND_FRONTEND_API_KEY"), "STRIPE_PUBLIC_KEY", c.env("FRONTEND_STRIPE_PUBLIC_KEY")),
                decoded(frontend));
        assertProvenance(frontend, "frontend", "app", "env:FRONTEND_FRONTEND_API_KEY,env:FRONTEND_STRIPE_PUBLIC_KEY");
        Secret backend = secret(objects, "apps", "backend-app-secrets");
        assertEquals(Map.of("DATABASE_URL", c.env("COFFER_SECRET_DATABASE_URL"), "JWT_SECRET", c.env("COFFER_SECRET_JWT_SECRET")), decoded(backend));
        assertProvenance(backend, "backend", "app", "env:COFFER_SECRET_DATABASE_URL,env:COFFER_SECRET_JWT_SECRET");

        Container web = container(deployment(objects, "frontend-app"), 0);
        assertEquals("frontend-app", web.getName());
        assertEquals(8080, web.getPorts().get(0).getContainerPort());
        assertEnv(web, "API_KEY", "frontend-app-secrets", "FRONTEND_API_KEY");
        assertEnv(web, "STRIPE_PUBLIC_KEY", "frontend-app-secrets", "STRIPE_PUBLIC_KEY");
        Deployment backendApp = deployment(objects, "backend-app");
        assertEquals(2, backendApp.getSpec().getReplicas());
        assertEnv(container(backendApp, 0), "DB_CONNECTION", "backend-app-secrets", "DATABASE_URL");
        assertEnv(container(backendApp, 0), "JWT_SECRET", "backend-app-secrets", "JWT_SECRET");
        assertEquals("backend/DATABASE_URL,backend/JWT_SECRET", backendApp.getMetadata().getAnnotations().get(Provenance.INJECTED));
        assertEquals(Provenance.COFFER, backendApp.getMetadata().getLabels().get(Provenance.MANAGED_BY));
    }

    // ---- 2. rename, container index, resources --------------------------------------------------------

    @Test
    void renamesGoIntoTheContainerByIndexAndTheResourceNamed() {
        Case c = Case.of("env-rename-container-index");
        List<HasMetadata> objects = c.expected();
        assertEquals(List.of("Secret apps/app-secrets", "Deployment apps/web", "Deployment apps/worker"), ids(objects));
        Secret secret = secret(objects, "apps", "app-secrets");
        assertEquals(List.of("pg_connection_string", "stripe_api_key", "APP_SECRET", "SIDECAR_TOKEN", "WORKER_SECRET"),
                List.copyOf(secret.getData().keySet()));
        assertEquals(c.env("COFFER_SECRET_pg_connection_string"), decoded(secret).get("pg_connection_string"));

        Deployment web = deployment(objects, "web");
        Container app = container(web, 0);
        Container sidecar = container(web, 1);
        assertEquals(List.of("app", "sidecar"), List.of(app.getName(), sidecar.getName()));
        assertEquals(List.of("LOG_LEVEL", "DATABASE_URL", "STRIPE_SECRET_KEY", "APP_SECRET"), names(app.getEnv()), "the manifest's own variable first");
        assertEquals("info", app.getEnv().get(0).getValue());
        assertEnv(app, "DATABASE_URL", "app-secrets", "pg_connection_string");
        assertEnv(app, "STRIPE_SECRET_KEY", "app-secrets", "stripe_api_key");
        assertEnv(app, "APP_SECRET", "app-secrets", "APP_SECRET");
        assertEquals(List.of("SIDECAR_TOKEN"), names(sidecar.getEnv()));
        assertEnv(sidecar, "SIDECAR_TOKEN", "app-secrets", "SIDECAR_TOKEN");
        assertEquals("backend/pg_connection_string,backend/stripe_api_key,backend/APP_SECRET,backend/SIDECAR_TOKEN",
                web.getMetadata().getAnnotations().get(Provenance.INJECTED));
        assertEquals(Map.of("app", "web"), web.getMetadata().getLabels(), "a user's manifest keeps its labels: coffer does not claim it");

        Deployment worker = deployment(objects, "worker");
        assertEquals(List.of("WORKER_SECRET"), names(container(worker, 0).getEnv()));
        assertEnv(container(worker, 0), "WORKER_SECRET", "app-secrets", "WORKER_SECRET");
        assertEquals("backend/WORKER_SECRET", worker.getMetadata().getAnnotations().get(Provenance.INJECTED));
    }

    // ---- 3. dockerconfigjson -----------------------------------------------------------------------

    @Test
    void aRegistryCredentialBecomesADockerConfigJsonSecretAndTheImagePullSecret() {
        Case c = Case.of("dockerconfigjson");
        List<HasMetadata> objects = c.expected();
        assertEquals(List.of("Secret apps/registry-secrets", "Deployment apps/api-service"), ids(objects));
        Secret secret = secret(objects, "apps", "registry-secrets");
        assertEquals("kubernetes.io/dockerconfigjson", secret.getType());
        assertEquals(List.of(".dockerconfigjson"), List.copyOf(secret.getData().keySet()));
        JsonObject auths = Json.createReader(new StringReader(decoded(secret).get(".dockerconfigjson"))).readObject().getJsonObject("auths");
        assertEquals(List.of("registry.example.com"), List.copyOf(auths.keySet()));
        JsonObject entry = auths.getJsonObject("registry.example.com");
        assertEquals("fake-registry-user-0201", entry.getString("username"));
        assertEquals("fake-registry-password-0202", entry.getString("password"));
        assertEquals("fake-registry-user-0201:fake-registry-password-0202",
                new String(Base64.getDecoder().decode(entry.getString("auth")), StandardCharsets.UTF_8));
        assertProvenance(secret, "platform", "registry", "env:COFFER_SECRET_DOCKER_REGISTRY_TOKEN");

        PodSpec pod = deployment(objects, "api-service").getSpec().getTemplate().getSpec();
        assertEquals(List.of("registry-secrets"), pod.getImagePullSecrets().stream().map(LocalObjectReference::getName).toList());
        assertTrue(pod.getContainers().get(0).getEnv().isEmpty(), "a pull secret is no variable");
    }

    // ---- 4. two namespaces -------------------------------------------------------------------------

    @Test
    void oneSecretIsDeliveredIntoEachTargetNamespaceUnderItsTargetName() {
        Case c = Case.of("two-namespaces");
        List<HasMetadata> objects = c.expected();
        assertEquals(List.of("Secret my-diet-dev/my-diet-oidc", "Secret my-diet-prod/my-diet-oidc", "Deployment my-diet-dev/my-diet",
                "Deployment my-diet-prod/my-diet"), ids(objects));
        for (String ns : List.of("my-diet-dev", "my-diet-prod")) {
            Secret secret = secret(objects, ns, "my-diet-oidc");
            assertEquals("Opaque", secret.getType());
            assertEquals(Map.of("oidc-client-secret", c.literal("oidc-client-secret")), decoded(secret));
            assertProvenance(secret, "my-diet", "oidc", "literal:oidc-client-secret");
            Deployment d = objects.stream().filter(o -> o instanceof Deployment && ns.equals(o.getMetadata().getNamespace()))
                    .map(Deployment.class::cast).findFirst().orElseThrow();
            assertEnv(container(d, 0), "OIDC_CLIENT_SECRET", "my-diet-oidc", "oidc-client-secret");
        }
        assertEquals(3, deploymentIn(objects, "my-diet-prod").getSpec().getReplicas());
    }

    // ---- 5. cross-manager conflict -----------------------------------------------------------------

    @Test
    void twoManagersProducingOneSecretFailNamingBothBeforeAnyValueIsRead() throws IOException {
        Case c = Case.of("cross-manager-conflict");
        // No environment at all: the conflict is found while planning, before any connector runs.
        DeliveryConflictException e = assertThrows(DeliveryConflictException.class, () -> Delivery.plan(c.spec()));
        assertEquals(ConflictLevel.CROSS_MANAGER, e.level());
        assertTrue(e.getMessage().startsWith("spec.yaml:17: managers[1].providers.app: "), e.getMessage());
        assertTrue(e.getMessage().contains("manager 'frontend'") && e.getMessage().contains("manager 'backend'"), e.getMessage());
        assertTrue(e.getMessage().contains("crossManager"), e.getMessage());
        assertEquals(Files.readString(c.dir.resolve("expected-error.txt")), e.getMessage() + "\n");
    }

    @Test
    void withAutoMergeTheTwoManagersShareOneSecret() {
        Case c = Case.of("cross-manager-automerge");
        List<HasMetadata> objects = c.expected();
        assertEquals(List.of("Secret apps/app-secrets", "Deployment apps/web"), ids(objects));
        Secret secret = secret(objects, "apps", "app-secrets");
        assertEquals(Map.of("FRONTEND_API_KEY", c.env("COFFER_SECRET_FRONTEND_API_KEY"), "DATABASE_URL", c.env("COFFER_SECRET_DATABASE_URL")),
                decoded(secret));
        // The first claim owns the object; the sources name both teams' variables.
        assertProvenance(secret, "frontend", "app", "env:COFFER_SECRET_FRONTEND_API_KEY,env:COFFER_SECRET_DATABASE_URL");
        Container web = container(deployment(objects, "web"), 0);
        assertEnv(web, "API_KEY", "app-secrets", "FRONTEND_API_KEY");
        assertEnv(web, "DB_CONNECTION", "app-secrets", "DATABASE_URL");
    }

    // ---- 6. intra-provider merge -------------------------------------------------------------------

    @Test
    void theSecretsOfOneProviderAreMergedIntoOneSecretsKeys() {
        Case c = Case.of("intra-provider-merge");
        List<HasMetadata> objects = c.expected();
        assertEquals(List.of("Secret apps/backend-app-secrets", "Deployment apps/backend"), ids(objects));
        Secret secret = secret(objects, "apps", "backend-app-secrets");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("DATABASE_URL", c.env("COFFER_SECRET_DATABASE_URL"));
        expected.put("redis-password", c.env("COFFER_SECRET_REDIS_PASSWORD"));
        expected.put("FEATURE_FLAGS_TOKEN", c.literal("FEATURE_FLAGS_TOKEN"));
        assertEquals(expected, decoded(secret));
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(secret.getData().keySet()), "keys in the order written");
        assertProvenance(secret, "backend", "app", "env:COFFER_SECRET_DATABASE_URL,env:COFFER_SECRET_REDIS_PASSWORD,literal:FEATURE_FLAGS_TOKEN");

        Deployment d = deployment(objects, "backend");
        Container app = container(d, 0);
        assertEquals(1, app.getEnvFrom().size());
        assertEquals("backend-app-secrets", app.getEnvFrom().get(0).getSecretRef().getName());
        assertEquals("backend/DATABASE_URL,backend/REDIS_PASSWORD,backend/FEATURE_FLAGS_TOKEN", d.getMetadata().getAnnotations().get(Provenance.INJECTED));
    }

    // ---- 7. the agent ------------------------------------------------------------------------------

    @Test
    void theAgentProviderGivesThePodTheAgentAndNoSecret() {
        Case c = Case.of("agent");
        assertFalse(Connectors.needsCoffer(c.spec()), "the agent reads Coffer in the pod; generate reads nothing");
        List<HasMetadata> objects = c.expected();
        assertEquals(List.of("ConfigMap apps/web-coffer-agent", "Deployment apps/web", "Service apps/web"), ids(objects));
        assertTrue(objects.stream().noneMatch(o -> o instanceof Secret), "the agent delivers through no Secret");

        PodSpec pod = deployment(objects, "web").getSpec().getTemplate().getSpec();
        assertEquals(List.of("app", "proxy"), pod.getContainers().stream().map(Container::getName).toList(), "no container added");
        assertEquals(List.of("coffer-agent-init", "coffer-agent"), pod.getInitContainers().stream().map(Container::getName).toList());
        Container init = pod.getInitContainers().get(0);
        Container sidecar = pod.getInitContainers().get(1);
        assertNull(init.getRestartPolicy(), "the init container runs once");
        assertTrue(init.getCommand().containsAll(List.of("agent", "--config", "/etc/coffer/agent.yaml", "--once")), init.getCommand().toString());
        assertEquals("Always", sidecar.getRestartPolicy(), "a native sidecar");
        assertFalse(sidecar.getCommand().contains("--once"));
        for (Container agent : pod.getInitContainers()) {
            assertEquals("registry.example.com/coffer:0.1.0", agent.getImage());
            assertEquals(true, agent.getSecurityContext().getReadOnlyRootFilesystem());
            Map<String, VolumeMount> mounts = byName(agent.getVolumeMounts(), VolumeMount::getName);
            assertEquals("/run/coffer/secrets", mounts.get("coffer-agent-files").getMountPath());
            assertNull(mounts.get("coffer-agent-files").getReadOnly(), "the agent writes the files");
            assertEquals("/var/run/secrets/coffer", mounts.get("coffer-agent-token").getMountPath());
            assertEquals("/etc/coffer", mounts.get("coffer-agent-config").getMountPath());
        }
        for (Container app : pod.getContainers()) {
            VolumeMount files = byName(app.getVolumeMounts(), VolumeMount::getName).get("coffer-agent-files");
            assertNotNull(files, app.getName() + " sees the files");
            assertEquals(List.of("/run/coffer/secrets", true), List.of(files.getMountPath(), files.getReadOnly()));
        }

        Map<String, Volume> volumes = byName(pod.getVolumes(), Volume::getName);
        assertEquals(List.of("coffer-agent-files", "coffer-agent-token", "coffer-agent-config"), List.copyOf(volumes.keySet()));
        assertEquals("Memory", volumes.get("coffer-agent-files").getEmptyDir().getMedium());
        assertEquals(new Quantity("1Mi"), volumes.get("coffer-agent-files").getEmptyDir().getSizeLimit());
        ServiceAccountTokenProjection token = volumes.get("coffer-agent-token").getProjected().getSources().get(0).getServiceAccountToken();
        assertEquals(List.of("coffer", 3600L, "token"), List.of(token.getAudience(), token.getExpirationSeconds(), token.getPath()));
        assertEquals("web-coffer-agent", volumes.get("coffer-agent-config").getConfigMap().getName());

        ConfigMap config = assertInstanceOf(ConfigMap.class, objects.get(0));
        assertEquals(Map.of(Provenance.MANAGED_BY, Provenance.COFFER, Provenance.MANAGER, "payments", Provenance.PROVIDER, "agent"),
                config.getMetadata().getLabels());
        assertEquals(Map.of(Provenance.SOURCES, "coffer:prod/payments/db-password#current,coffer:prod/payments/api-token@3"),
                config.getMetadata().getAnnotations(), "the references the agent reads");
        AgentConfig agent = AgentConfigLoader.parse("agent.yaml", config.getData().get("agent.yaml"), null);
        assertEquals("http://coffer.coffer.svc:8480", agent.server());
        assertEquals(Path.of("/var/run/secrets/coffer/token"), agent.tokenFile());
        assertEquals(List.of(Path.of("/run/coffer/secrets/db-password"), Path.of("/run/coffer/secrets/token")),
                agent.templates().stream().map(t -> t.destination()).toList());
        assertTrue(agent.templates().stream().allMatch(t -> t.format() == Format.RAW));
        assertEquals(SecretMapping.parse("templates[0].secret", "prod/payments/db-password#current"), agent.templates().get(0).secrets().get("secret"));
        assertEquals(SecretMapping.parse("templates[1].secret", "prod/payments/api-token@3"), agent.templates().get(1).secrets().get("secret"));
    }

    // ---- helpers -----------------------------------------------------------------------------------

    /** One case directory: its spec, its environment, and what it generates. */
    record Case(String name, Path dir) {
        static Case of(String name) {
            Path dir = CASES.resolve(name);
            assertTrue(Files.isDirectory(dir), dir + " is missing");
            return new Case(name, dir);
        }

        /** The spec, named {@code spec.yaml} in messages (not the machine's path), manifests resolved against the case. */
        DeliverySpec spec() {
            try {
                return SpecReader.parse("spec.yaml", Files.readString(dir.resolve("spec.yaml")), dir);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        Map<String, String> environment() {
            Path file = dir.resolve("environment.env");
            return Files.exists(file) ? EnvFile.read(file, name + "/environment.env") : Map.of();
        }

        String env(String variable) {
            return Objects.requireNonNull(environment().get(variable), variable);
        }

        String literal(String key) {
            return spec().managers().stream().flatMap(m -> m.connectors().values().stream())
                    .filter(ConnectorSpec.Literal.class::isInstance).map(l -> ((ConnectorSpec.Literal) l).values().get(key))
                    .filter(Objects::nonNull).findFirst().orElseThrow();
        }

        /** What {@code coffer k8s generate -f spec.yaml} prints, with the case's environment. */
        String generate() {
            DeliverySpec spec = spec();
            Delivery delivery = Delivery.plan(spec);
            delivery.notes().forEach(this::assertNoValueIn);
            List<HasMetadata> objects = delivery.objects(Connectors.builder(spec).environment(environment()).build());
            for (HasMetadata o : objects) {
                assertNoValueIn(String.valueOf(o.getMetadata().getLabels()));
                assertNoValueIn(String.valueOf(o.getMetadata().getAnnotations()));
                if (o instanceof Secret || o instanceof ConfigMap) {
                    assertTrue(o.getMetadata().getAnnotations().get(Provenance.SOURCES).matches("((env|literal|coffer):[^,]+,?)+"),
                            "the sources are named: " + o.getMetadata().getAnnotations());
                }
            }
            return Manifests.yaml(objects);
        }

        /** {@code expected.yaml} read back with kubernetes-model (written first when rewriting, whatever order tests run in). */
        List<HasMetadata> expected() {
            if (GoldenFiles.writing()) {
                GoldenFiles.assertMatches(dir.resolve("expected.yaml"), generate());
            }
            return Manifests.read(dir.resolve("expected.yaml"));
        }

        /** The case's test values: the environment's and the literal connectors'. */
        List<String> values() {
            List<String> values = new ArrayList<>(environment().values());
            for (ManagerSpec m : spec().managers()) {
                for (ConnectorSpec c : m.connectors().values()) {
                    if (c instanceof ConnectorSpec.Literal l) {
                        values.addAll(l.values().values());
                    }
                }
            }
            return values;
        }

        void assertNoValueIn(String text) {
            for (String v : values()) {
                // The failure names neither the value nor the text holding it.
                assertFalse(text.contains(v), name + ": a test value leaked (" + v.length() + " characters)");
                // a structured value's parts too (a registry credential's user and password; the registry is no secret)
                if (v.startsWith("{")) {
                    Json.createReader(new StringReader(v)).readObject().forEach((k, member) -> {
                        if (!k.equals("registry")) {
                            assertFalse(text.contains(((JsonString) member).getString()), name + ": member " + k + " of a test value in the text");
                        }
                    });
                }
            }
        }

        /** Only a Secret's data may hold a value (base64): everything else, taken apart, holds none. */
        void assertNoValueOutsideSecretData(String yaml) {
            List<HasMetadata> objects = Manifests.read("generated.yaml", yaml);
            for (HasMetadata o : objects) {
                String text = o instanceof Secret s
                        ? Manifests.yaml(List.of(new SecretBuilder(s).withData(Map.of()).build()))
                        : Manifests.yaml(List.of(o));
                assertNoValueIn(text);
                for (String v : values()) {
                    assertFalse(text.contains(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))), name + ": a base64 value");
                }
            }
        }
    }

    private static List<String> ids(List<HasMetadata> objects) {
        return objects.stream().map(o -> o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName()).toList();
    }

    private static Secret secret(List<HasMetadata> objects, String namespace, String name) {
        return objects.stream().filter(o -> o instanceof Secret && namespace.equals(o.getMetadata().getNamespace())
                && name.equals(o.getMetadata().getName())).map(Secret.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no Secret " + namespace + "/" + name + " in " + ids(objects)));
    }

    private static Deployment deployment(List<HasMetadata> objects, String name) {
        return objects.stream().filter(o -> o instanceof Deployment && name.equals(o.getMetadata().getName())).map(Deployment.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no Deployment " + name + " in " + ids(objects)));
    }

    private static Deployment deploymentIn(List<HasMetadata> objects, String namespace) {
        return objects.stream().filter(o -> o instanceof Deployment && namespace.equals(o.getMetadata().getNamespace()))
                .map(Deployment.class::cast).findFirst().orElseThrow();
    }

    private static Container container(Deployment d, int index) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(index);
    }

    /** The Secret's data, base64-decoded. */
    private static Map<String, String> decoded(Secret secret) {
        Map<String, String> out = new LinkedHashMap<>();
        secret.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        return out;
    }

    private static void assertProvenance(Secret secret, String manager, String provider, String sources) {
        assertEquals(Map.of(Provenance.MANAGED_BY, Provenance.COFFER, Provenance.MANAGER, manager, Provenance.PROVIDER, provider),
                secret.getMetadata().getLabels());
        assertEquals(Map.of(Provenance.SOURCES, sources), secret.getMetadata().getAnnotations());
    }

    /** {@code name} in {@code container} is a reference to {@code secret}'s {@code key}, holding no value itself. */
    private static void assertEnv(Container container, String name, String secret, String key) {
        EnvVar env = container.getEnv().stream().filter(e -> name.equals(e.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in container " + container.getName() + ": " + names(container.getEnv())));
        assertNull(env.getValue(), name + " holds no value");
        SecretKeySelector ref = env.getValueFrom().getSecretKeyRef();
        assertEquals(List.of(secret, key), List.of(ref.getName(), ref.getKey()), name + " in " + container.getName());
    }

    private static List<String> names(List<EnvVar> env) {
        return env.stream().map(EnvVar::getName).toList();
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        return items.stream().collect(Collectors.toMap(name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    }
}
