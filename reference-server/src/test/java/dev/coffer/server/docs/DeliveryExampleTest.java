package dev.coffer.server.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.agent.AgentConfigLoader;
import dev.coffer.server.k8s.Delivery;
import dev.coffer.server.k8s.connect.Connectors;
import dev.coffer.server.k8s.manifest.Manifests;
import dev.coffer.server.k8s.spec.SpecReader;
import dev.coffer.server.support.RemoteFixture;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The delivery spec docs/kubernetes.md shows ({@code docs/examples/kubernetes/delivery}) plans
 * without a value, and generates against a real server: the backend's Coffer secret read through the
 * remote client, the frontend's and CI's from the environment, the agent's secret as a reference only.
 */
@ExtendWith(NoValueLeaks.class)
class DeliveryExampleTest {
    private static final Path SPEC = DocBlocks.repoRoot().resolve("docs/examples/kubernetes/delivery/delivery.yaml");

    @Test
    void theExamplePlansWithoutAValue() {
        Delivery delivery = Delivery.plan(SpecReader.read(SPEC));
        assertEquals(List.of("Secret.Opaque:apps/frontend-app-secrets", "Secret.Opaque:apps/backend-app-secrets",
                "Secret.dockerconfigjson:apps/registry-secrets"),
                delivery.layout().secrets().stream().map(s -> s.key().toString()).toList());
        assertEquals(List.of("Deployment apps/web", "Deployment apps/api", "ConfigMap apps/api-coffer-agent"),
                delivery.workloads().stream().map(o -> o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
                        .toList());
    }

    @Test
    void theExampleGeneratesAgainstARealServer() {
        String dbUrl = TestValues.text();
        String stripe = TestValues.text();
        String analytics = TestValues.text();
        String registryPassword = TestValues.text();
        try (RemoteFixture fixture = new RemoteFixture()) {
            AccessContext admin = fixture.admin();
            Secret secret = fixture.manager().create(admin,
                    NewSecret.builder(SecretPath.parse(fixture.tenant(), "prod/payments/db-url"), "payments").build());
            try (SecretValue value = SecretValue.ofUtf8(dbUrl)) {
                fixture.manager().addVersion(admin, secret.id(), NewVersion.current(value));
            }
            Delivery delivery = Delivery.plan(SpecReader.read(SPEC));
            Map<String, String> environment = Map.of("FRONTEND_STRIPE_PUBLIC_KEY", stripe, "FRONTEND_ANALYTICS_WRITE_KEY", analytics,
                    "COFFER_SECRET_DOCKER_REGISTRY_TOKEN", "{\"username\":\"ci\",\"password\":\"" + registryPassword
                            + "\",\"registry\":\"registry.example.com\"}");
            String yaml = Manifests.yaml(delivery.objects(Connectors.builder(delivery.spec()).environment(environment)
                    .coffer(fixture.manager(), admin).build()));
            List<HasMetadata> objects = Manifests.read("generated", yaml);

            io.fabric8.kubernetes.api.model.Secret backend = secret(objects, "backend-app-secrets");
            assertEquals(dbUrl, decode(backend.getData().get("DATABASE_URL")));
            assertEquals("coffer:prod/payments/db-url@1", backend.getMetadata().getAnnotations().get("coffer.dev/sources"));
            assertEquals(stripe, decode(secret(objects, "frontend-app-secrets").getData().get("STRIPE_PUBLIC_KEY")));
            assertTrue(decode(secret(objects, "registry-secrets").getData().get(".dockerconfigjson")).contains("registry.example.com"));

            Deployment web = deployment(objects, "web");
            Container nginx = web.getSpec().getTemplate().getSpec().getContainers().get(0);
            Container app = web.getSpec().getTemplate().getSpec().getContainers().get(1);
            assertEquals(List.of("STRIPE_PUBLIC_KEY", "ANALYTICS_TOKEN"), nginx.getEnv().stream().map(EnvVar::getName).toList());
            assertEquals("frontend-app-secrets", nginx.getEnv().get(1).getValueFrom().getSecretKeyRef().getName());
            assertEquals("ANALYTICS_WRITE_KEY", nginx.getEnv().get(1).getValueFrom().getSecretKeyRef().getKey());
            assertEquals("DB_CONNECTION", app.getEnv().get(0).getName());
            assertEquals("registry-secrets", web.getSpec().getTemplate().getSpec().getImagePullSecrets().get(0).getName());

            Deployment api = deployment(objects, "api");
            assertTrue(api.getSpec().getTemplate().getSpec().getInitContainers().stream().anyMatch(c -> c.getName().startsWith("coffer-agent")));
            ConfigMap agent = (ConfigMap) objects.stream().filter(o -> o instanceof ConfigMap).findFirst().orElseThrow();
            String agentYaml = agent.getData().get("agent.yaml");
            assertTrue(agentYaml.contains("prod/payments/db-password#current"), agentYaml);
            AgentConfigLoader.parse("agent.yaml", agentYaml, Path.of("/"));

            // Values are in the Secrets' data only: no label, annotation, workload or ConfigMap holds one.
            for (HasMetadata o : objects) {
                String meta = o.getMetadata().getLabels() + " " + o.getMetadata().getAnnotations();
                String whole = o instanceof io.fabric8.kubernetes.api.model.Secret ? meta : Manifests.yaml(List.of(o));
                for (String v : List.of(dbUrl, stripe, analytics, registryPassword)) {
                    assertFalse(whole.contains(v), o.getKind() + " " + o.getMetadata().getName() + " holds a value");
                }
            }
        }
    }

    private static io.fabric8.kubernetes.api.model.Secret secret(List<HasMetadata> objects, String name) {
        return (io.fabric8.kubernetes.api.model.Secret) objects.stream()
                .filter(o -> o instanceof io.fabric8.kubernetes.api.model.Secret && o.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    private static Deployment deployment(List<HasMetadata> objects, String name) {
        return (Deployment) objects.stream().filter(o -> o instanceof Deployment && o.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
