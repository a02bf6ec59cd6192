package dev.coffer.spi.kernel.internal;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.ResourcePattern;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.store.SecretStore;
import java.util.ArrayList;
import java.util.List;

/**
 * A secret listing as one caller sees it: only the secrets it may act on (any of read, write,
 * rotate, admin), with sealed page tokens ({@link PageTokenSeal}).
 *
 * <p>What a caller learns of secrets it cannot see is bounded. A caller whom no allow could grant
 * anything within the filter's scope gets an empty last page at once, without the store being
 * asked. Otherwise the listing reads store pages, skipping hidden secrets, until the page is full,
 * the store has no more, or {@value #SCAN_BUDGET} secrets have been examined. A full page carries
 * a token only if a further visible secret exists (looked ahead for within the same budget), so
 * hidden secrets after the last visible one leave no trace. The number of pages and the presence
 * of a token thus depend only on the visible secrets, except past {@value #SCAN_BUDGET} hidden
 * ones in a row: then a page (possibly empty) ends with a token.
 */
public final class SecretListing {
    /** The most secrets one call examines before it returns what it has (possibly nothing) and a token. */
    public static final int SCAN_BUDGET = 5_000;
    private static final Action[] METADATA = {Action.READ, Action.WRITE, Action.ROTATE, Action.ADMIN};

    private final SecretStore store;
    private final Authorizer authorizer;
    private final PageTokenSeal seal;
    private final int scanBudget;

    public SecretListing(SecretStore store, Authorizer authorizer, PageTokenSeal seal) {
        this(store, authorizer, seal, SCAN_BUDGET);
    }

    SecretListing(SecretStore store, Authorizer authorizer, PageTokenSeal seal, int scanBudget) {
        this.store = store;
        this.authorizer = authorizer;
        this.seal = seal;
        this.scanBudget = scanBudget;
    }

    /**
     * The caller's page.
     *
     * @throws dev.coffer.spi.error.InvalidRequestException {@code INVALID_ARGUMENT} for a page token
     *         not issued by this kernel for this caller and filter
     */
    public Page<Secret> page(AccessContext ctx, SecretFilter filter, PageRequest request) {
        String binding = PageTokenSeal.secretListing(ctx, filter);
        String cursor = request.pageToken() == null ? null : seal.open(request.pageToken(), binding);
        List<Policy> policies = authorizer.policiesOf(ctx);
        if (!authorizer.mayAllowAny(policies, ctx, scope(filter), METADATA)) {
            return new Page<>(List.of(), null);
        }
        List<Secret> visible = new ArrayList<>();
        int examined = 0;
        int chunk = request.limit();
        while (true) {
            int wanted = request.limit() - visible.size();
            int size = Math.min(PageRequest.MAX_LIMIT, Math.min(Math.max(wanted, chunk), scanBudget - examined));
            Round round = round(ctx, policies, filter, cursor, size, wanted);
            visible.addAll(round.visible());
            examined += round.examined();
            cursor = round.next();
            if (cursor == null) {
                return new Page<>(visible, null);
            }
            if (examined >= scanBudget) {
                return new Page<>(visible, seal.seal(cursor, binding));
            }
            if (visible.size() == request.limit()) {
                boolean more = anyVisibleAfter(ctx, policies, filter, cursor, scanBudget - examined);
                return new Page<>(visible, more ? seal.seal(cursor, binding) : null);
            }
            // Hidden secrets in the way: read larger store pages from here on.
            chunk = Math.min(PageRequest.MAX_LIMIT, chunk * 2);
        }
    }

    /** What one store page contributed. */
    private record Round(List<Secret> visible, int examined, String next) {}

    /**
     * One store page of up to {@code size} secrets after {@code cursor}, cut short when it holds
     * more than {@code wanted} visible ones: the store's tokens are opaque, so the page is asked
     * again up to the last secret kept, and its token then points right after that one.
     */
    private Round round(AccessContext ctx, List<Policy> policies, SecretFilter filter, String cursor, int size, int wanted) {
        int rows = size;
        while (true) {
            Page<Secret> page = store.listSecrets(ctx.tenant(), filter, new PageRequest(cursor, rows));
            List<Secret> items = page.items();
            List<Secret> kept = new ArrayList<>();
            int overflowAt = -1;
            for (int i = 0; i < items.size() && overflowAt < 0; i++) {
                if (visible(policies, ctx, filter, items.get(i))) {
                    if (kept.size() == wanted) {
                        overflowAt = i;
                    } else {
                        kept.add(items.get(i));
                    }
                }
            }
            if (overflowAt < 0) {
                return new Round(kept, items.size(), page.nextPageToken());
            }
            rows = overflowAt; // >= wanted >= 1 and smaller than before, so this ends
        }
    }

    /**
     * Whether a visible secret follows {@code cursor}, or {@code budget} secrets were examined
     * without telling. Reads small store pages first: right after a full page, the next secret is
     * usually visible.
     */
    private boolean anyVisibleAfter(AccessContext ctx, List<Policy> policies, SecretFilter filter, String cursor, int budget) {
        String at = cursor;
        int size = 1;
        int left = budget;
        while (left > 0) {
            Page<Secret> page = store.listSecrets(ctx.tenant(), filter, new PageRequest(at, Math.min(size, left)));
            if (page.items().stream().anyMatch(s -> visible(policies, ctx, filter, s))) {
                return true;
            }
            left -= page.items().size();
            at = page.nextPageToken();
            if (at == null) {
                return false;
            }
            size = Math.min(PageRequest.MAX_LIMIT, size * 2);
        }
        return true;
    }

    /**
     * Whether the caller sees {@code secret} in this listing: it passes the whole filter (a store
     * may ignore the labels) and the caller may act on it. Secrets without the labels count
     * against the scan budget like hidden ones.
     */
    private boolean visible(List<Policy> policies, AccessContext ctx, SecretFilter filter, Secret secret) {
        return filter.matches(secret) && authorizer.anyAllowed(policies, ctx, secret.path(), METADATA);
    }

    /**
     * The resources a filter can reach: {@code <environment>/<complete prefix segments>/*}, with
     * {@code +} for an open environment, or {@code *}.
     */
    static ResourcePattern scope(SecretFilter filter) {
        String prefix = filter.pathPrefix() == null ? "" : filter.pathPrefix();
        int lastSlash = prefix.lastIndexOf('/');
        String head = lastSlash <= 0 ? null : prefix.substring(0, lastSlash);
        if (head != null) {
            try {
                SecretPath.requirePath(head);
            } catch (SecretsException e) {
                head = null; // no secret's path can start like that; the broader scope is still right
            }
        }
        if (filter.environment() == null && head == null) {
            return Authorizer.TENANT_WIDE;
        }
        String environment = filter.environment() == null ? "+" : filter.environment();
        return ResourcePattern.parse(environment + "/" + (head == null ? "" : head + "/") + "*");
    }
}
