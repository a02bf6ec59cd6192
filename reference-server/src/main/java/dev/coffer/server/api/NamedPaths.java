package dev.coffer.server.api;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.SecretPath;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;

/**
 * The secret path named by a by-name route ({@code /v1/secrets/{environment}/{path}},
 * {@code /v1/metadata/...}), checked by the same {@link SecretPath} rules as a create.
 *
 * <p>It is taken from the request's raw path, not from the matched path parameters: those may
 * have lost matrix parameters ({@code ;x=1}), and a route that only matched lower-case
 * environments turned {@code Prod/db} into a routing 404. The raw path is percent-decoded (an
 * encoded unreserved character names the same path) and then must pass the rules, so
 * {@code prod/../etc/passwd} is {@code INVALID_PATH}, never a read of {@code etc/passwd}. A
 * container that resolved dot segments before the application sees the request would defeat
 * this; the standalone server's does not (tested over HTTP).
 */
final class NamedPaths {
    private NamedPaths() {}

    /** The path after {@code route} (e.g. {@code v1/secrets}) in the request, in {@code tenant}. */
    static SecretPath of(UriInfo uri, String tenant, String route) {
        String raw = uri.getRequestUri().getRawPath();
        String prefix = uri.getBaseUri().getRawPath() + route + "/";
        if (raw == null || !raw.startsWith(prefix)) {
            throw invalid("the request path does not name a secret under /" + route + "/");
        }
        String decoded;
        try {
            decoded = URI.create("/" + raw.substring(prefix.length())).getPath().substring(1);
        } catch (IllegalArgumentException e) {
            throw invalid("the request path is not a valid URI path");
        }
        return SecretPath.parse(tenant, decoded);
    }

    /**
     * The path after {@code route} and then {@code skip} more segments (e.g. the alias of
     * {@code v1/aliases/<alias>/<environment>/<path>}), in {@code tenant}.
     */
    static SecretPath after(UriInfo uri, String tenant, String route, int skip) {
        String raw = uri.getRequestUri().getRawPath();
        String prefix = uri.getBaseUri().getRawPath() + route + "/";
        if (raw == null || !raw.startsWith(prefix)) {
            throw invalid("the request path does not name a secret under /" + route + "/");
        }
        String rest = raw.substring(prefix.length());
        StringBuilder skipped = new StringBuilder(route);
        for (int i = 0; i < skip; i++) {
            int slash = rest.indexOf('/');
            if (slash < 0) {
                throw invalid("the request path does not name a secret under /" + route + "/");
            }
            skipped.append('/').append(rest, 0, slash);
            rest = rest.substring(slash + 1);
        }
        return of(uri, tenant, skipped.toString());
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_PATH, message);
    }
}
