package dev.coffer.server.cli;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.model.SecretPath;
import java.util.function.BiFunction;

/**
 * One CLI command's connection: the client of the REST API ({@link dev.coffer.config.remote.RemoteSecretManager},
 * the one HTTP client the CLI, the ConfigSource and the agent share) and the caller's context, whose
 * request id goes out as {@code X-Request-Id} on every call of the command and is printed with any error.
 *
 * <pre>{@code
 * Session s = options.session();
 * Secret secret = s.call((api, ctx) -> api.update(ctx, id, update));
 * }</pre>
 *
 * @param api the client
 * @param ctx the caller (principal and tenant as the token names them), request id, reason and ticket
 */
record Session(SecretManager api, AccessContext ctx) {

    /**
     * Runs one call; a {@link SecretsException} becomes the one-line error the CLI prints: the code,
     * the server's detail, the route and the request id, with the exit code of its HTTP status.
     */
    <T> T call(BiFunction<SecretManager, AccessContext, T> operation) {
        try {
            return operation.apply(api, ctx);
        } catch (SecretsException e) {
            throw failure(e);
        }
    }

    /** The path {@code <environment>/<path>} in the caller's tenant. */
    SecretPath path(SecretArg ref) {
        return SecretPath.of(ctx.tenant(), ref.environment(), ref.path());
    }

    private CliException failure(SecretsException e) {
        String message = e.getMessage();
        StringBuilder line = new StringBuilder(e.code().name()).append(": ").append(message);
        // An answer of the server names the route and status; one without the request id (a proxy's
        // error page) still gets the id sent. A refusal before any request has no id to give.
        if (message.contains(": HTTP ") && !message.contains(ctx.requestId())) {
            line.append(" [request ").append(ctx.requestId()).append(']');
        }
        if (e.code() == ErrorCode.STORE_UNAVAILABLE && message.contains("cannot be reached")) {
            line.append(" (is the server running? set ").append(ClientOptions.ENV_URL).append(" or pass --url)");
        }
        return new CliException(ExitCodes.forStatus(e.code().httpStatus()), line.toString());
    }
}
