package dev.coffer.server.k8s.connect;

import dev.coffer.server.internal.EnvFile;
import dev.coffer.server.k8s.spec.ConnectorSpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * {@code type: env}: the value of variable {@code <prefix><name>} ({@code COFFER_SECRET_DATABASE_URL})
 * from the environment, else from the connector's {@code .env} file ({@link EnvFile}'s format,
 * read once, only when a variable is missing from the environment). The environment wins over the
 * file (unlike {@code coffer run --env-file}, where the file is the command's own): here the file
 * is a developer's fallback, and what CI exports must not be shadowed by a stale file. Its source
 * is {@code env:<VARIABLE>}.
 *
 * <pre>{@code
 * Connector env = new EnvConnector(spec, System.getenv());
 * }</pre>
 */
public final class EnvConnector implements Connector {
    private final ConnectorSpec.Env spec;
    private final Map<String, String> environment;
    private Map<String, String> fileVariables; // read on first need

    /** Reads {@code environment} (in production {@code System.getenv()}), then the spec's {@code envFile}. */
    public EnvConnector(ConnectorSpec.Env spec, Map<String, String> environment) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    @Override
    public ConnectorSpec.Env spec() {
        return spec;
    }

    /** The variable {@code secret} is read from. */
    public String variable(SecretSpec secret) {
        return spec.prefix() + secret.name();
    }

    @Override
    public LoadedValue load(ManagerSpec manager, SecretSpec secret) {
        String variable = variable(secret);
        String value = environment.get(variable);
        if (value == null && spec.envFile().isPresent()) {
            value = fileVariables(manager, secret).get(variable);
        }
        if (value == null) {
            String fix = spec.envFile().map(f -> "; export it, or add " + variable + "=... to " + f)
                    .orElse("; export it, or name an envFile on connector '" + spec.id() + "' (" + spec.where() + ")");
            String nor = spec.envFile().map(f -> Files.exists(f) ? " (nor in " + f.getFileName() + ")"
                    : " (and envFile " + f + " does not exist)").orElse("");
            throw new ConnectorException(secret.where(), Connector.describe(manager, secret) + ": environment variable "
                    + variable + " is not set" + nor + fix);
        }
        try {
            return LoadedValue.of(value, "env:" + variable);
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(secret.where(), Connector.describe(manager, secret) + ": " + e.getMessage());
        }
    }

    private synchronized Map<String, String> fileVariables(ManagerSpec manager, SecretSpec secret) {
        if (fileVariables == null) {
            Path file = spec.envFile().orElseThrow();
            if (!Files.exists(file)) {
                return Map.of(); // reported as "does not exist" with the missing variable
            }
            try {
                fileVariables = EnvFile.read(file, "envFile " + file);
            } catch (EnvFile.Invalid e) {
                throw new ConnectorException(spec.where(), "connector '" + spec.id() + "' of manager '" + manager.name()
                        + "': " + e.getMessage());
            }
        }
        return fileVariables;
    }
}
