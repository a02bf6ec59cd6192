package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretListItem;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Create, read, describe, update and list. Part of {@link dev.coffer.tck.SecretManagerContract}. */
public abstract class LifecycleContract extends ManagerContractBase {
    private static final Pattern SECRET_ID = Pattern.compile("sec_[a-z2-7]{26}");

    @Test
    void createReturnsMetadataWithASecIdAndNoVersions() {
        SecretPath path = path("prod/payments/stripe-api-key");
        Secret secret = manager().create(admin(), NewSecret.builder(path, "payments")
                .description("Stripe live key")
                .rotationPeriod(Duration.ofDays(90))
                .labels(Map.of("pci", "true"))
                .build());

        assertTrue(SECRET_ID.matcher(secret.id()).matches(), () -> "id must be sec_ + 26 base32 chars: " + secret.id());
        assertEquals(path, secret.path());
        assertEquals("payments", secret.ownerTeam());
        assertEquals("Stripe live key", secret.description());
        assertEquals(Secret.ROTATION_MANUAL_OVERLAP, secret.rotationStrategy());
        assertEquals(Duration.ofDays(90), secret.rotationPeriod());
        assertEquals(Map.of("pci", "true"), secret.labels());
        assertEquals(secret.createdAt(), secret.updatedAt());
        assertNull(secret.deletionScheduledAt());
        assertNull(secret.lastRotatedAt());
        fixture().clock().ifPresent(clock -> assertEquals(clock.instant(), secret.createdAt()));

        SecretDetails details = manager().describe(admin(), secret.id());
        assertEquals(secret, details.secret());
        assertTrue(details.versions().isEmpty());
        assertTrue(details.aliases().byName().isEmpty());
    }

