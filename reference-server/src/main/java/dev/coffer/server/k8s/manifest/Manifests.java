package dev.coffer.server.k8s.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.model.jackson.GoCompatibilityModule;
import io.fabric8.kubernetes.model.jackson.Jackson2JdkTypesModule;
import io.fabric8.kubernetes.model.jackson.UnmatchedFieldTypeModule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one reader and writer of Kubernetes manifests: multi-document YAML to typed fabric8
 * kubernetes-model objects and back. Workload kinds, Secrets, ConfigMaps and a few other core kinds
 * become their model classes; anything else is a {@link GenericKubernetesResource}, passed through
 * unchanged.
 *
 * <pre>{@code
 * List<HasMetadata> objects = Manifests.read(Path.of("k8s/web.yaml"));
 * Deployment web = (Deployment) objects.get(0);
 * String yaml = Manifests.yaml(objects);   // "---\napiVersion: apps/v1\nkind: Deployment\n..."
 * }</pre>
 *
 * <p>Reading is bounded ({@value #MAX_BYTES} bytes, {@value #MAX_DOCUMENTS} documents, no duplicate
 * keys, few aliases) and errors name the file and the document, never a value. Writing is
 * deterministic: the model's property order, block style, one {@code ---} per object.
 */
public final class Manifests {
    /** The largest manifest read, in bytes (and characters). */
    public static final int MAX_BYTES = 4 * 1024 * 1024;
    /** The most documents one manifest may hold. */
    public static final int MAX_DOCUMENTS = 256;

    // The model (fabric8 8.x) is annotated for Jackson 3: its Quantity and IntOrString (de)serializers
    // are tools.jackson ones, so Jackson 2 would write them as beans. The mapper is configured as
    // fabric8's own KubernetesSerialization configures its one: Jackson 2 compatible defaults,
    // Go-compatible numbers, unmatched field types, and NON_NULL inclusion (collections the model
    // marks NON_EMPTY stay out when empty).
    private static final ObjectMapper MAPPER = JsonMapper.builderWithJackson2Defaults()
            .addModule(new Jackson2JdkTypesModule())
            .addModule(new GoCompatibilityModule())
            .addModule(new UnmatchedFieldTypeModule())
            .disable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
            .changeDefaultPropertyInclusion(v -> JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS))
            .build();

    /** apiVersion + " " + kind to the model class; everything else is generic. */
    private static final Map<String, Class<? extends HasMetadata>> TYPES = Map.ofEntries(
            Map.entry("apps/v1 Deployment", Deployment.class),
            Map.entry("apps/v1 StatefulSet", StatefulSet.class),
            Map.entry("apps/v1 DaemonSet", DaemonSet.class),
            Map.entry("batch/v1 Job", Job.class),
            Map.entry("batch/v1 CronJob", CronJob.class),
            Map.entry("v1 Secret", Secret.class),
            Map.entry("v1 ConfigMap", ConfigMap.class),
            Map.entry("v1 Service", Service.class),
            Map.entry("v1 ServiceAccount", ServiceAccount.class),
            Map.entry("v1 Namespace", Namespace.class),
            Map.entry("v1 PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("v1 Pod", Pod.class));

    private Manifests() {}

    /**
     * Reads every object of the manifest file {@code file}, in document order (empty documents are
     * skipped).
     *
     * @throws ManifestException naming the file (and document) when it cannot be read
     */
    public static List<HasMetadata> read(Path file) {
        String name = file.toString();
        String text;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new ManifestException(name + ": is " + size + " bytes; a manifest is at most " + MAX_BYTES
                        + " bytes (split it into several files)");
            }
            // Decoded strictly: a replacement character would be silently read as data.
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new ManifestException(name + ": no such file; check the workload's file: (relative to the spec's directory)");
        } catch (CharacterCodingException e) {
            throw new ManifestException(name + ": is not UTF-8 text");
        } catch (IOException e) {
            throw new ManifestException(name + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        return read(name, text);
    }

    /**
     * Reads every object of {@code yaml} as if from a file named {@code name}.
     *
     * @throws ManifestException naming {@code name} and the document when it cannot be read
     */
    public static List<HasMetadata> read(String name, String yaml) {
        if (yaml.length() > MAX_BYTES) {
            throw new ManifestException(name + ": is " + yaml.length() + " characters; a manifest is at most " + MAX_BYTES);
        }
        LoadSettings settings = LoadSettings.builder().setLabel(name).setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(50).setAllowRecursiveKeys(false).setCodePointLimit(MAX_BYTES).build();
        List<HasMetadata> objects = new ArrayList<>();
        int index = 0;
        try {
            for (Object document : new Load(settings).loadAllFromString(yaml)) {
                index++;
                if (index > MAX_DOCUMENTS) {
                    throw new ManifestException(name + ": holds more than " + MAX_DOCUMENTS + " documents; split it into several files");
                }
                if (document == null) {
                    continue;
                }
                objects.add(object(name, index, document));
            }
        } catch (MarkedYamlEngineException e) {
            // The problem only: the context snippet would quote the line, which may hold a Secret's value.
            String at = e.getProblemMark().map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": ").orElse("");
            throw new ManifestException(name + ": document " + (index + 1) + ": is not valid YAML: " + at + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ManifestException(name + ": document " + (index + 1) + ": is not valid YAML (" + e.getClass().getSimpleName() + ")");
        }
        return objects;
    }

    private static HasMetadata object(String name, int index, Object document) {
        String doc = name + ": document " + index;
        if (!(document instanceof Map<?, ?> map)) {
            throw new ManifestException(doc + ": is not a Kubernetes object (a mapping with apiVersion, kind and metadata)");
        }
        String apiVersion = text(map.get("apiVersion"));
        String kind = text(map.get("kind"));
        if (apiVersion == null || kind == null) {
            throw new ManifestException(doc + ": has no " + (apiVersion == null ? "apiVersion" : "kind")
                    + "; every Kubernetes object names its apiVersion and kind");
        }
        String objectName = map.get("metadata") instanceof Map<?, ?> meta ? text(meta.get("name")) : null;
        String what = doc + " (" + apiVersion + " " + kind + (objectName == null ? "" : " " + objectName) + ")";
        Class<? extends HasMetadata> type = TYPES.getOrDefault(apiVersion + " " + kind, GenericKubernetesResource.class);
        try {
            return MAPPER.convertValue(map, type);
        } catch (JacksonException e) {
            // Jackson's own message may quote the offending value; name the field and the problem's type only.
            throw new ManifestException(what + ": field " + path(e) + ": is not what the " + kind
                    + " model expects (" + e.getClass().getSimpleName() + "); check its type against the Kubernetes API reference");
        } catch (IllegalArgumentException e) {
            throw new ManifestException(what + ": cannot be read as a " + kind + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String path(JacksonException e) {
        StringBuilder s = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                s.append(s.isEmpty() ? "" : ".").append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                s.append('[').append(r.getIndex()).append(']');
            }
        }
        return s.isEmpty() ? "(the object)" : s.toString();
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
    }

    /**
     * {@code objects} as multi-document YAML, each object opened by {@code ---}: the model's
     * property order, block style, nulls left out. The same objects always give the same text.
     */
    public static String yaml(List<? extends HasMetadata> objects) {
        DumpSettings settings = DumpSettings.builder().setExplicitStart(true).setDefaultFlowStyle(FlowStyle.BLOCK)
                .setSplitLines(false).build();
        Dump dump = new Dump(settings);
        StringBuilder out = new StringBuilder();
        for (HasMetadata object : objects) {
            out.append(dump.dumpToString(asMap(object)));
        }
        return out.toString();
    }

    /** {@code object} as the plain maps, lists and scalars its YAML is written from. */
    public static Map<String, Object> asMap(HasMetadata object) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = MAPPER.convertValue(object, Map.class);
        return map;
    }

    /** A deep copy of {@code object} (through its map form), so a change to the copy leaves the original alone. */
    public static <T extends HasMetadata> T copy(T object) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) object.getClass();
        return MAPPER.convertValue(asMap(object), type);
    }

    /** The model class {@code apiVersion}/{@code kind} is read as, if it is not generic. */
    static Optional<Class<? extends HasMetadata>> typeOf(String apiVersion, String kind) {
        return Optional.ofNullable(TYPES.get(apiVersion + " " + kind));
    }
}
