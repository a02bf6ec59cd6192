package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretListItem;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What a caller learns about secrets it may not see: nothing from listings (their page tokens
 * name no secret, are refused when forged, altered, or carried to another filter or caller, and
 * their number does not grow with the hidden secrets), and nothing from asking for a path by
 * name (absent and forbidden answer alike). Part of {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class DisclosureContract extends ManagerContractBase {
    private static final List<String> HIDDEN = List.of("prod/hidden/db-password", "prod/hidden/stripe-api-key",
            "prod/zeta/signing-key", "staging/hidden/token");

    private void createHidden(List<String> names) {
        names.forEach(this::createSecret);
    }

    /** Every page of a listing, walked as {@code ctx}: the items and the tokens seen. */
    private record Walk(List<String> names, List<String> tokens, int pages) {}

    private Walk walk(AccessContext ctx, SecretFilter filter, int limit) {
        List<String> names = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        PageRequest page = PageRequest.first(limit);
        int pages = 0;
        while (true) {
            Page<SecretListItem> result = manager().list(ctx, filter, page);
            int pageNumber = pages + 1;
            assertTrue(result.items().size() <= limit, () -> "rule: SecretManager.list returns at most the page limit ("
                    + limit + "); page " + pageNumber + " of " + filter + " as " + ctx.principal().id() + " has "
                    + result.items().size() + " items");
            result.items().forEach(s -> names.add(s.path().qualifiedName()));
            pages++;
            assertTrue(pages < 100, () -> "rule: paging SecretManager.list to its end terminates; 100 pages of " + filter
                    + " (limit " + limit + ") as " + ctx.principal().id() + " and still a next token");
            if (result.next().isEmpty()) {
                return new Walk(names, tokens, pages);
            }
            tokens.add(result.nextPageToken());
            page = page.next(result.nextPageToken());
        }
    }

    /** Fails if {@code token}, as text or decoded as base64 of either alphabet, contains a name of {@code names}. */
    private static void assertNamesNothing(String token, List<String> names) {
        List<String> readings = new ArrayList<>();
        readings.add(token);
        for (Base64.Decoder decoder : List.of(Base64.getUrlDecoder(), Base64.getDecoder(), Base64.getMimeDecoder())) {
            try {
                readings.add(new String(decoder.decode(token), StandardCharsets.ISO_8859_1));
            } catch (IllegalArgumentException notThisAlphabet) {
                // the next alphabet may fit
            }
        }
        for (String reading : readings) {
            for (String name : names) {
                String path = name.substring(name.indexOf('/') + 1);
                assertFalse(reading.contains(path), () -> "rule: a page token names no secret, as text or decoded as base64;"
                        + " token " + token + " reveals the name " + name);
            }
        }
    }

    // ---------------------------------------------------------------- listings and page tokens

    @Test
    void callerWhomNoPolicyAllowsAnythingGetsOneEmptyLastPage() {
        createHidden(HIDDEN);
        Walk walk = walk(as(user("nobody")), SecretFilter.all(), 1);
        assertEquals(List.of(), walk.names(), () -> "rule: SecretManager.list shows a caller no policy allows anything"
                + " no secret (user:tck-nobody, " + HIDDEN.size() + " hidden secrets)");
        assertEquals(1, walk.pages(), () -> "rule: SecretManager.list gives a caller who may see nothing one empty last page,"
                + " no token (an empty page with a token tells it more secrets exist); user:tck-nobody, limit 1");
    }

    @Test
    void pageTokensOfAWalkPastHiddenSecretsNameNone() {
        createSecret("dev/own/a");
        createSecret("prod/own/b");
        createHidden(HIDDEN);
        Principal reader = user("reader");
        grant(reader, Action.READ, "dev/own/*");
        grant(reader, Action.READ, "prod/own/*");

        Walk walk = walk(as(reader), SecretFilter.all(), 1);

        assertEquals(List.of("dev/own/a", "prod/own/b"), walk.names(), () -> "rule: SecretManager.list pages, limit 1,"
                + " show " + reader.id() + " exactly the secrets it may read (dev/own/*, prod/own/*), in order");
        for (String token : walk.tokens()) {
            assertNamesNothing(token, HIDDEN);
            assertNamesNothing(token, List.of("dev/own/a", "prod/own/b"));
        }
    }

    @Test
    void adminPageTokensNameNothingEither() {
        createHidden(HIDDEN);
        Walk walk = walk(admin(), SecretFilter.all(), 1);
        assertEquals(HIDDEN.size(), walk.names().size(),
                () -> "rule: SecretManager.list pages, limit 1, show the admin all " + HIDDEN.size() + " secrets; got " + walk.names());
        assertEquals(HIDDEN.size() - 1, walk.tokens().size(), () -> "rule: SecretManager.list gives a next token after"
                + " every page but the last: " + HIDDEN.size() + " secrets at limit 1 make " + (HIDDEN.size() - 1) + " tokens");
        walk.tokens().forEach(token -> assertNamesNothing(token, HIDDEN));
    }

    @Test
    void whetherAPageEndsWithATokenDependsOnlyOnTheVisibleSecrets() {
        createSecret("prod/own/a");
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/own/a");
        Walk alone = walk(as(reader), new SecretFilter("prod", "own/a"), 1);
        createHidden(List.of("prod/own/a2", "prod/own/ab", "prod/own/admin-key"));
        Walk beside = walk(as(reader), new SecretFilter("prod", "own/a"), 1);

        assertEquals(List.of("prod/own/a"), alone.names(), () -> "rule: SecretManager.list(prefix prod/own/a) shows "
                + reader.id() + " the one secret it may read");
        assertEquals(alone, beside, () -> "rule: whether a SecretManager.list page ends with a token depends only on the"
                + " visible secrets; a token after the last visible one tells " + reader.id() + " that a hidden secret"
                + " shares its prefix (prod/own/a2, prod/own/ab, prod/own/admin-key hidden)");
    }

    @Test
    void theNumberOfPagesDoesNotGrowWithTheHiddenSecrets() {
        createSecret("prod/own/a");
        createSecret("prod/own/m");
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/own/a", "prod/own/m");
        createHidden(List.of("prod/own/b", "prod/own/c", "prod/own/n"));
        Walk few = walk(as(reader), SecretFilter.all(), 1);

        List<String> many = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add(String.format(Locale.ROOT, "prod/own/b%02d", i));
            many.add(String.format(Locale.ROOT, "prod/own/n%02d", i));
        }
        createHidden(many);
        Walk more = walk(as(reader), SecretFilter.all(), 1);

        assertEquals(List.of("prod/own/a", "prod/own/m"), few.names(), () -> "rule: SecretManager.list shows " + reader.id()
                + " exactly the secrets it may read (prod/own/a, prod/own/m)");
        assertEquals(few.names(), more.names(), () -> "rule: hidden secrets added around the visible ones change nothing"
                + " SecretManager.list shows " + reader.id());
        assertEquals(few.pages(), more.pages(), () -> "rule: the number of SecretManager.list pages does not grow with the"
                + " hidden secrets (3 hidden, then 63); " + reader.id() + ", limit 1");
    }

    @Test
    void alteredOrForgedPageTokensAreRefused() {
        createHidden(HIDDEN);
        String token = manager().list(admin(), SecretFilter.all(), PageRequest.first(1)).nextPageToken();
        assertNotNull(token, () -> "rule: SecretManager.list, limit 1, of " + HIDDEN.size() + " secrets gives a next token");
        int middle = token.length() / 2;
        char swapped = token.charAt(middle) == 'A' ? 'B' : 'A';
        String altered = token.substring(0, middle) + swapped + token.substring(middle + 1);
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("secrets/1:" + HIDDEN.get(0)).getBytes(StandardCharsets.UTF_8));

        List<String> bads = List.of(altered, token.substring(0, token.length() - 4), token + "AAAA", forged, "not-a-token");
        List<String> kinds = List.of("one character altered", "cut short", "lengthened", "forged from a hidden name",
                "not a token at all");
        for (int i = 0; i < bads.size(); i++) {
            String bad = bads.get(i);
            String kind = kinds.get(i);
            assertRefused(() -> manager().list(admin(), SecretFilter.all(), new PageRequest(bad, 1)),
                    () -> "rule: SecretManager.list refuses a page token that it did not issue (" + kind + ": " + bad + ")");
        }
        assertEquals(1, manager().list(admin(), SecretFilter.all(), new PageRequest(token, 1)).items().size(),
                () -> "rule: SecretManager.list accepts the genuine token it issued and returns the next page (limit 1)");
    }

    @Test
    void pageTokenOfOneFilterIsRefusedWithAnother() {
        createHidden(HIDDEN);
        createSecret("prod/hidden/z");
        String token = manager().list(admin(), SecretFilter.environment("prod"), PageRequest.first(1)).nextPageToken();
        assertNotNull(token, () -> "rule: SecretManager.list(environment prod), limit 1, of several secrets gives a next token");

        Supplier<String> bound = () -> "rule: a SecretManager.list page token is bound to its filter; the token of"
                + " environment prod is refused with ";
        assertRefused(() -> manager().list(admin(), SecretFilter.all(), new PageRequest(token, 1)),
                () -> bound.get() + "the filter all");
        assertRefused(() -> manager().list(admin(), SecretFilter.environment("staging"), new PageRequest(token, 1)),
                () -> bound.get() + "environment staging");
        assertRefused(() -> manager().list(admin(), new SecretFilter("prod", "hidden/"), new PageRequest(token, 1)),
                () -> bound.get() + "environment prod, prefix hidden/");
        assertEquals(1, manager().list(admin(), SecretFilter.environment("prod"), new PageRequest(token, 1)).items().size(),
                () -> "rule: SecretManager.list accepts its token with the filter it was issued for (environment prod)"
                        + " and returns the next page (limit 1)");
    }

    @Test
    void pageTokenOfOneCallerIsRefusedForAnother() {
        createHidden(HIDDEN);
        Principal colleague = user("colleague");
        grant(colleague, List.of(Action.READ, Action.WRITE, Action.ROTATE, Action.ADMIN));
        String token = manager().list(admin(), SecretFilter.all(), PageRequest.first(1)).nextPageToken();
        assertNotNull(token, () -> "rule: SecretManager.list, limit 1, of " + HIDDEN.size() + " secrets gives a next token");
        assertRefused(() -> manager().list(as(colleague), SecretFilter.all(), new PageRequest(token, 1)),
                () -> "rule: a SecretManager.list page token is bound to its caller; the admin's token is refused for "
                        + colleague.id() + ", even one allowed every action");
    }

    @Test
    void auditPageTokensNameNothingAndAreBoundToTheQueryAndCaller() {
        createHidden(HIDDEN);
        Principal auditor = user("auditor");
        grant(auditor, Action.AUDIT);
        var query = auditQuery().withEventType(AuditEventType.SECRET_CREATE);
        String token = manager().queryAudit(admin(), query, PageRequest.first(1)).nextPageToken();
        assertNotNull(token, () -> "rule: SecretManager.queryAudit(SECRET_CREATE), limit 1, of " + HIDDEN.size()
                + " creates gives a next token");
        assertNamesNothing(token, HIDDEN);

        assertEquals(1, manager().queryAudit(admin(), query, new PageRequest(token, 1)).items().size(),
                () -> "rule: SecretManager.queryAudit accepts its token with the query and caller it was issued for and"
                        + " returns the next page (limit 1)");
        String bound = "rule: a SecretManager.queryAudit page token (query SECRET_CREATE, admin) is refused ";
        assertRefused(() -> manager().queryAudit(admin(), auditQuery(), new PageRequest(token, 1)),
                () -> bound + "with another query (no type filter)");
        assertRefused(() -> manager().queryAudit(admin(), query.withDecision(Decision.ALLOW), new PageRequest(token, 1)),
                () -> bound + "with another query (decision ALLOW added)");
        assertRefused(() -> manager().queryAudit(as(auditor), query, new PageRequest(token, 1)),
                () -> bound + "for another caller (" + auditor.id() + ", allowed " + Action.AUDIT.wireName() + ")");
        assertRefused(() -> manager().list(admin(), SecretFilter.all(), new PageRequest(token, 1)),
                () -> bound + "by SecretManager.list");
        String listToken = manager().list(admin(), SecretFilter.all(), PageRequest.first(1)).nextPageToken();
        assertRefused(() -> manager().queryAudit(admin(), query, new PageRequest(listToken, 1)),
                () -> "rule: a SecretManager.list page token is refused by SecretManager.queryAudit");
    }

    /** Asserts {@code call} refuses its page token: INVALID_ARGUMENT naming {@code pageToken}; {@code rule} says why. */
    private static void assertRefused(Executable call, Supplier<String> rule) {
        InvalidRequestException refused = Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, call,
                () -> rule.get() + "; must fail with INVALID_ARGUMENT");
        assertTrue(refused.getMessage().contains("pageToken"),
                () -> rule.get() + "; the INVALID_ARGUMENT message names pageToken, got: " + refused.getMessage());
    }

    // ---------------------------------------------------------------- absent and forbidden answer alike

    @Test
    void describeByPathAnswersAbsentAndForbiddenAlike() {
        Principal outsider = user("outsider");
        grant(outsider, List.of(Action.READ, Action.WRITE, Action.ROTATE, Action.ADMIN), "dev/*");
        SecretPath path = path("prod/hidden/db-password");
        AccessContext beforeCtx = as(outsider, "describe-absent");
        SecretsException absent = Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().describe(beforeCtx, path),
                () -> "rule: SecretManager.describe by an absent path outside the caller's allow fails with ACCESS_DENIED,"
                        + " not SECRET_NOT_FOUND (" + outsider.id() + " allowed dev/* only, " + path + ")");

        createSecret(path.qualifiedName());
        AccessContext afterCtx = as(outsider, "describe-forbidden");
        SecretsException forbidden = Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().describe(afterCtx, path),
                () -> "rule: SecretManager.describe by a path outside the caller's allow fails with ACCESS_DENIED ("
                        + outsider.id() + " allowed dev/* only, " + path + ")");

        assertSameAnswer("SecretManager.describe(" + path + ")", absent, beforeCtx, forbidden, afterCtx);
        assertDeniedAndAudited("SecretManager.describe, path absent", beforeCtx, path, Action.READ);
        assertDeniedAndAudited("SecretManager.describe, path forbidden", afterCtx, path, Action.READ);
    }

    @Test
    void readByPathAnswersAbsentAndForbiddenAlike() {
        Principal outsider = user("outsider");
        grant(outsider, Action.READ, "dev/*");
        SecretPath path = path("prod/hidden/db-password");
        AccessContext beforeCtx = as(outsider, "read-absent");
        SecretsException absent = Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(beforeCtx, path, VersionSelector.current()),
                () -> "rule: SecretManager.read of an absent path outside the caller's allow fails with ACCESS_DENIED,"
                        + " not SECRET_NOT_FOUND (" + outsider.id() + " allowed dev/* only, " + path + ")");

        addCurrent(createSecret(path.qualifiedName()).id(), TestValues.text());
        AccessContext afterCtx = as(outsider, "read-forbidden");
        SecretsException forbidden = Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(afterCtx, path, VersionSelector.current()),
                () -> "rule: SecretManager.read of a path outside the caller's allow fails with ACCESS_DENIED ("
                        + outsider.id() + " allowed dev/* only, " + path + ")");

        assertSameAnswer("SecretManager.read(" + path + ", current)", absent, beforeCtx, forbidden, afterCtx);
        assertDeniedAndAudited("SecretManager.read, path absent", beforeCtx, path, Action.READ);
        assertDeniedAndAudited("SecretManager.read, path forbidden", afterCtx, path, Action.READ);
    }

    @Test
    void aDenyHidesExistenceLikeAMissingAllow() {
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/*");
        deny("tck-no-hidden", reader.id(), List.of(Action.READ), "prod/hidden/*");
        SecretPath path = path("prod/hidden/db-password");
        AccessContext beforeCtx = as(reader, "denied-absent");
        SecretsException absent = Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().describe(beforeCtx, path),
                () -> "rule: SecretManager.describe by an absent path under a deny fails with ACCESS_DENIED, not"
                        + " SECRET_NOT_FOUND (" + reader.id() + ", deny tck-no-hidden on prod/hidden/*, " + path + ")");
        createSecret(path.qualifiedName());
        AccessContext afterCtx = as(reader, "denied-forbidden");
        SecretsException forbidden = Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().describe(afterCtx, path),
                () -> "rule: SecretManager.describe by a path under a deny fails with ACCESS_DENIED (" + reader.id()
                        + ", deny tck-no-hidden on prod/hidden/*, " + path + ")");
        assertSameAnswer("SecretManager.describe(" + path + ") under deny tck-no-hidden", absent, beforeCtx, forbidden, afterCtx);
    }

    @Test
    void callerWithRightsOnThePathLearnsThatASecretIsAbsent() {
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/*");
        SecretPath path = path("prod/absent/db-password");
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(as(reader), path),
                () -> "rule: SecretManager.describe by an absent path fails with SECRET_NOT_FOUND for a caller allowed on"
                        + " it (" + reader.id() + " allowed prod/*, " + path + ")");
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().read(as(reader), path, VersionSelector.current()),
                () -> "rule: SecretManager.read of an absent path fails with SECRET_NOT_FOUND for a caller allowed on it ("
                        + reader.id() + " allowed prod/*, " + path + ")");
    }

    /** The same exception, code and message, but for the request id a remote manager adds to its messages. */
    private static void assertSameAnswer(String call, SecretsException one, AccessContext oneCtx, SecretsException other,
            AccessContext otherCtx) {
        String rule = "rule: " + call + " answers an absent path (request " + oneCtx.requestId() + ") and a forbidden"
                + " one (request " + otherCtx.requestId() + ") alike";
        assertEquals(one.getClass(), other.getClass(), () -> rule + "; exception type");
        assertEquals(one.code(), other.code(), () -> rule + "; error code");
        assertEquals(one.getMessage().replace(oneCtx.requestId(), "<request>"),
                other.getMessage().replace(otherCtx.requestId(), "<request>"),
                () -> rule + "; message (request ids replaced by <request>)");
    }

    private void assertDeniedAndAudited(String call, AccessContext ctx, SecretPath path, Action action) {
        String rule = "rule: a denial by path (" + call + ", " + path + ") is audited as one ACCESS_DENIED event, DENY,"
                + " action " + action.wireName() + ", on the path and without a version (request " + ctx.requestId() + ")";
        List<AuditEvent> events = auditEventsOf(ctx.requestId());
        assertEquals(1, events.size(), () -> rule + "; found " + events);
        AuditEvent event = events.get(0);
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType(), () -> rule + "; field eventType");
        assertEquals(Decision.DENY, event.decision(), () -> rule + "; field decision");
        assertEquals(action.wireName(), event.action(), () -> rule + "; field action");
        assertEquals(path.environment(), event.environment(), () -> rule + "; field environment");
        assertEquals(path.path(), event.path(), () -> rule + "; field path");
        assertNull(event.version(), () -> rule + "; field version (a version would tell the secret exists)");
    }
}