    @Test
    void idsAreUniquePerSecret() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            ids.add(createSecret("dev/ids/s" + i).id());
        }
        assertEquals(5, ids.size());
    }

    @Test
    void createdValueReadsBackByAliasAndNumber() {
        Secret secret = createSecret("prod/db/password");
        String value = TestValues.text();
        addCurrent(secret.id(), value);

        try (SecretContent content = manager().read(admin(), secret.path(), VersionSelector.current())) {
            assertEquals(secret.path(), content.path());
            assertEquals(1, content.version());
            assertEquals(value, content.value().asUtf8());
        }
        assertEquals(value, readText(admin(), secret.path(), VersionSelector.number(1)));
    }

    @Test
    void describeByIdAndByPathAgree() {
        Secret secret = createSecret("prod/db/password");
        addCurrent(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());

        SecretDetails byId = manager().describe(admin(), secret.id());
        SecretDetails byPath = manager().describe(admin(), secret.path());
        assertEquals(byId, byPath);
        assertEquals(manager().versions(admin(), secret.id()), byId.versions());
    }

    @Test
    void createOnATakenPathFailsWithSecretExistsAndChangesNothing() {
        Secret first = createSecret("prod/db/password");
        addCurrent(first.id(), TestValues.text());

        Expect.thrown(ConflictException.class, ErrorCode.SECRET_EXISTS, () -> manager().create(admin(),
                NewSecret.builder(path("prod/db/password"), "other-team").build()));

        SecretDetails after = manager().describe(admin(), first.path());
        assertEquals(first.id(), after.secret().id());
        assertEquals(TEAM, after.secret().ownerTeam());
        assertEquals(1, after.versions().size());
        assertEquals(1, manager().list(admin(), SecretFilter.all(), PageRequest.first()).items().size());
    }

    @Test
    void samePathInAnotherEnvironmentIsAnotherSecret() {
        Secret prod = createSecret("prod/db/password");
        Secret dev = createSecret("dev/db/password");
        assertNotEquals(prod.id(), dev.id());
    }

    @Test
    void unknownIdIsSecretNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().describe(admin(), "sec_" + "a".repeat(26)));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().versions(admin(), "sec_" + "b".repeat(26)));
    }

    @Test
    void unknownPathIsSecretNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().read(admin(), path("prod/nowhere"), VersionSelector.current()));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().describe(admin(), path("prod/nowhere")));
    }

    @Test
    void readingASecretWithoutVersionsFindsNoCurrentAlias() {
        Secret secret = createSecret("prod/empty");
        Expect.thrown(NotFoundException.class, ErrorCode.ALIAS_NOT_FOUND,
                () -> manager().read(admin(), secret.path(), VersionSelector.current()));
    }

    @Test
    void updateReplacesPresentFieldsAndKeepsTheRest() {
        Secret secret = manager().create(admin(), NewSecret.builder(path("prod/db/password"), "payments")
                .description("old").labels(Map.of("a", "1")).build());
        fixture().clock().ifPresent(clock -> clock.advance(Duration.ofMinutes(5)));

        Secret updated = manager().update(admin(), secret.id(),
                SecretUpdate.none().withDescription("new").withRotationPeriod(Duration.ofDays(30)));

        assertEquals(secret.id(), updated.id());
        assertEquals("payments", updated.ownerTeam());
        assertEquals("new", updated.description());
        assertEquals(Duration.ofDays(30), updated.rotationPeriod());
        assertEquals(Map.of("a", "1"), updated.labels());
        assertEquals(secret.createdAt(), updated.createdAt());
        fixture().clock().ifPresent(clock -> assertEquals(clock.instant(), updated.updatedAt()));
        assertEquals(updated, manager().describe(admin(), secret.id()).secret());
    }

    @Test
    void listIsOrderedByEnvironmentAndPath() {
        createSecret("prod/b");
        createSecret("dev/z");
        createSecret("prod/a/x");
        createSecret("dev/a");

        List<String> names = manager().list(admin(), SecretFilter.all(), PageRequest.first()).items().stream()
                .map(s -> s.path().qualifiedName()).toList();
        assertEquals(List.of("dev/a", "dev/z", "prod/a/x", "prod/b"), names);
    }

    @Test
    void listPagesThroughEverySecretOnce() {
        for (int i = 0; i < 7; i++) {
            createSecret("prod/paged/s" + i);
        }
        List<String> seen = new ArrayList<>();
        PageRequest page = PageRequest.first(3);
        int pages = 0;
        while (true) {
            Page<SecretListItem> result = manager().list(admin(), SecretFilter.all(), page);
            assertTrue(result.items().size() <= 3, "page larger than its limit");
            result.items().forEach(s -> seen.add(s.path().path()));
            pages++;
            if (result.next().isEmpty()) {
                break;
            }
            page = page.next(result.nextPageToken());
            assertTrue(pages < 10, "pagination does not end");
        }
        assertEquals(List.of("paged/s0", "paged/s1", "paged/s2", "paged/s3", "paged/s4", "paged/s5", "paged/s6"), seen);
        assertEquals(3, pages);
    }

    @Test
    void listFiltersByEnvironmentAndPathPrefix() {
        createSecret("prod/payments/a");
        createSecret("prod/payments/b");
        createSecret("prod/search/a");
        createSecret("dev/payments/a");

        assertEquals(List.of("prod/payments/a", "prod/payments/b", "prod/search/a"),
                listNames(admin(), SecretFilter.environment("prod")));
        assertEquals(List.of("prod/payments/a", "prod/payments/b"),
                listNames(admin(), new SecretFilter("prod", "payments/")));
        assertEquals(List.of("dev/payments/a", "prod/payments/a", "prod/payments/b"),
                listNames(admin(), new SecretFilter(null, "payments/")));
        assertEquals(List.of(), listNames(admin(), SecretFilter.environment("staging")));
    }

    @Test
    void listSilentlyOmitsSecretsTheCallerMayNotSee() {
        createSecret("prod/team-a/one");
        createSecret("prod/team-a/two");
        createSecret("prod/team-b/one");
        Principal reader = user("team-a-reader");
        grant(reader, Action.READ, "prod/team-a/*");
        Principal rotator = user("team-b-rotator");
        grant(rotator, Action.ROTATE, "prod/team-b/one");

        assertEquals(List.of("prod/team-a/one", "prod/team-a/two"), listNames(as(reader), SecretFilter.all()));
        assertEquals(List.of("prod/team-b/one"), listNames(as(rotator), SecretFilter.all()));
        assertEquals(List.of(), listNames(as(user("nobody")), SecretFilter.all()));
    }

    @Test
    void metadataViewsNeverContainTheValue() {
        Secret secret = createSecret("prod/db/password");
        String value = TestValues.text();
        addCurrent(secret.id(), value);
        addPending(secret.id(), TestValues.text());

        String views = manager().describe(admin(), secret.id()) + "\n"
                + manager().versions(admin(), secret.id()) + "\n"
                + manager().list(admin(), SecretFilter.all(), PageRequest.first());
        assertNull(NoValueLeaks.firstIssuedValueIn(views), "a value appeared in describe/versions/list output");
    }

    @Test
    void lastRotatedAtFollowsTheCurrentAlias() {
        MutableClock clock = clock();
        Secret secret = createSecret("prod/db/password");
        clock.advance(Duration.ofHours(1));
        addPending(secret.id(), TestValues.text());
        assertNull(manager().describe(admin(), secret.id()).secret().lastRotatedAt(), "a pending version is no rotation");

        clock.advance(Duration.ofHours(1));
        manager().promote(admin(), secret.id(), 1, OptionalInt.empty());
        assertEquals(clock.instant(), manager().describe(admin(), secret.id()).secret().lastRotatedAt());

        clock.advance(Duration.ofHours(1));
        addCurrent(secret.id(), TestValues.text());
        assertEquals(clock.instant(), manager().describe(admin(), secret.id()).secret().lastRotatedAt());
    }

    private List<String> listNames(AccessContext ctx, SecretFilter filter) {
        return manager().list(ctx, filter, PageRequest.first()).items().stream().map(s -> s.path().qualifiedName()).toList();
    }
}
