package dev.coffer.server.k8s.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestsTest {
    static final Path FIXTURES = Path.of("src/test/resources/k8s");

    @Test
    void readsWorkloadKindsAsModelClassesAndOthersAsGeneric() {
        List<HasMetadata> objects = Manifests.read(FIXTURES.resolve("mixed.yaml"));
        assertEquals(4, objects.size());
        StatefulSet db = assertInstanceOf(StatefulSet.class, objects.get(0));
        assertEquals(new Quantity("10Gi"), db.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage"));
        GenericKubernetesResource monitor = assertInstanceOf(GenericKubernetesResource.class, objects.get(1));
        assertEquals("ServiceMonitor", monitor.getKind());
        assertEquals("prom", monitor.getMetadata().getLabels().get("release"));
        Service service = assertInstanceOf(Service.class, objects.get(2));
        assertEquals("pg", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        assertInstanceOf(Secret.class, objects.get(3));
        assertInstanceOf(CronJob.class, Manifests.read(FIXTURES.resolve("cronjob.yaml")).get(0));
    }

    @Test
    void writtenYamlReadsBackEqualAndIsDeterministic() {
        for (String fixture : List.of("mixed.yaml", "two-containers.yaml", "cronjob.yaml", "two-deployments.yaml")) {
            List<HasMetadata> objects = Manifests.read(FIXTURES.resolve(fixture));
            String yaml = Manifests.yaml(objects);
            List<HasMetadata> again = Manifests.read("out.yaml", yaml);
            assertEquals(objects, again, fixture);
            assertEquals(yaml, Manifests.yaml(again), fixture);
        }
    }

    @Test
    void writesBlockStyleDocumentsWithQuantitiesAndPortsAsKubernetesWritesThem() {
        String yaml = Manifests.yaml(Manifests.read(FIXTURES.resolve("two-containers.yaml")));
        // fabric8's property order: apiVersion, kind, metadata, spec; within them alphabetical, as kubectl writes.
        assertTrue(yaml.startsWith("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web\n    team: backend\n  name: web\n"), yaml);
        assertEquals(2, yaml.split("(?m)^---$").length - 1, yaml);
        assertTrue(yaml.contains("memory: 64Mi"), yaml);
        assertTrue(yaml.contains("targetPort: 8080"), yaml);
        assertFalse(yaml.contains("{"), "block style only: " + yaml);
        assertFalse(yaml.contains("null"), yaml);
    }

    @Test
    void skipsEmptyDocuments() {
        List<HasMetadata> objects = Manifests.read("x.yaml", "---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n");
        assertEquals(1, objects.size());
    }

    @Test
    void duplicateKeyNamesTheFileDocumentAndKey() {
        String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\n"
                + "data:\n  password: dG9wLXNlY3JldC12YWx1ZQ==\n  password: dG9wLXNlY3JldC12YWx1ZQ==\n";
        ManifestException e = assertThrows(ManifestException.class, () -> Manifests.read("dup.yaml", yaml));
        assertEquals("dup.yaml: document 2: is not valid YAML: line 10, column 3: found duplicate key password", e.getMessage());
    }

    @Test
    void aDocumentThatIsNotAnObjectIsNamedByIndex() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> Manifests.read("list.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n- a\n- b\n"));
        assertEquals("list.yaml: document 2: is not a Kubernetes object (a mapping with apiVersion, kind and metadata)", e.getMessage());
        e = assertThrows(ManifestException.class, () -> Manifests.read("nokind.yaml", "apiVersion: v1\nmetadata: {name: a}\n"));
        assertEquals("nokind.yaml: document 1: has no kind; every Kubernetes object names its apiVersion and kind", e.getMessage());
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedWithoutItsValue() {
        String yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: s3cr3t-not-a-number\n";
        ManifestException e = assertThrows(ManifestException.class, () -> Manifests.read("web.yaml", yaml));
        assertTrue(e.getMessage().startsWith("web.yaml: document 1 (apps/v1 Deployment web): field spec.replicas: is not what the Deployment model expects ("),
                e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void invalidYamlInASecretDoesNotQuoteTheLine() {
        String yaml = "apiVersion: v1\nkind: Secret\nmetadata: {name: b}\nstringData:\n  password: \"s3cr3t-unclosed\n";
        ManifestException e = assertThrows(ManifestException.class, () -> Manifests.read("bad.yaml", yaml));
        assertTrue(e.getMessage().startsWith("bad.yaml: document 1: is not valid YAML: line "), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void documentsAndSizeAreBounded(@TempDir Path dir) throws Exception {
        String many = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n".repeat(Manifests.MAX_DOCUMENTS + 1);
        ManifestException e = assertThrows(ManifestException.class, () -> Manifests.read("many.yaml", many));
        assertEquals("many.yaml: holds more than 256 documents; split it into several files", e.getMessage());
        Path big = dir.resolve("big.yaml");
        Files.write(big, new byte[Manifests.MAX_BYTES + 1]);
        e = assertThrows(ManifestException.class, () -> Manifests.read(big));
        assertEquals(big + ": is 4194305 bytes; a manifest is at most 4194304 bytes (split it into several files)", e.getMessage());
        e = assertThrows(ManifestException.class, () -> Manifests.read(dir.resolve("missing.yaml")));
        assertTrue(e.getMessage().endsWith("missing.yaml: no such file; check the workload's file: (relative to the spec's directory)"), e.getMessage());
    }

    @Test
    void aliasesAreBounded() {
        StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: &l {x: y}}\nlist:\n");
        for (int i = 0; i < 60; i++) {
            yaml.append("  - *l\n");
        }
        ManifestException e = assertThrows(ManifestException.class, () -> Manifests.read("alias.yaml", yaml.toString()));
        assertTrue(e.getMessage().startsWith("alias.yaml: document 1: is not valid YAML"), e.getMessage());
    }

    @Test
    void asMapLeavesNullsOut() {
        Deployment d = (Deployment) Manifests.read(FIXTURES.resolve("two-deployments.yaml")).get(0);
        Map<String, Object> map = Manifests.asMap(d);
        assertFalse(map.containsKey("status"));
        assertEquals(List.of("apiVersion", "kind", "metadata", "spec"), List.copyOf(map.keySet()));
    }
}
