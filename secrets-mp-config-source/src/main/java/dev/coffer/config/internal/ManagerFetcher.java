package dev.coffer.config.internal;

import dev.coffer.config.cache.Fetcher;
import dev.coffer.config.settings.SecretMapping;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretListItem;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.WatchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads and lists through any {@link SecretManager} as one fixed caller. */
class ManagerFetcher implements Fetcher {
    private final SecretManager manager;
    private final AccessContext ctx;
    private final String description;

    ManagerFetcher(SecretManager manager, AccessContext ctx, String description) {
        this.manager = manager;
        this.ctx = ctx;
        this.description = description;
    }

    @Override
    public String read(SecretMapping mapping) {
        try (SecretContent content = manager.read(call(), mapping.secretPath(ctx.tenant()), mapping.selector())) {
            return content.value().asUtf8();
        }
    }

    @Override
    public List<String> list(String environment) {
        List<String> paths = new ArrayList<>();
        PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
        while (true) {
            Page<SecretListItem> p = manager.list(call(), SecretFilter.environment(environment), page);
            p.items().forEach(s -> paths.add(s.path().path()));
            if (p.nextPageToken() == null) {
                return paths;
            }
            page = page.next(p.nextPageToken());
        }
    }

    /** The kernel's (embedded) or the server's (remote) change stream, as the same caller. */
    @Override
    public Optional<ChangeSubscription> watch(WatchRequest request) {
        return Optional.of(manager.watch(call(), request));
    }

    /** A fresh request id per call, so audit and server logs tell calls apart. */
    private AccessContext call() {
        return ctx.withRequestId(null);
    }

    @Override
    public String describe() {
        return description;
    }
}
