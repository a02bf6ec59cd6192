package dev.coffer.server.k8s;

import dev.coffer.server.k8s.connect.Connectors;
import dev.coffer.server.k8s.provide.Placements;
import dev.coffer.server.k8s.provide.SecretLayout;
import dev.coffer.server.k8s.spec.DeliverySpec;
import dev.coffer.server.k8s.spec.InjectionSpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import dev.coffer.server.k8s.spec.SpecException;
import dev.coffer.server.k8s.spec.SpecReader;
import dev.coffer.server.k8s.spec.WorkloadSpec;
import dev.coffer.server.k8s.workload.Workloads;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * One delivery spec planned: everything that can be known without reading a value (the Secrets
 * and their keys after conflict resolution, the workloads with their injections, the agent's
 * ConfigMaps), and then, on {@link #objects(Connectors)}, the Secrets with their values.
 * {@code coffer k8s validate} stops at the plan; {@code generate}, {@code apply} and {@code diff}
 * read the values.
 *
 * <pre>{@code
 * Delivery delivery = Delivery.plan(SpecReader.read(Path.of("delivery.yaml")));
 * List<HasMetadata> objects = delivery.objects(Connectors.builder(delivery.spec()).environment(System.getenv()).build());
 * }</pre>
 */
public final class Delivery {
    private final DeliverySpec spec;
    private final SecretLayout layout;
    private final List<HasMetadata> workloads;

    private Delivery(DeliverySpec spec, SecretLayout layout, List<HasMetadata> workloads) {
        this.spec = spec;
        this.layout = layout;
        this.workloads = List.copyOf(workloads);
    }

    /**
     * Plans {@code spec}: conflicts resolved, Coffer references checked, workload manifests read and
     * injected. Reads no value and contacts no server.
     *
     * @throws dev.coffer.server.k8s.spec.SpecException at the first problem, with its file, line and field
     */
    public static Delivery plan(DeliverySpec spec) {
        Objects.requireNonNull(spec, "spec");
        SecretLayout layout = SecretLayout.plan(spec);
        Connectors.checkReferences(spec);
        List<HasMetadata> workloads = Workloads.build(spec);
        refuseInjectionsOfOverwrittenSecrets(spec, layout);
        return new Delivery(spec, layout, workloads);
    }

    /**
     * An {@code overwrite} strategy can leave a secret in no Secret at all (another provider's object
     * replaced the one it was in): an injection of it would reference a key that is not there.
     */
    private static void refuseInjectionsOfOverwrittenSecrets(DeliverySpec spec, SecretLayout layout) {
        for (WorkloadSpec workload : spec.workloads()) {
            for (InjectionSpec injection : workload.inject()) {
                ManagerSpec manager = spec.manager(injection.manager()).orElseThrow();
                if (injection.secret().isEmpty()) {
                    continue;
                }
                SecretSpec secret = manager.secret(injection.secret().get()).orElseThrow();
                if (!Placements.of(manager, secret).isEmpty() && layout.placements(manager, secret).isEmpty()) {
                    throw new SpecException(injection.where(), "secret '" + secret.name() + "' of manager '" + manager.name()
                            + "' is in no Secret: an overwrite of the conflict policy replaced the Secret it was in (see the notes"
                            + " of 'coffer k8s validate'); give its provider another name, or use autoMerge");
                }
            }
        }
    }

    /** The spec planned. */
    public DeliverySpec spec() {
        return spec;
    }

    /** The Secrets planned (no values). */
    public SecretLayout layout() {
        return layout;
    }

    /** The workload resources with their injections, then the agent ConfigMaps (no values in any). */
    public List<HasMetadata> workloads() {
        return workloads;
    }

    /** The spec's warnings, then one line per overwrite the conflict policy made. */
    public List<String> notes() {
        List<String> notes = new ArrayList<>(SpecReader.warnings(spec));
        notes.addAll(layout.reports());
        return notes;
    }

    /**
     * Every object to apply, in the order to apply them: the Secrets (values read once each through
     * {@code connectors}), the ConfigMaps, then the workloads.
     */
    public List<HasMetadata> objects(Connectors connectors) {
        List<HasMetadata> out = new ArrayList<>(layout.build(connectors));
        workloads.stream().filter(o -> o instanceof ConfigMap).forEach(out::add);
        workloads.stream().filter(o -> !(o instanceof ConfigMap)).forEach(out::add);
        return out;
    }

    /**
     * {@code objects} with every Secret's values ({@code data} and {@code stringData}) replaced by
     * {@code *** (N bytes)}: what {@code apply --dry-run} prints. The other objects hold no value and
     * are returned as they are.
     */
    public static List<HasMetadata> masked(List<HasMetadata> objects) {
        List<HasMetadata> out = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof Secret secret) {
                // A Secret a workload manifest brings along may hold its values under stringData too.
                // The MIME decoder counts what it can of a hand-written value that is not clean base64, instead of failing.
                Map<String, String> data = masked(secret.getData(), v -> Base64.getMimeDecoder().decode(v).length);
                Map<String, String> stringData = masked(secret.getStringData(), v -> v.getBytes(StandardCharsets.UTF_8).length);
                out.add(new SecretBuilder(secret).withData(data).withStringData(stringData).build());
            } else {
                out.add(o);
            }
        }
        return out;
    }

    /** {@code values} with each value replaced by {@code *** (N bytes)}; null stays null (the YAML leaves the field out). */
    private static Map<String, String> masked(Map<String, String> values, ToIntFunction<String> bytes) {
        if (values == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, "*** (" + (v == null ? 0 : bytes.applyAsInt(v)) + " bytes)"));
        return out;
    }
}
