package dev.coffer.server.k8s.workload;

import dev.coffer.server.k8s.spec.ProviderSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import java.util.List;

/**
 * Where a secret lands in its provider's Secret: the Secret's name and the keys that hold it (one for
 * {@code opaque} and {@code dockerconfigjson}, two for {@code basic-auth} and {@code tls}).
 */
// TODO(lead): use provide.Placements once it exists, so the Secret written and the reference injected
// cannot disagree; this is the only copy of the rule in this package.
record Placement(String secretName, List<String> keys) {
    Placement {
        keys = List.copyOf(keys);
    }

    static Placement of(ProviderSpec.SecretProvider provider, SecretSpec secret) {
        List<String> keys;
        if (provider instanceof ProviderSpec.DockerConfigJson) {
            keys = List.of(".dockerconfigjson");
        } else if (provider instanceof ProviderSpec.BasicAuth) {
            keys = List.of("username", "password");
        } else if (provider instanceof ProviderSpec.Tls) {
            keys = List.of("tls.crt", "tls.key");
        } else {
            keys = List.of(secret.secretKey());
        }
        return new Placement(provider.name(), keys);
    }
}
