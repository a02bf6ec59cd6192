package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretListItem;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Listing by label, by a caller whose only allows lie deep inside the prefix it lists, and what
 * each item shows: pending deletion and the current version. Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class ListingContract extends ManagerContractBase {

    private void labelled(String environmentAndPath, Map<String, String> labels) {
        Secret secret = createSecret(environmentAndPath);
        manager().update(admin(), secret.id(), SecretUpdate.none().withLabels(labels));
    }

    private List<String> names(SecretFilter filter, int pageSize) {
        return names(admin(), filter, pageSize);
    }

    private List<String> names(AccessContext ctx, SecretFilter filter, int pageSize) {
        List<String> names = new ArrayList<>();
        PageRequest page = PageRequest.first(pageSize);
        for (int pages = 0; pages < 50; pages++) {
            Page<SecretListItem> result = manager().list(ctx, filter, page);
            result.items().forEach(item -> names.add(item.path().qualifiedName()));
            if (result.nextPageToken() == null) {
                return names;
            }
            page = page.next(result.nextPageToken());
        }
        throw new AssertionError("rule: SecretManager.list pagination ends; filter " + filter + " by " + pageSize
                + " as " + ctx.principal().id() + " still had a next page token after 50 pages");
    }

    @Test
    public void aCallerAllowedOnlyDeepInsideAPrefixSeesExactlyItsSecretsThere() {
        List<String> db = List.of("prod/team/app/db/password", "prod/team/app/db/replica/password");
        String exact = "prod/team/app/cfg/url";
        db.forEach(this::createSecret);
        createSecret(exact);
        List.of("prod/team/app/cfg/url2", "prod/team/app/dbx", "prod/team/app/key", "prod/team/other/key",
                "prod/other/key", "prod/teamwork/key", "staging/team/app/db/password", "dev/team/app/db/password")
                .forEach(this::createSecret);
        Principal deep = user("deep");
        grant(deep, Action.READ, "prod/team/app/db/*");
        grant(deep, Action.READ, exact);

        List<String> all = List.of(exact, db.get(0), db.get(1));
        // The filters whose scope contains the allows without being them: with and without an
        // environment, a prefix ending in a slash, inside a segment, or with no slash at all.
        Map<SecretFilter, List<String>> expected = new LinkedHashMap<>();
        expected.put(SecretFilter.all(), all);
        expected.put(new SecretFilter(null, "team/"), all);
        expected.put(new SecretFilter(null, "team/app"), all);
        expected.put(new SecretFilter(null, "team/app/"), all);
        expected.put(new SecretFilter(null, "team/app/d"), db);
        expected.put(new SecretFilter(null, "team/app/cfg/"), List.of(exact));
        expected.put(new SecretFilter(null, "team"), all);
        expected.put(SecretFilter.environment("prod"), all);
        expected.put(new SecretFilter("prod", "team"), all);
        expected.put(new SecretFilter("prod", "te"), all);
        expected.put(new SecretFilter("prod", "team/"), all);
        expected.put(new SecretFilter("prod", "team/app"), all);
        expected.put(new SecretFilter("prod", "team/app/db/"), db);
        expected.put(new SecretFilter("prod", "team/app/db/replica"), List.of(db.get(1)));
        expected.put(new SecretFilter("prod", "team/app/cfg/url"), List.of(exact));
        expected.put(new SecretFilter("staging", "team/"), List.of());
        expected.put(SecretFilter.environment("staging"), List.of());
        expected.put(new SecretFilter("prod", "other/"), List.of());
        for (Map.Entry<SecretFilter, List<String>> e : expected.entrySet()) {
            for (int size : new int[] {1, 2, 10}) {
                assertEquals(e.getValue(), names(as(deep), e.getKey(), size),
                        () -> "rule: SecretManager.list(" + e.getKey() + ") by " + size + " shows " + deep.id()
                                + ", allowed secrets:read on prod/team/app/db/* and " + exact + " only, exactly the"
                                + " secrets it may read under that filter, in path order, across pages");
            }
        }
    }

    @Test
    public void aPrefixNoSecretPathCanStartWithListsNothing() {
        createSecret("prod/team/app/db/password");
        Principal deep = user("deep");
        grant(deep, Action.READ, "prod/team/app/db/*");
        for (String prefix : List.of("team//", "team/../", "team/a*/", "team/+/", "/team/")) {
            for (String environment : new String[] {null, "prod"}) {
                SecretFilter filter = new SecretFilter(environment, prefix);
                assertEquals(List.of(), names(admin(), filter, 1),
                        () -> "rule: SecretManager.list(" + filter + ") by the admin, a prefix no secret path can start"
                                + " with, is an empty last page, not an error");
                assertEquals(List.of(), names(as(deep), filter, 1),
                        () -> "rule: SecretManager.list(" + filter + ") by " + deep.id() + " (secrets:read on"
                                + " prod/team/app/db/*), a prefix no secret path can start with, is an empty last page,"
                                + " not an error");
            }
        }
    }

    @Test
    public void everyLabelOfTheFilterMustMatch() {
        labelled("prod/a", Map.of("tier", "0", "team", "payments"));
        labelled("prod/b", Map.of("tier", "0", "team", "search"));
        labelled("prod/c", Map.of("tier", "1", "team", "payments"));
        createSecret("prod/d");
        assertEquals(List.of("prod/a", "prod/b"), names(SecretFilter.all().withLabels(Map.of("tier", "0")), 10),
                "rule: SecretManager.list with labels {tier=0} returns exactly the secrets labelled tier=0");
        assertEquals(List.of("prod/a"), names(SecretFilter.all().withLabels(Map.of("tier", "0", "team", "payments")), 10),
                "rule: SecretManager.list with labels {tier=0, team=payments} returns only secrets matching every label");
        assertEquals(List.of(), names(SecretFilter.all().withLabels(Map.of("tier", "2")), 10),
                "rule: SecretManager.list with labels {tier=2}, which no secret has, returns nothing");
        assertEquals(List.of("prod/a", "prod/c"), names(new SecretFilter("prod", null, Map.of("team", "payments")), 10),
                "rule: SecretManager.list with environment prod and labels {team=payments} returns exactly those");
    }

    @Test
    public void aLabelFilteredListingPagesThroughEveryMatchOnce() {
        for (int i = 0; i < 9; i++) {
            labelled("prod/s" + i, Map.of("tier", i % 3 == 0 ? "0" : "1"));
        }
        List<String> expected = List.of("prod/s0", "prod/s3", "prod/s6");
        for (int size = 1; size <= 4; size++) {
            int pageSize = size;
            assertEquals(expected, names(SecretFilter.all().withLabels(Map.of("tier", "0")), size),
                    () -> "rule: paging SecretManager.list with labels {tier=0} by " + pageSize
                            + " returns every match once, in path order");
        }
    }

    @Test
    public void aPageTokenOnlyContinuesTheLabelFilterItCameFrom() {
        labelled("prod/x1", Map.of("tier", "0"));
        labelled("prod/x2", Map.of("tier", "0"));
        String token = manager().list(admin(), SecretFilter.all().withLabels(Map.of("tier", "0")), PageRequest.first(1)).nextPageToken();
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> manager().list(admin(), SecretFilter.all().withLabels(Map.of("tier", "1")), new PageRequest(token, 1)),
                () -> "rule: SecretManager.list refuses a page token issued for labels {tier=0} with labels {tier=1}:"
                        + " INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> manager().list(admin(), SecretFilter.all(), new PageRequest(token, 1)),
                () -> "rule: SecretManager.list refuses a page token issued for labels {tier=0} without a label filter:"
                        + " INVALID_ARGUMENT");
        assertEquals(1, manager().list(admin(), SecretFilter.all().withLabels(Map.of("tier", "0")), new PageRequest(token, 1)).items().size(),
                "rule: the page token of SecretManager.list with labels {tier=0} by 1 continues that filter: the second"
                        + " page holds prod/x2");
    }

    @Test
    public void aBadLabelInTheFilterIsRefused() {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> SecretFilter.all().withLabels(Map.of("Bad Key", "x")),
                () -> "rule: a SecretFilter refuses a malformed label key (\"Bad Key\"): INVALID_ARGUMENT");
    }

    @Test
    public void itemsShowTheCurrentVersionAndPendingDeletion() {
        Secret empty = createSecret("prod/empty");
        Secret rotated = createSecret("prod/rotated");
        addCurrent(rotated.id(), TestValues.text());
        addCurrent(rotated.id(), TestValues.text());
        addPending(rotated.id(), TestValues.text());
        Secret leaving = createSecret("prod/leaving");
        addCurrent(leaving.id(), TestValues.text());
        Secret scheduled = manager().scheduleDeletion(admin(), leaving.id(), 7);

        List<SecretListItem> items = manager().list(admin(), SecretFilter.all(), PageRequest.first()).items();
        assertEquals(List.of("prod/empty", "prod/leaving", "prod/rotated"), items.stream().map(i -> i.path().qualifiedName()).toList(),
                "rule: SecretManager.list shows secrets pending deletion too, in path order");
        assertEquals(OptionalInt.empty(), items.get(0).currentVersion(),
                "rule: a SecretManager.list item of a secret without versions (prod/empty) has no current version");
        assertFalse(items.get(0).secret().isPendingDeletion(),
                "rule: a SecretManager.list item of a secret never scheduled for deletion (prod/empty) is not pending"
                        + " deletion");
        assertEquals(OptionalInt.of(1), items.get(1).currentVersion(),
                "rule: a SecretManager.list item of a secret pending deletion (prod/leaving) still shows its current"
                        + " version 1");
        assertTrue(items.get(1).secret().isPendingDeletion(),
                "rule: a SecretManager.list item of a secret after scheduleDeletion (prod/leaving, 7 days) is pending"
                        + " deletion");
        assertEquals(scheduled.deletionScheduledAt(), items.get(1).secret().deletionScheduledAt(),
                () -> "rule: a SecretManager.list item shows the deletion time scheduleDeletion returned for prod/leaving ("
                        + scheduled.deletionScheduledAt() + ")");
        assertEquals(OptionalInt.of(2), items.get(2).currentVersion(),
                "rule: a SecretManager.list item shows the version current points at (prod/rotated: 2 of 3, 3 pending)");
        assertEquals(empty.id(), items.get(0).id(),
                () -> "rule: a SecretManager.list item carries the secret's id (prod/empty is " + empty.id() + ")");
    }
}
