package dev.coffer.config.remote;

import dev.coffer.spi.access.AccessContext;
import java.util.Objects;

/**
 * Where {@link RemoteSecretManager} gets the bearer token it sends for a call. The server derives
 * the caller (principal, groups, tenant, mfa, cluster) from the token alone, so the token must
 * stand for {@code ctx.principal()}; a source that serves one fixed identity simply ignores
 * {@code ctx}.
 *
 * <p>Implementations are called for every request, from any thread; cache what is expensive.
 * Tokens are credentials: implementations never log them, and {@link RemoteSecretManager} never
 * puts them in an exception message.
 *
 * <pre>{@code
 * BearerToken token = BearerToken.fixed(System.getenv("COFFER_TOKEN"));
 * }</pre>
 */
@FunctionalInterface
public interface BearerToken {
    /**
     * The token for a call made with {@code ctx}, without the {@code Bearer } prefix.
     *
     * @param ctx the caller's access context
     * @return a compact JWT; never {@code null} or blank
     */
    String tokenFor(AccessContext ctx);

    /** The same token for every call, e.g. a service's or an operator's token. */
    static BearerToken fixed(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isBlank()) {
            throw new IllegalArgumentException("token must not be blank");
        }
        return new BearerToken() {
            @Override
            public String tokenFor(AccessContext ctx) {
                return token;
            }

            @Override
            public String toString() {
                return "BearerToken.fixed[redacted]";
            }
        };
    }
}
