package dev.coffer.config.internal;

import dev.coffer.config.remote.RemoteSecretManager;
import dev.coffer.config.remote.TokenFileBearerToken;
import dev.coffer.config.settings.SecretMapping;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.WatchRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The remote transport: {@link RemoteSecretManager} with a {@link TokenFileBearerToken}. A 401 is
 * retried once after re-reading the token file (the file may have been rotated between its stat
 * and the call); a second 401 goes to the cache, which treats it as revoked access.
 */
final class RemoteFetcher extends ManagerFetcher {
    /** Who the calls are made as locally; the server takes the caller from the token alone. */
    static final String PRINCIPAL = "service:coffer-config-source";

    private final TokenFileBearerToken token;

    private RemoteFetcher(RemoteSecretManager manager, AccessContext ctx, TokenFileBearerToken token) {
        super(manager, ctx, "Coffer server " + manager.baseUrl());
        this.token = token;
    }

    static RemoteFetcher create(URI url, java.nio.file.Path tokenFile, String tenant) {
        TokenFileBearerToken token = new TokenFileBearerToken(tokenFile);
        RemoteSecretManager manager = RemoteSecretManager.builder(url)
                .bearerToken(token)
                .connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(10))
                .build();
        return new RemoteFetcher(manager, AccessContext.of(Principal.of(PRINCIPAL, tenant)), token);
    }

    @Override
    public String read(SecretMapping mapping) {
        return once401(() -> super.read(mapping));
    }

    @Override
    public List<String> list(String environment) {
        return once401(() -> super.list(environment));
    }

    @Override
    public Optional<ChangeSubscription> watch(WatchRequest request) {
        return once401(() -> super.watch(request));
    }

    private <T> T once401(Supplier<T> call) {
        try {
            return call.get();
        } catch (AccessDeniedException e) {
            if (e.code() != ErrorCode.UNAUTHENTICATED) {
                throw e;
            }
            token.reload();
            return call.get();
        }
    }
}
