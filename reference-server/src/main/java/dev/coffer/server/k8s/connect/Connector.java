package dev.coffer.server.k8s.connect;

import dev.coffer.server.k8s.spec.ConnectorSpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.SecretSpec;

/**
 * Loads secrets' values for one connector of a spec.
 *
 * <pre>{@code
 * Connector env = new EnvConnector(spec, System.getenv());
 * LoadedValue v = env.load(manager, manager.secret("DATABASE_URL").orElseThrow());
 * }</pre>
 */
public interface Connector {
    /** The connector of the spec this loads for. */
    ConnectorSpec spec();

    /**
     * The value of {@code secret} of {@code manager}.
     *
     * @throws ConnectorException naming the secret, the manager, and the variable, path or key
     *     that failed (with the server's code for {@code coffer}), never a value
     */
    LoadedValue load(ManagerSpec manager, SecretSpec secret);

    /** {@code secret 'X' of manager 'm'}: how every error of a connector starts. */
    static String describe(ManagerSpec manager, SecretSpec secret) {
        return "secret '" + secret.name() + "' of manager '" + manager.name() + "'";
    }
}
