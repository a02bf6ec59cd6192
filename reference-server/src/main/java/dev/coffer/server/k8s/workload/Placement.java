package dev.coffer.server.k8s.workload;

import dev.coffer.server.k8s.provide.Placements;
import dev.coffer.server.k8s.spec.ProviderSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import java.util.List;

/**
 * Where a secret lands in its provider's Secret: the Secret's name and the keys that hold it (one for
 * {@code opaque} and {@code dockerconfigjson}, two for {@code basic-auth} and {@code tls}).
 */
// The keys come from provide.Placements, the rule the Secrets are written by: the reference injected
// and the Secret written cannot disagree.
record Placement(String secretName, List<String> keys) {
    Placement {
        keys = List.copyOf(keys);
    }

    static Placement of(ProviderSpec.SecretProvider provider, SecretSpec secret) {
        return new Placement(provider.name(), Placements.keys(provider, secret));
    }
}
