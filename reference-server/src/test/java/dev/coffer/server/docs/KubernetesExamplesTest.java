package dev.coffer.server.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.agent.AgentConfig;
import dev.coffer.server.agent.AgentConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The Kubernetes manifests of {@code docs/examples/kubernetes} (docs/delivery.md shows them): every
 * file is well-formed YAML of Kubernetes objects, the agent configurations the ConfigMap holds (and
 * those the docs show in {@code yaml} blocks) are accepted by the agent's own loader, and the Deployment's mounts, volumes, ConfigMap keys and agent
 * invocations agree with each other.
 */
class KubernetesExamplesTest {
    private static final Path DIR = DocBlocks.repoRoot().resolve("docs/examples/kubernetes");

    /** Every object of every manifest file, in file order. */
    private static List<Map<String, Object>> objects() throws IOException {
        List<Map<String, Object>> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                Load load = new Load(LoadSettings.builder().setLabel(file.toString()).setAllowDuplicateKeys(false).build());
                for (Object document : load.loadAllFromString(Files.readString(file))) {
                    assertTrue(document instanceof Map, file + ": a document that is not a mapping");
                    Map<String, Object> object = map(document);
                    for (String key : List.of("apiVersion", "kind", "metadata")) {
                        assertNotNull(object.get(key), file + ": no " + key);
                    }
                    assertNotNull(map(object.get("metadata")).get("name"), file + ": no metadata.name");
                    objects.add(object);
                }
            }
        }
        return objects;
    }

    @Test
    void everyManifestIsWellFormedYamlOfKubernetesObjects() throws IOException {
        List<String> kinds = objects().stream().map(o -> (String) o.get("kind")).sorted().toList();
        assertEquals(List.of("ConfigMap", "Deployment"), kinds);
    }

    @Test
    void everyAgentConfigurationInTheConfigMapIsAcceptedByTheAgent() throws IOException {
        Map<String, Object> configMap = only("ConfigMap");
        Map<String, Object> data = map(configMap.get("data"));
        assertFalse(data.isEmpty(), "the ConfigMap holds agent configurations");
        for (Map.Entry<String, Object> e : data.entrySet()) {
            AgentConfig config = AgentConfigLoader.parse(e.getKey(), (String) e.getValue(), DIR);
            assertFalse(config.templates().isEmpty(), e.getKey());
        }
    }

    @Test
    void everyAgentConfigurationShownInTheDocsIsAcceptedByTheAgent() {
        List<DocBlock> configs = DocBlocks.of("yaml").stream()
                .filter(b -> b.text().contains("token-file:") && b.text().contains("templates:")).toList();
        assertFalse(configs.isEmpty(), "the docs show an agent configuration");
        for (DocBlock b : configs) {
            AgentConfig config = AgentConfigLoader.parse(b.where(), b.text(), DIR);
            assertFalse(config.templates().isEmpty(), b.where());
        }
    }

    @Test
    void theDeploymentRunsTheAgentAsInitContainerOnceAndAsSidecarOnTheConfigMapsFilesWithTheVolumesItMounts()
            throws IOException {
        Map<String, Object> deployment = only("Deployment");
        Map<String, Object> pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
        assertEquals(Boolean.TRUE, pod.get("shareProcessNamespace"), "the sidecar signals the application");
        Map<String, Map<String, Object>> volumes = new java.util.HashMap<>();
        for (Object v : list(pod.get("volumes"))) {
            volumes.put((String) map(v).get("name"), map(v));
        }
        assertEquals("Memory", map(volumes.get("rendered").get("emptyDir")).get("medium"), "rendered files stay in memory");
        assertNotNull(volumes.get("coffer-token").get("projected"), "the token is a projected volume");
        String configMapName = (String) map(only("ConfigMap").get("metadata")).get("name");
        assertEquals(configMapName, map(volumes.get("agent-config").get("configMap")).get("name"));
        Set<String> keys = map(only("ConfigMap").get("data")).keySet();

        List<Object> init = list(pod.get("initContainers"));
        List<Object> containers = list(pod.get("containers"));
        Set<String> used = new HashSet<>();
        List<Object> all = new ArrayList<>(init);
        all.addAll(containers);
        for (Object c : all) {
            for (Object m : list(map(c).getOrDefault("volumeMounts", List.of()))) {
                String name = (String) map(m).get("name");
                assertTrue(volumes.containsKey(name), "mount of an undeclared volume " + name);
                used.add(name);
            }
        }
        assertEquals(volumes.keySet(), used, "every volume is mounted");
        List<String> initCommand = agentCommand(init, "coffer-agent-init");
        assertTrue(initCommand.contains("--once"), "the init container renders once: " + initCommand);
        List<String> sidecar = agentCommand(containers, "coffer-agent");
        assertFalse(sidecar.contains("--once"), "the sidecar keeps running: " + sidecar);
        for (List<String> command : List.of(initCommand, sidecar)) {
            String config = command.get(command.indexOf("--config") + 1);
            assertTrue(config.startsWith("/etc/coffer/") && keys.contains(config.substring("/etc/coffer/".length())),
                    config + " is a key of the ConfigMap " + keys);
        }
    }

    private static List<String> agentCommand(List<Object> containers, String name) {
        Map<String, Object> container = containers.stream().map(KubernetesExamplesTest::map)
                .filter(c -> name.equals(c.get("name"))).findFirst().orElseThrow(() -> new AssertionError("no container " + name));
        List<String> command = list(container.get("command")).stream().map(String.class::cast).toList();
        assertTrue(command.contains("agent") && command.contains("--config"), name + ": " + command);
        return command;
    }

    private static Map<String, Object> only(String kind) throws IOException {
        List<Map<String, Object>> found = objects().stream().filter(o -> kind.equals(o.get("kind"))).toList();
        assertEquals(1, found.size(), "one " + kind);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertTrue(o instanceof Map, "a mapping: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertTrue(o instanceof List, "a list: " + o);
        return (List<Object>) o;
    }
}
