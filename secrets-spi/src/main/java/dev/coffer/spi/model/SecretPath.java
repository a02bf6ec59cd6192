package dev.coffer.spi.model;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a secret lives: a tenant, an environment and a slash-separated path. Written
 * {@code prod/payments/stripe-api-key} (environment first) inside a tenant.
 *
 * <ul>
 *   <li>tenant and environment: {@code [a-z][a-z0-9-]{0,62}}</li>
 *   <li>path: segments of {@code [A-Za-z0-9._-]+} joined by {@code /}; no empty, {@code .} or
 *       {@code ..} segment; at most {@value #MAX_PATH_LENGTH} characters</li>
 * </ul>
 *
 * <pre>{@code
 * SecretPath path = SecretPath.parse("acme", "prod/payments/stripe-api-key");
 * path.environment(); // "prod"
 * path.path();        // "payments/stripe-api-key"
 * }</pre>
 *
 * @param tenant the tenant that owns the secret
 * @param environment the environment, e.g. {@code prod}
 * @param path the path inside the environment, e.g. {@code payments/stripe-api-key}
 */
public record SecretPath(String tenant, String environment, String path) {
    /** The longest path (without environment) accepted. */
    public static final int MAX_PATH_LENGTH = 512;

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

    public SecretPath {
        requireTenant(tenant);
        requireEnvironment(environment);
        requirePath(path);
    }

    /** Builds a path from its three parts, validating each. */
    public static SecretPath of(String tenant, String environment, String path) {
        return new SecretPath(tenant, environment, path);
    }

    /**
     * Parses {@code <environment>/<path>} inside {@code tenant}.
     *
     * @throws InvalidRequestException with {@link ErrorCode#INVALID_PATH} naming the part and the rule it
     *     breaks; refused input is never quoted (it may be anything the caller pasted)
     */
    public static SecretPath parse(String tenant, String environmentAndPath) {
        if (environmentAndPath == null) {
            throw invalid("a secret path is required, written <environment>/<path>");
        }
        int slash = environmentAndPath.indexOf('/');
        if (slash < 0) {
            throw invalid("a secret path has no path after the environment; write <environment>/<path>");
        }
        return new SecretPath(tenant, environmentAndPath.substring(0, slash), environmentAndPath.substring(slash + 1));
    }

    /** Validates a tenant id. */
    public static String requireTenant(String tenant) {
        if (tenant == null || !NAME.matcher(tenant).matches()) {
            throw invalid("tenant must match [a-z][a-z0-9-]{0,62}");
        }
        return tenant;
    }

    /** Validates an environment name. */
    public static String requireEnvironment(String environment) {
        if (environment == null || !NAME.matcher(environment).matches()) {
            throw invalid("environment must match [a-z][a-z0-9-]{0,62}");
        }
        return environment;
    }

    /** Validates a path (without environment). */
    public static String requirePath(String path) {
        if (path == null || path.isEmpty()) {
            throw invalid("path must not be empty");
        }
        if (path.length() > MAX_PATH_LENGTH) {
            throw invalid("path is " + path.length() + " characters long; at most " + MAX_PATH_LENGTH + " are allowed");
        }
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty()) {
                throw invalid("path segment " + (i + 1) + " is empty; segments are joined by single slashes");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw invalid("path segment " + (i + 1) + " is '" + segment + "'; '.' and '..' segments are not allowed");
            }
            if (!SEGMENT.matcher(segment).matches()) {
                throw invalid("path segment " + (i + 1) + " must match [A-Za-z0-9._-]+");
            }
        }
        return path;
    }

    /** {@code <environment>/<path>}, the form used in policies, audit and the REST API. */
    public String qualifiedName() {
        return environment + "/" + path;
    }

    /** The path split into segments, environment first: the unit policy resources match on. */
    public String[] segments() {
        return qualifiedName().split("/");
    }

    @Override
    public String toString() {
        return tenant + ":" + qualifiedName();
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_PATH, message);
    }

}
