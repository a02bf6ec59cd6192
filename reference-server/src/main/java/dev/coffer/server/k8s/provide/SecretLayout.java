package dev.coffer.server.k8s.provide;

import dev.coffer.server.k8s.Provenance;
import dev.coffer.server.k8s.conflict.Claim;
import dev.coffer.server.k8s.conflict.ConflictResolver;
import dev.coffer.server.k8s.connect.Connector;
import dev.coffer.server.k8s.connect.Connectors;
import dev.coffer.server.k8s.connect.LoadedValue;
import dev.coffer.server.k8s.spec.DeliverySpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.ProviderSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import dev.coffer.server.k8s.spec.SpecException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A spec's secrets laid out as Kubernetes Secrets: first {@link #plan(DeliverySpec) planned} (which
 * objects exist per provider and namespace, their keys, which secret fills each, conflicts settled;
 * no value read, so {@code validate} can run it), then {@link #build(Connectors) built} with values
 * loaded once per secret.
 *
 * <pre>{@code
 * SecretLayout layout = SecretLayout.plan(spec);   // throws DeliveryConflictException before any read
 * layout.reports().forEach(System.err::println);   // overwrites
 * List<Secret> secrets = layout.build(connectors);  // values base64 under data
 * }</pre>
 *
 * <ul>
 *   <li>{@code opaque}: {@code type: Opaque}, one key per secret; a structured value as its JSON text.</li>
 *   <li>{@code dockerconfigjson}: {@code .dockerconfigjson} = {@code {"auths":{"<registry>":{username,
 *       password, auth}}}} from each secret's {@code {username, password, registry}}.</li>
 *   <li>{@code basic-auth}: keys {@code username}, {@code password}.</li>
 *   <li>{@code tls}: keys {@code tls.crt}, {@code tls.key} from {@code {tls.crt, tls.key}} or
 *       {@code {cert, key}}, each a PEM block.</li>
 *   <li>{@code agent}: no Secret.</li>
 * </ul>
 * Labels and annotations ({@link Provenance}) name the manager, the provider and each key's source
 * (with the Coffer version read), never a value.
 */
public final class SecretLayout {
    /** The most Secrets one spec may produce. */
    public static final int MAX_OBJECTS = 1000;
    /** The most a Secret's data may hold (Kubernetes' limit). */
    public static final int MAX_SECRET_BYTES = 1 << 20;

    private final List<PlannedSecret> secrets;
    private final List<String> reports;

    private SecretLayout(List<PlannedSecret> secrets, List<String> reports) {
        this.secrets = List.copyOf(secrets);
        this.reports = List.copyOf(reports);
    }

    /**
     * The Secrets {@code spec} produces, in spec order (manager, provider, namespace; an object
     * keeps the place it was first claimed at).
     *
     * @throws dev.coffer.server.k8s.conflict.DeliveryConflictException at a conflict the policy does not settle
     * @throws SpecException when the spec would produce more than {@link #MAX_OBJECTS} Secrets
     */
    public static SecretLayout plan(DeliverySpec spec) {
        List<Claim> claims = new ArrayList<>();
        for (ManagerSpec manager : spec.managers()) {
            for (ProviderSpec provider : manager.providers().values()) {
                if (!(provider instanceof ProviderSpec.SecretProvider p)) {
                    continue; // the agent delivers at run time, through no Secret
                }
                List<SecretSpec> mine = manager.secrets().stream()
                        .filter(s -> manager.providerOf(s).id().equals(p.id())).toList();
                if (mine.isEmpty()) {
                    continue; // an empty Secret helps no workload
                }
                for (String namespace : p.namespaces()) {
                    if (claims.size() >= MAX_OBJECTS) {
                        throw new SpecException(p.where(), "the spec would produce more than " + MAX_OBJECTS
                                + " Secrets; split it into several specs");
                    }
                    List<Claim.Fill> fills = new ArrayList<>();
                    for (SecretSpec s : mine) {
                        for (String key : Placements.keys(p, s)) {
                            String slot = p instanceof ProviderSpec.DockerConfigJson
                                    ? key + "[" + manager.name() + "/" + s.name() + "]" : key;
                            fills.add(new Claim.Fill(key, slot, manager, s));
                        }
                    }
                    claims.add(new Claim(Placements.conflictKey(p, namespace), manager, p, fills));
                }
            }
        }
        ConflictResolver.Resolution resolution = new ConflictResolver(spec.conflicts()).resolve(claims);
        List<PlannedSecret> planned = new ArrayList<>();
        for (ConflictResolver.Resolved r : resolution.objects()) {
            Claim owner = r.owner();
            ProviderSpec.SecretProvider p = (ProviderSpec.SecretProvider) owner.provider();
            planned.add(new PlannedSecret(r.key(), Placements.kubernetesType(p), owner.manager(), p, r.fills()));
        }
        return new SecretLayout(planned, resolution.reports());
    }

    /** The Secrets planned, in order. */
    public List<PlannedSecret> secrets() {
        return secrets;
    }

    /**
     * Where {@code secret} of {@code manager} actually lands after conflict resolution: like
     * {@link Placements#of(ManagerSpec, SecretSpec)}, less the namespaces where an {@code overwrite}
     * replaced its object or key (so an injection can be refused instead of pointing at a key that
     * will not exist).
     */
    public List<Placement> placements(ManagerSpec manager, SecretSpec secret) {
        List<Placement> out = new ArrayList<>();
        for (PlannedSecret planned : secrets) {
            List<String> keys = planned.fills().stream()
                    .filter(f -> f.manager().name().equals(manager.name()) && f.secret().name().equals(secret.name()))
                    .map(Claim.Fill::key).distinct().toList();
            if (!keys.isEmpty()) {
                out.add(new Placement(planned.namespace(), planned.name(), planned.type(), keys));
            }
        }
        return out;
    }

    /** One line per overwrite the policy made (no values). */
    public List<String> reports() {
        return reports;
    }

    /**
     * The Secrets with their values, in plan order; each secret is loaded once, however many
     * namespaces or objects it lands in.
     *
     * @throws dev.coffer.server.k8s.connect.ConnectorException when a value cannot be loaded
     * @throws SpecException when a value does not have the shape its provider needs (naming the
     *     secret and the missing member, never the value)
     */
    public List<Secret> build(Connectors connectors) {
        Objects.requireNonNull(connectors, "connectors");
        Map<String, LoadedValue> loaded = new HashMap<>();
        List<Secret> out = new ArrayList<>();
        for (PlannedSecret planned : secrets) {
            Map<String, String> data = new LinkedHashMap<>();
            Set<String> sources = new LinkedHashSet<>();
            long bytes = 0;
            if (planned.provider() instanceof ProviderSpec.DockerConfigJson) {
                JsonObjectBuilder auths = Json.createObjectBuilder();
                Map<String, Claim.Fill> registries = new HashMap<>();
                for (Claim.Fill fill : planned.fills()) {
                    LoadedValue v = load(connectors, loaded, fill);
                    sources.add(v.source());
                    Map<String, String> f = members(planned, fill, v, "username", "password", "registry");
                    Claim.Fill before = registries.putIfAbsent(f.get("registry"), fill);
                    if (before != null) {
                        throw new SpecException(fill.secret().where(), shape(planned, fill, v) + "it names the same registry as "
                                + before.describe() + "; a registry has one entry in auths: give one of them its own provider");
                    }
                    String auth = Base64.getEncoder().encodeToString((f.get("username") + ":" + f.get("password"))
                            .getBytes(StandardCharsets.UTF_8));
                    auths.add(f.get("registry"), Json.createObjectBuilder().add("username", f.get("username"))
                            .add("password", f.get("password")).add("auth", auth));
                }
                StringWriter json = new StringWriter();
                try (JsonWriter writer = Json.createWriter(json)) {
                    writer.writeObject(Json.createObjectBuilder().add("auths", auths).build());
                }
                bytes += put(data, Placements.DOCKER_CONFIG_KEY, json.toString());
            } else {
                for (Claim.Fill fill : planned.fills()) {
                    LoadedValue v = load(connectors, loaded, fill);
                    sources.add(v.source());
                    bytes += put(data, fill.key(), part(planned, fill, v));
                }
            }
            if (bytes > MAX_SECRET_BYTES) {
                throw new SpecException(planned.provider().where(), "Secret '" + planned.name() + "' in namespace '"
                        + planned.namespace() + "' would hold " + bytes + " bytes, more than the " + MAX_SECRET_BYTES
                        + " Kubernetes accepts; spread its secrets over several providers");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(Provenance.MANAGED_BY, Provenance.COFFER);
            labels.put(Provenance.MANAGER, planned.manager().name());
            labels.put(Provenance.PROVIDER, planned.provider().id());
            out.add(new SecretBuilder().withApiVersion("v1").withKind("Secret")
                    .withNewMetadata().withName(planned.name()).withNamespace(planned.namespace())
                    .withLabels(labels).withAnnotations(Map.of(Provenance.SOURCES, String.join(",", sources))).endMetadata()
                    .withType(planned.type()).withData(data).build());
        }
        return out;
    }

    /** The text of key {@code fill.key()} for a non-docker provider. */
    private static String part(PlannedSecret planned, Claim.Fill fill, LoadedValue v) {
        ProviderSpec.SecretProvider p = planned.provider();
        if (p instanceof ProviderSpec.Opaque) {
            return v.text();
        } else if (p instanceof ProviderSpec.BasicAuth) {
            return members(planned, fill, v, "username", "password").get(fill.key());
        }
        // tls: {tls.crt, tls.key} or {cert, key}
        Map<String, String> f = v.fields().orElse(Map.of());
        boolean kubernetesNames = f.containsKey("tls.crt") || f.containsKey("tls.key");
        Map<String, String> pem = kubernetesNames ? members(planned, fill, v, "tls.crt", "tls.key")
                : members(planned, fill, v, "cert", "key");
        String member = fill.key().equals("tls.crt") ? (kubernetesNames ? "tls.crt" : "cert") : (kubernetesNames ? "tls.key" : "key");
        String text = pem.get(member);
        if (!text.strip().startsWith("-----BEGIN")) {
            throw new SpecException(fill.secret().where(), shape(planned, fill, v) + "member '" + member
                    + "' is not a PEM block (it must start with -----BEGIN); give the PEM text of the "
                    + (fill.key().equals("tls.crt") ? "certificate chain" : "private key"));
        }
        return text;
    }

    /** The {@code names} members of a structured value, each present and not blank. */
    private static Map<String, String> members(PlannedSecret planned, Claim.Fill fill, LoadedValue v, String... names) {
        String wanted = "{" + String.join(", ", names) + "}";
        Map<String, String> f = v.fields().orElseThrow(() -> new SpecException(fill.secret().where(), shape(planned, fill, v)
                + "the value is not a flat JSON object; give " + wanted));
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : names) {
            String member = f.get(name);
            if (member == null || member.isBlank()) {
                throw new SpecException(fill.secret().where(), shape(planned, fill, v) + "the value has "
                        + (member == null ? "no member '" + name + "'" : "an empty member '" + name + "'")
                        + " (it has: " + String.join(", ", f.keySet()) + "); give " + wanted);
            }
            out.put(name, member);
        }
        return out;
    }

    /** How shape errors start: the secret, its source and the provider. */
    private static String shape(PlannedSecret planned, Claim.Fill fill, LoadedValue v) {
        return Connector.describe(fill.manager(), fill.secret()) + " (" + v.source() + ") for " + planned.provider().type()
                + " provider '" + planned.provider().id() + "' of manager '" + planned.manager().name() + "': ";
    }

    private static LoadedValue load(Connectors connectors, Map<String, LoadedValue> loaded, Claim.Fill fill) {
        String id = fill.manager().name() + "\u0000" + fill.secret().name();
        LoadedValue v = loaded.get(id);
        if (v == null) {
            v = connectors.load(fill.manager(), fill.secret());
            loaded.put(id, v);
        }
        return v;
    }

    private static long put(Map<String, String> data, String key, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        data.put(key, Base64.getEncoder().encodeToString(bytes));
        return bytes.length;
    }
}
