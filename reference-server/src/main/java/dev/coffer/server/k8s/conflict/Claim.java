package dev.coffer.server.k8s.conflict;

import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.ProviderSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import java.util.List;
import java.util.Objects;

/**
 * One provider's object in one namespace, as the spec asks for it: its key and the entries its
 * secrets fill. No values.
 *
 * <pre>{@code
 * new Claim(new ConflictKey("Secret.Opaque", "apps", "app-secrets"), backend, appProvider,
 *         List.of(new Claim.Fill("DATABASE_URL", "DATABASE_URL", backend, databaseUrl)));
 * }</pre>
 *
 * @param key the object's conflict key
 * @param manager the manager of the provider
 * @param provider the provider
 * @param fills the entries in secret order (duplicates are the resolver's to find)
 */
public record Claim(ConflictKey key, ManagerSpec manager, ProviderSpec provider, List<Fill> fills) {
    public Claim {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(provider, "provider");
        fills = List.copyOf(fills);
    }

    /** {@code provider 'app' of manager 'backend' (spec.yaml:7: managers[0].providers.app)}. */
    public String describe() {
        return "provider '" + provider.id() + "' of manager '" + manager.name() + "' (" + provider.where() + ")";
    }

    /**
     * One secret's part of an object.
     *
     * @param key the data key it fills ({@code DATABASE_URL}, {@code username}, {@code .dockerconfigjson})
     * @param slot what must be unique within the object: the key itself, except where several
     *     secrets merge into one key (each {@code dockerconfigjson} secret is one {@code auths}
     *     entry: slot {@code .dockerconfigjson[<manager>/<secret>]})
     * @param manager the secret's manager
     * @param secret the secret
     */
    public record Fill(String key, String slot, ManagerSpec manager, SecretSpec secret) {
        public Fill {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(slot, "slot");
            Objects.requireNonNull(manager, "manager");
            Objects.requireNonNull(secret, "secret");
        }

        /** {@code secret 'B' of manager 'backend' (spec.yaml:12: managers[0].secrets[1])}. */
        public String describe() {
            return "secret '" + secret.name() + "' of manager '" + manager.name() + "' (" + secret.where() + ")";
        }
    }
}
