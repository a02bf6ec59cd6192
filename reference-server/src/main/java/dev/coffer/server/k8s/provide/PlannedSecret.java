package dev.coffer.server.k8s.provide;

import dev.coffer.server.k8s.conflict.Claim;
import dev.coffer.server.k8s.conflict.ConflictKey;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.ProviderSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One Secret the layout will build, after conflict resolution: its key, owner, and which secret
 * fills each data key. No values.
 *
 * <pre>{@code
 * for (PlannedSecret p : SecretLayout.plan(spec).secrets()) {
 *     System.out.println(p.key() + " " + p.keys());   // Secret.Opaque:apps/app-secrets [DATABASE_URL, API_KEY]
 * }
 * }</pre>
 *
 * @param key the conflict key ({@code Secret.Opaque:apps/app-secrets})
 * @param type the Kubernetes {@code type}
 * @param manager the owning manager (labels {@code coffer.dev/manager})
 * @param provider the owning provider (labels {@code coffer.dev/provider}; decides the layout)
 * @param fills the entries in order; for {@code dockerconfigjson} one per {@code auths} entry
 */
public record PlannedSecret(ConflictKey key, String type, ManagerSpec manager, ProviderSpec.SecretProvider provider,
        List<Claim.Fill> fills) {
    public PlannedSecret {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(provider, "provider");
        fills = List.copyOf(fills);
    }

    /** The namespace. */
    public String namespace() {
        return key.namespace();
    }

    /** The Secret's name. */
    public String name() {
        return key.name();
    }

    /** The data keys, in order. */
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        fills.forEach(f -> keys.add(f.key()));
        return keys;
    }
}
