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
            assertTrue(result.items().size() <= limit, "page larger than its limit");
            result.items().forEach(s -> names.add(s.path().qualifiedName()));
            pages++;
            assertTrue(pages < 100, "pagination does not end");
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
                assertFalse(reading.contains(path), () -> "a page token reveals the name " + name);
            }
        }
    }

    // ---------------------------------------------------------------- listings and page tokens

    @Test
    void callerWhomNoPolicyAllowsAnythingGetsOneEmptyLastPage() {
        createHidden(HIDDEN);
        Walk walk = walk(as(user("nobody")), SecretFilter.all(), 1);
        assertEquals(List.of(), walk.names());
        assertEquals(1, walk.pages(), "an empty page with a token tells the caller more secrets exist");
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

        assertEquals(List.of("dev/own/a", "prod/own/b"), walk.names());
        for (String token : walk.tokens()) {
            assertNamesNothing(token, HIDDEN);
            assertNamesNothing(token, List.of("dev/own/a", "prod/own/b"));
        }
    }

    @Test
    void adminPageTokensNameNothingEither() {
        createHidden(HIDDEN);
        Walk walk = walk(admin(), SecretFilter.all(), 1);
        assertEquals(HIDDEN.size(), walk.names().size());
        assertEquals(HIDDEN.size() - 1, walk.tokens().size());
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

        assertEquals(List.of("prod/own/a"), alone.names());
        assertEquals(alone, beside, "a token after the last visible secret tells a hidden one shares its prefix");
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

        assertEquals(List.of("prod/own/a", "prod/own/m"), few.names());
        assertEquals(few.names(), more.names());
        assertEquals(few.pages(), more.pages(), "page count depends on how many hidden secrets there are");
    }

    @Test
    void alteredOrForgedPageTokensAreRefused() {
        createHidden(HIDDEN);
        String token = manager().list(admin(), SecretFilter.all(), PageRequest.first(1)).nextPageToken();
        assertNotNull(token);
        int middle = token.length() / 2;
        char swapped = token.charAt(middle) == 'A' ? 'B' : 'A';
        String altered = token.substring(0, middle) + swapped + token.substring(middle + 1);
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("secrets/1:" + HIDDEN.get(0)).getBytes(StandardCharsets.UTF_8));

        for (String bad : List.of(altered, token.substring(0, token.length() - 4), token + "AAAA", forged, "not-a-token")) {
            assertRefused(() -> manager().list(admin(), SecretFilter.all(), new PageRequest(bad, 1)));
        }
        assertEquals(1, manager().list(admin(), SecretFilter.all(), new PageRequest(token, 1)).items().size(),
                "the genuine token works");
    }

    @Test
    void pageTokenOfOneFilterIsRefusedWithAnother() {
        createHidden(HIDDEN);
        createSecret("prod/hidden/z");
        String token = manager().list(admin(), SecretFilter.environment("prod"), PageRequest.first(1)).nextPageToken();
        assertNotNull(token);

        assertRefused(() -> manager().list(admin(), SecretFilter.all(), new PageRequest(token, 1)));
        assertRefused(() -> manager().list(admin(), SecretFilter.environment("staging"), new PageRequest(token, 1)));
        assertRefused(() -> manager().list(admin(), new SecretFilter("prod", "hidden/"), new PageRequest(token, 1)));
        assertEquals(1, manager().list(admin(), SecretFilter.environment("prod"), new PageRequest(token, 1)).items().size());
    }

    @Test
    void pageTokenOfOneCallerIsRefusedForAnother() {
        createHidden(HIDDEN);
        Principal colleague = user("colleague");
        grant(colleague, List.of(Action.READ, Action.WRITE, Action.ROTATE, Action.ADMIN));
        String token = manager().list(admin(), SecretFilter.all(), PageRequest.first(1)).nextPageToken();
        assertNotNull(token);
        assertRefused(() -> manager().list(as(colleague), SecretFilter.all(), new PageRequest(token, 1)));
    }

    @Test
    void auditPageTokensNameNothingAndAreBoundToTheQueryAndCaller() {
        createHidden(HIDDEN);
        Principal auditor = user("auditor");
        grant(auditor, Action.AUDIT);
        var query = auditQuery().withEventType(AuditEventType.SECRET_CREATE);
        String token = manager().queryAudit(admin(), query, PageRequest.first(1)).nextPageToken();
        assertNotNull(token);
        assertNamesNothing(token, HIDDEN);

        assertEquals(1, manager().queryAudit(admin(), query, new PageRequest(token, 1)).items().size());
        assertRefused(() -> manager().queryAudit(admin(), auditQuery(), new PageRequest(token, 1)));
        assertRefused(() -> manager().queryAudit(admin(), query.withDecision(Decision.ALLOW), new PageRequest(token, 1)));
        assertRefused(() -> manager().queryAudit(as(auditor), query, new PageRequest(token, 1)));
        assertRefused(() -> manager().list(admin(), SecretFilter.all(), new PageRequest(token, 1)));
        String listToken = manager().list(admin(), SecretFilter.all(), PageRequest.first(1)).nextPageToken();
        assertRefused(() -> manager().queryAudit(admin(), query, new PageRequest(listToken, 1)));
    }

    private static void assertRefused(Executable call) {
        InvalidRequestException refused = Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, call);
        assertTrue(refused.getMessage().contains("pageToken"), refused::getMessage);
    }

    // ---------------------------------------------------------------- absent and forbidden answer alike

    @Test
    void describeByPathAnswersAbsentAndForbiddenAlike() {
        Principal outsider = user("outsider");
        grant(outsider, List.of(Action.READ, Action.WRITE, Action.ROTATE, Action.ADMIN), "dev/*");
        SecretPath path = path("prod/hidden/db-password");
        AccessContext beforeCtx = as(outsider, "describe-absent");
        SecretsException absent = Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().describe(beforeCtx, path));

        createSecret(path.qualifiedName());
        AccessContext afterCtx = as(outsider, "describe-forbidden");
        SecretsException forbidden = Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().describe(afterCtx, path));

        assertSameAnswer(absent, beforeCtx, forbidden, afterCtx);
        assertDeniedAndAudited(beforeCtx, path, Action.READ);
        assertDeniedAndAudited(afterCtx, path, Action.READ);
    }

    @Test
    void readByPathAnswersAbsentAndForbiddenAlike() {
        Principal outsider = user("outsider");
        grant(outsider, Action.READ, "dev/*");
        SecretPath path = path("prod/hidden/db-password");
        AccessContext beforeCtx = as(outsider, "read-absent");
        SecretsException absent = Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(beforeCtx, path, VersionSelector.current()));

        addCurrent(createSecret(path.qualifiedName()).id(), TestValues.text());
        AccessContext afterCtx = as(outsider, "read-forbidden");
        SecretsException forbidden = Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(afterCtx, path, VersionSelector.current()));

        assertSameAnswer(absent, beforeCtx, forbidden, afterCtx);
        assertDeniedAndAudited(beforeCtx, path, Action.READ);
        assertDeniedAndAudited(afterCtx, path, Action.READ);
    }

    @Test
    void aDenyHidesExistenceLikeAMissingAllow() {
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/*");
        deny("tck-no-hidden", reader.id(), List.of(Action.READ), "prod/hidden/*");
        SecretPath path = path("prod/hidden/db-password");
        AccessContext beforeCtx = as(reader, "denied-absent");
        SecretsException absent = Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().describe(beforeCtx, path));
        createSecret(path.qualifiedName());
        AccessContext afterCtx = as(reader, "denied-forbidden");
        SecretsException forbidden = Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().describe(afterCtx, path));
        assertSameAnswer(absent, beforeCtx, forbidden, afterCtx);
    }

    @Test
    void callerWithRightsOnThePathLearnsThatASecretIsAbsent() {
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/*");
        SecretPath path = path("prod/absent/db-password");
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(as(reader), path));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().read(as(reader), path, VersionSelector.current()));
    }

    /** The same exception, code and message, but for the request id a remote manager adds to its messages. */
    private static void assertSameAnswer(SecretsException one, AccessContext oneCtx, SecretsException other, AccessContext otherCtx) {
        assertEquals(one.getClass(), other.getClass());
        assertEquals(one.code(), other.code());
        assertEquals(one.getMessage().replace(oneCtx.requestId(), "<request>"),
                other.getMessage().replace(otherCtx.requestId(), "<request>"));
    }

    private void assertDeniedAndAudited(AccessContext ctx, SecretPath path, Action action) {
        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType());
        assertEquals(Decision.DENY, event.decision());
        assertEquals(action.wireName(), event.action());
        assertEquals(path.environment(), event.environment());
        assertEquals(path.path(), event.path());
        assertNull(event.version());
    }
}
