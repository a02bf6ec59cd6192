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

        assertTrue(SECRET_ID.matcher(secret.id()).matches(),
                () -> "rule: SecretManager.create returns an id of sec_ + 26 lower-case base32 chars; got " + secret.id()
                        + " for " + path);
        assertEquals(path, secret.path(), () -> "rule: SecretManager.create returns the path it was given (" + path + ")");
        assertEquals("payments", secret.ownerTeam(),
                () -> "rule: SecretManager.create returns the owner team it was given (payments) for " + path);
        assertEquals("Stripe live key", secret.description(),
                () -> "rule: SecretManager.create returns the description it was given for " + path);
        assertEquals(Secret.ROTATION_MANUAL_OVERLAP, secret.rotationStrategy(),
                () -> "rule: SecretManager.create defaults the rotation strategy to " + Secret.ROTATION_MANUAL_OVERLAP
                        + " for " + path);
        assertEquals(Duration.ofDays(90), secret.rotationPeriod(),
                () -> "rule: SecretManager.create returns the rotation period it was given (P90D) for " + path);
        assertEquals(Map.of("pci", "true"), secret.labels(),
                () -> "rule: SecretManager.create returns the labels it was given ({pci=true}) for " + path);
        assertEquals(secret.createdAt(), secret.updatedAt(),
                () -> "rule: SecretManager.create sets updatedAt equal to createdAt for " + path);
        assertNull(secret.deletionScheduledAt(),
                () -> "rule: a secret fresh from SecretManager.create has no deletion scheduled (" + path + ")");
        assertNull(secret.lastRotatedAt(),
                () -> "rule: a secret fresh from SecretManager.create, without versions, was never rotated (" + path + ")");
        fixture().clock().ifPresent(clock -> assertEquals(clock.instant(), secret.createdAt(),
                () -> "rule: SecretManager.create stamps createdAt with the clock's time for " + path));

        SecretDetails details = manager().describe(admin(), secret.id());
        assertEquals(secret, details.secret(),
                () -> "rule: SecretManager.describe of " + secret.id() + " returns the metadata create returned");
        assertTrue(details.versions().isEmpty(),
                () -> "rule: SecretManager.describe of a secret just created has no versions; " + path + " has "
                        + details.versions());
        assertTrue(details.aliases().byName().isEmpty(),
                () -> "rule: SecretManager.describe of a secret just created has no aliases; " + path + " has "
                        + details.aliases().byName());
    }

    @Test
    void idsAreUniquePerSecret() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            ids.add(createSecret("dev/ids/s" + i).id());
        }
        assertEquals(5, ids.size(), () -> "rule: SecretManager.create gives every secret its own id; 5 secrets"
                + " dev/ids/s0..s4 got " + ids);
    }

    @Test
    void createdValueReadsBackByAliasAndNumber() {
        Secret secret = createSecret("prod/db/password");
        String value = TestValues.text();
        addCurrent(secret.id(), value);

        try (SecretContent content = manager().read(admin(), secret.path(), VersionSelector.current())) {
            assertEquals(secret.path(), content.path(),
                    () -> "rule: SecretManager.read of " + secret.path() + " at current reports that path");
            assertEquals(1, content.version(),
                    () -> "rule: SecretManager.read of " + secret.path() + " at current reports version 1 (the only one)");
            assertSameValue(value, content.value().asUtf8(),
                    () -> "rule: SecretManager.read of " + secret.path() + " at current returns the value added as version 1");
        }
        assertReads(value, admin(), secret.path(), VersionSelector.number(1),
                () -> "rule: reading version 1 by number returns the value added as version 1");
    }

    @Test
    void describeByIdAndByPathAgree() {
        Secret secret = createSecret("prod/db/password");
        addCurrent(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());

        SecretDetails byId = manager().describe(admin(), secret.id());
        SecretDetails byPath = manager().describe(admin(), secret.path());
        assertEquals(byId, byPath, () -> "rule: SecretManager.describe by id " + secret.id() + " and by path "
                + secret.path() + " return the same details");
        assertEquals(manager().versions(admin(), secret.id()), byId.versions(),
                () -> "rule: SecretManager.describe of " + secret.path() + " lists the same versions as"
                        + " SecretManager.versions (1 current, 2 pending)");
    }

    @Test
    void createOnATakenPathFailsWithSecretExistsAndChangesNothing() {
        Secret first = createSecret("prod/db/password");
        addCurrent(first.id(), TestValues.text());

        Expect.thrown(ConflictException.class, ErrorCode.SECRET_EXISTS, () -> manager().create(admin(),
                NewSecret.builder(path("prod/db/password"), "other-team").build()),
                () -> "rule: SecretManager.create on a taken path (" + first.path() + ", secret " + first.id()
                        + ") fails with SECRET_EXISTS");

        SecretDetails after = manager().describe(admin(), first.path());
        assertEquals(first.id(), after.secret().id(), () -> "rule: a refused SecretManager.create (SECRET_EXISTS) leaves "
                + first.path() + " with its first secret " + first.id());
        assertEquals(TEAM, after.secret().ownerTeam(), () -> "rule: a refused SecretManager.create (SECRET_EXISTS) keeps"
                + " the owner team " + TEAM + " of " + first.path() + ", not other-team");
        assertEquals(1, after.versions().size(), () -> "rule: a refused SecretManager.create (SECRET_EXISTS) keeps the"
                + " one version of " + first.path() + "; versions now " + after.versions());
        assertEquals(1, manager().list(admin(), SecretFilter.all(), PageRequest.first()).items().size(),
                () -> "rule: a refused SecretManager.create (SECRET_EXISTS) adds no secret: SecretManager.list shows one");
    }

    @Test
    void samePathInAnotherEnvironmentIsAnotherSecret() {
        Secret prod = createSecret("prod/db/password");
        Secret dev = createSecret("dev/db/password");
        assertNotEquals(prod.id(), dev.id(), () -> "rule: the same path in another environment is another secret:"
                + " SecretManager.create of prod/db/password and dev/db/password gave both the id " + prod.id());
    }

    @Test
    void unknownIdIsSecretNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().describe(admin(), "sec_" + "a".repeat(26)),
                () -> "rule: SecretManager.describe of an id never issued (sec_" + "a".repeat(26) + ") fails with"
                        + " SECRET_NOT_FOUND");
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().versions(admin(), "sec_" + "b".repeat(26)),
                () -> "rule: SecretManager.versions of an id never issued (sec_" + "b".repeat(26) + ") fails with"
                        + " SECRET_NOT_FOUND");
    }

    @Test
    void unknownPathIsSecretNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().read(admin(), path("prod/nowhere"), VersionSelector.current()),
                () -> "rule: SecretManager.read of a path no secret has (" + path("prod/nowhere") + ") fails with"
                        + " SECRET_NOT_FOUND");
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().describe(admin(), path("prod/nowhere")),
                () -> "rule: SecretManager.describe of a path no secret has (" + path("prod/nowhere") + ") fails with"
                        + " SECRET_NOT_FOUND");
    }

    @Test
    void readingASecretWithoutVersionsFindsNoCurrentAlias() {
        Secret secret = createSecret("prod/empty");
        Expect.thrown(NotFoundException.class, ErrorCode.ALIAS_NOT_FOUND,
                () -> manager().read(admin(), secret.path(), VersionSelector.current()),
                () -> "rule: SecretManager.read at current of a secret without versions (" + secret.path()
                        + ") fails with ALIAS_NOT_FOUND");
    }

    @Test
    void updateReplacesPresentFieldsAndKeepsTheRest() {
        Secret secret = manager().create(admin(), NewSecret.builder(path("prod/db/password"), "payments")
                .description("old").labels(Map.of("a", "1")).build());
        fixture().clock().ifPresent(clock -> clock.advance(Duration.ofMinutes(5)));

        Secret updated = manager().update(admin(), secret.id(),
                SecretUpdate.none().withDescription("new").withRotationPeriod(Duration.ofDays(30)));

        assertEquals(secret.id(), updated.id(), () -> "rule: SecretManager.update keeps the id " + secret.id());
        assertEquals("payments", updated.ownerTeam(), () -> "rule: SecretManager.update with description and rotation"
                + " period only keeps the owner team payments of " + secret.path());
        assertEquals("new", updated.description(), () -> "rule: SecretManager.update replaces the description it names"
                + " (old -> new) of " + secret.path());
        assertEquals(Duration.ofDays(30), updated.rotationPeriod(), () -> "rule: SecretManager.update replaces the"
                + " rotation period it names (P30D) of " + secret.path());
        assertEquals(Map.of("a", "1"), updated.labels(), () -> "rule: SecretManager.update without labels keeps the"
                + " labels {a=1} of " + secret.path());
        assertEquals(secret.createdAt(), updated.createdAt(), () -> "rule: SecretManager.update keeps createdAt "
                + secret.createdAt() + " of " + secret.path());
        fixture().clock().ifPresent(clock -> assertEquals(clock.instant(), updated.updatedAt(),
                () -> "rule: SecretManager.update stamps updatedAt with the clock's time (5 minutes after create) on "
                        + secret.path()));
        assertEquals(updated, manager().describe(admin(), secret.id()).secret(),
                () -> "rule: SecretManager.describe of " + secret.path() + " shows what SecretManager.update returned");
    }

    @Test
    void listIsOrderedByEnvironmentAndPath() {
        createSecret("prod/b");
        createSecret("dev/z");
        createSecret("prod/a/x");
        createSecret("dev/a");

        List<String> names = manager().list(admin(), SecretFilter.all(), PageRequest.first()).items().stream()
                .map(s -> s.path().qualifiedName()).toList();
        assertEquals(List.of("dev/a", "dev/z", "prod/a/x", "prod/b"), names,
                "rule: SecretManager.list orders by environment, then path");
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
            assertTrue(result.items().size() <= 3, () -> "rule: a SecretManager.list page holds at most its limit (3);"
                    + " got " + result.items().size() + " items");
            result.items().forEach(s -> seen.add(s.path().path()));
            pages++;
            if (result.next().isEmpty()) {
                break;
            }
            page = page.next(result.nextPageToken());
            int pagesSoFar = pages;
            assertTrue(pages < 10, () -> "rule: SecretManager.list pagination of 7 secrets by 3 ends; still a next"
                    + " page token after " + pagesSoFar + " pages");
        }
        assertEquals(List.of("paged/s0", "paged/s1", "paged/s2", "paged/s3", "paged/s4", "paged/s5", "paged/s6"), seen,
                "rule: paging SecretManager.list by 3 returns every secret of prod/paged exactly once, in path order");
        int pageCount = pages;
        assertEquals(3, pages, () -> "rule: SecretManager.list of 7 secrets by 3 takes 3 pages (the last has no next"
                + " token); took " + pageCount);
    }

    @Test
    void listFiltersByEnvironmentAndPathPrefix() {
        createSecret("prod/payments/a");
        createSecret("prod/payments/b");
        createSecret("prod/search/a");
        createSecret("dev/payments/a");

        assertEquals(List.of("prod/payments/a", "prod/payments/b", "prod/search/a"),
                listNames(admin(), SecretFilter.environment("prod")),
                "rule: SecretManager.list with environment prod returns exactly the secrets of prod");
        assertEquals(List.of("prod/payments/a", "prod/payments/b"),
                listNames(admin(), new SecretFilter("prod", "payments/")),
                "rule: SecretManager.list with environment prod and path prefix payments/ returns exactly those");
        assertEquals(List.of("dev/payments/a", "prod/payments/a", "prod/payments/b"),
                listNames(admin(), new SecretFilter(null, "payments/")),
                "rule: SecretManager.list with path prefix payments/ and no environment returns it in every environment");
        assertEquals(List.of(), listNames(admin(), SecretFilter.environment("staging")),
                "rule: SecretManager.list with an environment no secret has (staging) returns nothing");
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

        assertEquals(List.of("prod/team-a/one", "prod/team-a/two"), listNames(as(reader), SecretFilter.all()),
                () -> "rule: SecretManager.list as " + reader.id() + " (secrets:read on prod/team-a/*) shows only"
                        + " prod/team-a/*, silently");
        assertEquals(List.of("prod/team-b/one"), listNames(as(rotator), SecretFilter.all()),
                () -> "rule: SecretManager.list as " + rotator.id() + " (secrets:rotate on prod/team-b/one) shows only"
                        + " prod/team-b/one, silently");
        assertEquals(List.of(), listNames(as(user("nobody")), SecretFilter.all()),
                () -> "rule: SecretManager.list as " + user("nobody").id() + " (no policy) shows nothing, without an error");
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
        assertTrue(NoValueLeaks.firstIssuedValueIn(views) == null,
                () -> "rule: SecretManager.describe, versions and list of " + secret.path() + " never contain a"
                        + " version's value; one of the two values appeared (not shown)");
    }

    @Test
    void lastRotatedAtFollowsTheCurrentAlias() {
        MutableClock clock = clock();
        Secret secret = createSecret("prod/db/password");
        clock.advance(Duration.ofHours(1));
        addPending(secret.id(), TestValues.text());
        assertNull(manager().describe(admin(), secret.id()).secret().lastRotatedAt(),
                () -> "rule: SecretManager.addVersion of a PENDING version is no rotation: lastRotatedAt of "
                        + secret.path() + " stays unset");

        clock.advance(Duration.ofHours(1));
        manager().promote(admin(), secret.id(), 1, OptionalInt.empty());
        assertEquals(clock.instant(), manager().describe(admin(), secret.id()).secret().lastRotatedAt(),
                () -> "rule: SecretManager.promote of version 1 to current stamps lastRotatedAt of " + secret.path()
                        + " with the clock's time");

        clock.advance(Duration.ofHours(1));
        addCurrent(secret.id(), TestValues.text());
        assertEquals(clock.instant(), manager().describe(admin(), secret.id()).secret().lastRotatedAt(),
                () -> "rule: SecretManager.addVersion of a CURRENT version (2) stamps lastRotatedAt of " + secret.path()
                        + " with the clock's time");
    }

    private List<String> listNames(AccessContext ctx, SecretFilter filter) {
        return manager().list(ctx, filter, PageRequest.first()).items().stream().map(s -> s.path().qualifiedName()).toList();
    }
}
