package dev.coffer.server.k8s.connect;

import dev.coffer.server.k8s.spec.ConnectorSpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import java.util.Objects;

/**
 * {@code type: literal}: the value written in the spec under the secret's name (tests, examples).
 * Its source is {@code literal:<name>}.
 *
 * <pre>{@code
 * new LiteralConnector(new ConnectorSpec.Literal("inline", Map.of("API_KEY", "k"), where)).load(manager, apiKey);
 * }</pre>
 */
public final class LiteralConnector implements Connector {
    private final ConnectorSpec.Literal spec;

    public LiteralConnector(ConnectorSpec.Literal spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    @Override
    public ConnectorSpec.Literal spec() {
        return spec;
    }

    @Override
    public LoadedValue load(ManagerSpec manager, SecretSpec secret) {
        String value = spec.values().get(secret.name());
        if (value == null) {
            throw new ConnectorException(secret.where(), Connector.describe(manager, secret) + ": literal connector '"
                    + spec.id() + "' (" + spec.where() + ") has no value named '" + secret.name() + "'; add "
                    + secret.name() + " under its values (it has: " + String.join(", ", spec.values().keySet()) + ")");
        }
        try {
            return LoadedValue.of(value, "literal:" + secret.name());
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(secret.where(), Connector.describe(manager, secret) + ": " + e.getMessage());
        }
    }
}
