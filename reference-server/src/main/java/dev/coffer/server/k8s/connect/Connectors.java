package dev.coffer.server.k8s.connect;

import dev.coffer.server.k8s.spec.ConnectorSpec;
import dev.coffer.server.k8s.spec.DeliverySpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.ProviderSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import dev.coffer.server.k8s.spec.SpecException;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The connectors of one spec, one per {@link ConnectorSpec}, and which one each secret reads through.
 * Only a spec with a {@code coffer} connector needs a server.
 *
 * <pre>{@code
 * Connectors connectors = Connectors.builder(spec)
 *         .environment(System.getenv())
 *         .coffer(remoteSecretManager, ctx)      // only needed when needsCoffer(spec)
 *         .build();
 * LoadedValue v = connectors.load(manager, secret);
 * }</pre>
 */
public final class Connectors {
    private final Map<String, Map<String, Connector>> byManager;

    private Connectors(Map<String, Map<String, Connector>> byManager) {
        this.byManager = byManager;
    }

    /** A builder for {@code spec}'s connectors. */
    public static Builder builder(DeliverySpec spec) {
        return new Builder(spec);
    }

    /**
     * Whether {@code spec} needs a server: some secret that becomes a Secret reads a {@code coffer}
     * connector. Secrets of the {@code agent} provider do not count: the agent reads them in the
     * pod, at run time, so generating their manifests reads nothing.
     */
    public static boolean needsCoffer(DeliverySpec spec) {
        return spec.managers().stream().anyMatch(m -> m.connectors().values().stream()
                .anyMatch(c -> c instanceof ConnectorSpec.Coffer && readHere(m, c)));
    }

    /** Whether a secret that becomes a Secret (not one the agent reads at run time) reads {@code connector}. */
    private static boolean readHere(ManagerSpec manager, ConnectorSpec connector) {
        return manager.secrets().stream().anyMatch(s -> manager.connectorOf(s) == connector
                && !(manager.providerOf(s) instanceof ProviderSpec.Agent));
    }

    /**
     * Checks, without reading anything, that every secret read through a {@code coffer} connector
     * has a well-formed path (what {@code coffer k8s validate} can say before a server is involved).
     *
     * @throws SpecException at the first secret whose path is missing or malformed
     */
    public static void checkReferences(DeliverySpec spec) {
        for (ManagerSpec m : spec.managers()) {
            for (SecretSpec s : m.secrets()) {
                if (m.connectorOf(s) instanceof ConnectorSpec.Coffer coffer) {
                    CofferConnector.reference(coffer, m, s);
                }
            }
        }
    }

    /** The connector {@code secret} of {@code manager} reads through. */
    public Connector of(ManagerSpec manager, SecretSpec secret) {
        ConnectorSpec spec = manager.connectorOf(secret);
        Connector c = byManager.getOrDefault(manager.name(), Map.of()).get(spec.id());
        if (c == null) {
            throw new IllegalArgumentException("manager '" + manager.name() + "' is not of the spec these connectors were built for");
        }
        return c;
    }

    /** Loads {@code secret} of {@code manager} through its connector. */
    public LoadedValue load(ManagerSpec manager, SecretSpec secret) {
        return of(manager, secret).load(manager, secret);
    }

    /** Builds {@link Connectors}. */
    public static final class Builder {
        private final DeliverySpec spec;
        private Map<String, String> environment = Map.of();
        private SecretManager api;
        private AccessContext ctx;

        private Builder(DeliverySpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
        }

        /** The environment {@code env} connectors read (production: {@code System.getenv()}); empty unless given. */
        public Builder environment(Map<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** The client and caller {@code coffer} connectors read as. */
        public Builder coffer(SecretManager api, AccessContext ctx) {
            this.api = Objects.requireNonNull(api, "api");
            this.ctx = Objects.requireNonNull(ctx, "ctx");
            return this;
        }

        /**
         * The connectors.
         *
         * @throws SpecException at the first {@code coffer} connector a Secret's value is read through
         *     when no client was given (one only the agent reads needs none)
         */
        public Connectors build() {
            Map<String, Map<String, Connector>> all = new HashMap<>();
            for (ManagerSpec m : spec.managers()) {
                Map<String, Connector> mine = new HashMap<>();
                for (ConnectorSpec c : m.connectors().values()) {
                    Connector connector;
                    if (c instanceof ConnectorSpec.Coffer coffer && api == null && !readHere(m, c)) {
                        // Only the agent reads it, in the pod: nothing here loads through it.
                        connector = new Connector() {
                            @Override
                            public ConnectorSpec spec() {
                                return coffer;
                            }

                            @Override
                            public LoadedValue load(ManagerSpec manager, SecretSpec secret) {
                                throw new ConnectorException(secret.where(), Connector.describe(manager, secret)
                                        + " is read by the agent at run time, not by coffer k8s; no server is configured to read it here");
                            }
                        };
                    } else if (c instanceof ConnectorSpec.Coffer coffer) {
                        if (api == null) {
                            throw new SpecException(coffer.where(), "connector '" + coffer.id() + "' of manager '" + m.name()
                                    + "' reads from Coffer, but no server is configured; give --url and --token-file, or a coffer: section");
                        }
                        connector = new CofferConnector(coffer, api, ctx);
                    } else if (c instanceof ConnectorSpec.Env env) {
                        connector = new EnvConnector(env, environment);
                    } else {
                        connector = new LiteralConnector((ConnectorSpec.Literal) c);
                    }
                    mine.put(c.id(), connector);
                }
                all.put(m.name(), mine);
            }
            return new Connectors(all);
        }
    }
}
