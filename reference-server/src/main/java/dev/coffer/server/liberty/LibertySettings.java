package dev.coffer.server.liberty;

import dev.coffer.server.auth.TokenBounds;
import dev.coffer.spi.internal.Durations;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.SecretPath;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * The MicroProfile Config keys the Liberty deployment reads.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><td>{@value #DATA_DIR}</td><td>{@code coffer-data} (relative to the server's output directory)</td><td>holds the H2 database, the local root keyset and the audit checkpoints ({@code audit-checkpoints.jsonl}; always used)</td></tr>
 *   <tr><td>{@value #DB_URL}</td><td>H2 file in the data directory</td><td>{@code jdbc:postgresql://host:5432/coffer} for production</td></tr>
 *   <tr><td>{@value #DB_USER}, {@value #DB_PASSWORD}</td><td>none</td><td>database credentials</td></tr>
 *   <tr><td>{@value #DB_POOL_SIZE}</td><td>10</td><td>connection pool size</td></tr>
 *   <tr><td>{@value #KEY_URI}</td><td>{@code local-keyset:<data>/root-keyset.json}</td><td>root key: {@code aws-kms://}, {@code gcp-kms://} with the Tink KMS jars</td></tr>
 *   <tr><td>{@value #BOOTSTRAP_POLICY}</td><td>{@code true}</td><td>install the {@code coffer-admins} policy in tenant {@code default} when missing</td></tr>
 *   <tr><td>{@value #MAX_TOKEN_LIFETIME}</td><td>{@code 366d}</td><td>refuse tokens whose {@code exp - iat} is longer</td></tr>
 *   <tr><td>{@value #PROTECTED_ENVIRONMENTS}</td><td>none</td><td>comma-separated environments where force delete
 *       is refused, even to administrators (e.g. {@code prod,staging}); the standalone {@code --protected-environment}</td></tr>
 *   <tr><td>{@value #CLOCK_SKEW}</td><td>{@code 30s}</td><td>how far {@code iat} may be ahead (server.xml passes the same
 *       variable to mpJwt's {@code clockSkew} for {@code exp})</td></tr>
 * </table>
 *
 * @param dataDir data directory
 * @param dbUrl JDBC URL, or {@code null} for the H2 file in {@code dataDir}
 * @param dbUser database user, or {@code null}
 * @param dbPassword database password, or {@code null}
 * @param poolSize connection pool size
 * @param keyUri root key URI, or {@code null} for the local keyset in {@code dataDir}
 * @param bootstrapPolicy whether to install the bootstrap admin policy
 * @param tokenBounds the token lifetime and {@code iat} bounds the Coffer filter checks after mpJwt
 * @param protectedEnvironments environments where force delete is refused
 */
public record LibertySettings(Path dataDir, String dbUrl, String dbUser, String dbPassword, int poolSize, String keyUri,
        boolean bootstrapPolicy, TokenBounds tokenBounds, List<String> protectedEnvironments) {
    public static final String DATA_DIR = "coffer.data-dir";
    public static final String DB_URL = "coffer.db.url";
    public static final String DB_USER = "coffer.db.user";
    public static final String DB_PASSWORD = "coffer.db.password";
    public static final String DB_POOL_SIZE = "coffer.db.pool-size";
    public static final String KEY_URI = "coffer.key-uri";
    public static final String BOOTSTRAP_POLICY = "coffer.bootstrap-admin-policy";
    public static final String MAX_TOKEN_LIFETIME = "coffer.jwt.max-token-lifetime";
    public static final String CLOCK_SKEW = "coffer.jwt.clock-skew";
    public static final String PROTECTED_ENVIRONMENTS = "coffer.protected-environments";

    public LibertySettings {
        protectedEnvironments = List.copyOf(protectedEnvironments);
        for (String environment : protectedEnvironments) {
            try {
                SecretPath.requireEnvironment(environment);
            } catch (InvalidRequestException e) {
                throw new IllegalArgumentException(PROTECTED_ENVIRONMENTS + ": " + e.getMessage(), e);
            }
        }
    }

    /** The settings {@code config} holds. */
    public static LibertySettings from(Config config) {
        return new LibertySettings(
                Path.of(text(config, DATA_DIR).orElse("coffer-data")),
                text(config, DB_URL).orElse(null),
                text(config, DB_USER).orElse(null),
                text(config, DB_PASSWORD).orElse(null),
                config.getOptionalValue(DB_POOL_SIZE, Integer.class).orElse(10),
                text(config, KEY_URI).orElse(null),
                config.getOptionalValue(BOOTSTRAP_POLICY, Boolean.class).orElse(true),
                new TokenBounds(Durations.parse(MAX_TOKEN_LIFETIME, text(config, MAX_TOKEN_LIFETIME).orElse(TokenBounds.DEFAULT_MAX_LIFETIME_TEXT)),
                        Durations.parse(CLOCK_SKEW, text(config, CLOCK_SKEW).orElse(TokenBounds.DEFAULT_CLOCK_SKEW_TEXT))),
                environments(text(config, PROTECTED_ENVIRONMENTS).orElse("")));
    }

    /** {@code prod, staging} as a list; blanks between commas are ignored. */
    static List<String> environments(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static Optional<String> text(Config config, String key) {
        return config.getOptionalValue(key, String.class).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "LibertySettings[dataDir=" + dataDir + ", dbUrl=" + dbUrl + ", dbUser=" + dbUser + ", poolSize=" + poolSize
                + ", keyUri=" + keyUri + ", bootstrapPolicy=" + bootstrapPolicy + ", tokenBounds=" + tokenBounds + ", protectedEnvironments=" + protectedEnvironments + "]";
    }
}
