package dev.coffer.spi.kernel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.memory.InMemoryPolicyStore;
import dev.coffer.spi.memory.InMemorySecretStore;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.store.BeforeCommit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scan behind a listing: budget, look-ahead and the short cut for callers who may see nothing. */
class SecretListingTest {
    private static final String TENANT = "acme";
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final int BUDGET = 10;

    private final InMemorySecretStore store = new InMemorySecretStore();
    private final InMemoryPolicyStore policies = new InMemoryPolicyStore();
    private final SecretListing listing = new SecretListing(store, new Authorizer(policies), new PageTokenSeal(PageTokenSeal.randomKey()), BUDGET);
    private final AccessContext reader = AccessContext.of(Principal.of("user:reader", TENANT));
    private int ids;

    private void create(String environmentAndPath) {
        SecretPath path = SecretPath.parse(TENANT, environmentAndPath);
        store.createSecret(new Secret(String.format(Locale.ROOT, "sec_%026d", ids++), path, "team", null, null, null, Map.of(),
                T0, T0, null, null), BeforeCommit.none());
    }

    private void allowReader(String... resources) {
        policies.put(TENANT, Policy.allow("reader", List.of("user:reader"), List.of("secrets:read"), List.of(resources)), BeforeCommit.none());
    }

    private record Walk(List<String> names, List<Integer> pageSizes) {}

    private Walk walk(SecretFilter filter, int limit) {
        List<String> names = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        PageRequest page = PageRequest.first(limit);
        while (true) {
            Page<Secret> result = listing.page(reader, filter, page);
            result.items().forEach(s -> names.add(s.path().qualifiedName()));
            sizes.add(result.items().size());
            assertTrue(sizes.size() < 50, "pagination does not end");
            if (result.nextPageToken() == null) {
                return new Walk(names, sizes);
            }
            page = page.next(result.nextPageToken());
        }
    }

    @Test
    void pastTheBudgetOfHiddenSecretsAPageEndsEarlyWithAToken() {
        allowReader("prod/own/*");
        for (int i = 0; i < 25; i++) {
            create(String.format(Locale.ROOT, "prod/hidden/s%02d", i));
        }
        create("prod/own/a");
        // 25 hidden secrets before the visible one: two budgets' worth of empty pages, then the secret.
        assertEquals(new Walk(List.of("prod/own/a"), List.of(0, 0, 1)), walk(SecretFilter.all(), 1));
    }

    private void createLabelled(String environmentAndPath, Map<String, String> labels) {
        SecretPath path = SecretPath.parse(TENANT, environmentAndPath);
        store.createSecret(new Secret(String.format(Locale.ROOT, "sec_%026d", ids++), path, "team", null, null, null, labels,
                T0, T0, null, null), BeforeCommit.none());
    }

    @Test
    void secretsWithoutTheFiltersLabelsCountAgainstTheBudgetLikeHiddenOnes() {
        allowReader("prod/*");
        for (int i = 0; i < 25; i++) {
            createLabelled(String.format(Locale.ROOT, "prod/a/s%02d", i), Map.of("tier", "1"));
        }
        createLabelled("prod/b/match", Map.of("tier", "0"));
        // The store ignores labels; the listing checks them and stops at the budget, as for hidden secrets.
        assertEquals(new Walk(List.of("prod/b/match"), List.of(0, 0, 1)), walk(SecretFilter.all().withLabels(Map.of("tier", "0")), 1));
        assertEquals(new Walk(List.of("prod/b/match"), List.of(1)), walk(new SecretFilter("prod", "b/", Map.of("tier", "0")), 1));
    }

    @Test
    void belowTheBudgetHiddenSecretsLeaveNoEmptyPages() {
        create("prod/own/a");
        for (int i = 0; i < BUDGET - 2; i++) {
            create(String.format(Locale.ROOT, "prod/own/b%02d", i));
        }
        create("prod/own/c");
        allowReader("prod/own/a", "prod/own/c");
        assertEquals(new Walk(List.of("prod/own/a", "prod/own/c"), List.of(1, 1)), walk(SecretFilter.all(), 1));
    }

    @ParameterizedTest(name = "limit {0}")
    @CsvSource({"1", "2", "3", "7", "100"})
    void pagesCutInsideAStorePageResumeRightAfterTheLastSecretShown(int limit) {
        List<String> visible = new ArrayList<>();
        List<String> resources = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            String hidden = String.format(Locale.ROOT, "prod/a%02d", i);
            String shown = String.format(Locale.ROOT, "prod/b%02d", i);
            create(hidden);
            create(shown);
            visible.add(shown);
            resources.add(shown);
        }
        allowReader(resources.toArray(String[]::new));
        Walk walk = walk(SecretFilter.all(), limit);
        assertEquals(visible.stream().sorted().toList(), walk.names());
        walk.pageSizes().forEach(size -> assertTrue(size <= limit && size > 0, "page of " + size + " for limit " + limit));
    }

    @Test
    void callerWithNoAllowInTheFiltersScopeGetsAnEmptyLastPage() {
        allowReader("dev/*");
        create("prod/payments/a");
        Page<Secret> page = listing.page(reader, SecretFilter.environment("prod"), PageRequest.first(1));
        assertEquals(List.of(), page.items());
        assertNull(page.nextPageToken());
    }

    @ParameterizedTest(name = "environment {0}, prefix {1}: {2}")
    @CsvSource(nullValues = "null", value = {
        "null,  null,           *",
        "prod,  null,           prod/*",
        "prod,  payments/,      prod/payments/*",
        "prod,  payments/st,    prod/payments/*",
        "null,  payments/eu/x,  +/payments/eu/*",
        "prod,  pay,            prod/*",
        "prod,  /x,             prod/*",
        "prod,  a$b/c,          prod/*",
        "null,  pay,            *",
    })
    void theScopeOfAFilterCoversEverySecretItCanMatch(String environment, String prefix, String scope) {
        assertEquals(scope, SecretListing.scope(new SecretFilter(environment, prefix)).toString());
    }

    @Test
    void aFullPageFollowedOnlyByHiddenSecretsIsTheLast() {
        create("prod/own/a");
        create("prod/own/b");
        allowReader("prod/own/a");
        Page<Secret> page = listing.page(reader, SecretFilter.all(), PageRequest.first(1));
        assertEquals(1, page.items().size());
        assertNull(page.nextPageToken());
        allowReader("prod/own/*");
        assertNotNull(listing.page(reader, SecretFilter.all(), PageRequest.first(1)).nextPageToken());
    }
}
