package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * How policies match: actions do not imply each other, deny wins, principal globs and groups,
 * resource patterns, default deny, and policy management. Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class PolicyRulesContract extends ManagerContractBase {
    private final Map<String, String> values = new HashMap<>();

    /** Creates a secret with one current version and remembers its value. */
    private Secret secret(String environmentAndPath) {
        Secret secret = createSecret(environmentAndPath);
        String value = TestValues.text();
        addCurrent(secret.id(), value);
        values.put(environmentAndPath, value);
        return secret;
    }

    private void assertCanRead(AccessContext ctx, String environmentAndPath) {
        assertEquals(values.get(environmentAndPath), readText(ctx, path(environmentAndPath), VersionSelector.current()),
                () -> ctx.principal().id() + " reading " + environmentAndPath);
    }

    private void assertCannotRead(AccessContext ctx, String environmentAndPath) {
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(ctx, path(environmentAndPath), VersionSelector.current()));
    }

    @Test
    void noPolicyMeansNothingIsAllowed() {
        Secret secret = secret("prod/default-deny");
        AccessContext nobody = as(user("nobody"));
        assertCannotRead(nobody, "prod/default-deny");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().describe(nobody, secret.id()));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().create(nobody, NewSecret.builder(path("prod/new"), TEAM).build()));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().listPolicies(nobody));
    }

    @Test
    void readingDoesNotImplyRotating() {
        Secret secret = secret("prod/read-only");
        addPending(secret.id(), TestValues.text());
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/read-only");

        assertCanRead(as(reader), "prod/read-only");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().promote(as(reader), secret.id(), 2, OptionalInt.of(1)));
        assertAliases(secret.id(), "current", 1);
    }

    @Test
    void rotatingDoesNotImplyReading() {
        Secret secret = secret("prod/rotate-only");
        addPending(secret.id(), TestValues.text());
        Principal rotator = user("rotator");
        grant(rotator, Action.ROTATE, "prod/rotate-only");

        manager().promote(as(rotator), secret.id(), 2, OptionalInt.of(1));
        assertAliases(secret.id(), "current", 2, "previous", 1);
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(rotator), secret.path(), VersionSelector.current()));
    }

    @Test
    void explicitDenyWinsOverAllow() {
        secret("prod/payments/db");
        secret("prod/payments/api");
        Principal alice = user("alice");
        allow("tck-alice-all", alice, List.of(Action.READ), "*");
        deny("tck-alice-no-db", alice.id(), List.of(Action.READ), "prod/payments/db");

        assertCannotRead(as(alice), "prod/payments/db");
        assertCanRead(as(alice), "prod/payments/api");
    }

    @Test
    void denyOfEveryActionWinsOverAnAllowOfOne() {
        secret("prod/locked");
        Principal alice = user("alice");
        allow("tck-alice-read", alice, Action.READ, "prod/*");
        putPolicy(Policy.deny("tck-lockdown", List.of("user:tck-*"), List.of(Action.ALL), List.of("prod/locked")));
        assertCannotRead(as(alice), "prod/locked");
    }

    @Test
    void actionWildcardAllowsEveryAction() {
        Secret secret = secret("prod/everything");
        Principal owner = user("owner");
        putPolicy(Policy.allow("tck-owner", List.of(owner.id()), List.of(Action.ALL), List.of("prod/everything")));

        assertCanRead(as(owner), "prod/everything");
        addPending(secret.id(), TestValues.text());
        manager().promote(as(owner), secret.id(), 2, OptionalInt.of(1));
        manager().destroy(as(owner), secret.id(), 1);
    }

    @Test
    void principalGlobsMatchPrincipalIds() {
        secret("prod/glob");
        allow("tck-all-tck-users", "user:tck-*", List.of(Action.READ), "prod/glob");

        assertCanRead(as(user("alice")), "prod/glob");
        assertCanRead(as(user("bob")), "prod/glob");
        assertCannotRead(as(Principal.of("service:tck-app", tenant())), "prod/glob");
        assertCannotRead(as(Principal.of("user:alice", tenant())), "prod/glob");
    }

    @Test
    void groupPrincipalsMatchMembers() {
        secret("prod/oncall");
        allow("tck-oncall", "group:tck-oncall", List.of(Action.READ), "prod/oncall");

        assertCanRead(as(user("carol").withGroups("tck-oncall", "other")), "prod/oncall");
        assertCannotRead(as(user("dave").withGroups("other")), "prod/oncall");
        assertCannotRead(as(user("tck-oncall")), "prod/oncall");
    }

    @Test
    void denyThroughAGroupWinsOverAPersonalAllow() {
        secret("prod/contractors");
        Principal erin = user("erin").withGroups("tck-contractors");
        allow("tck-erin", erin, Action.READ, "prod/*");
        deny("tck-no-contractors", "group:tck-contractors", List.of(Action.READ), "prod/contractors");
        assertCannotRead(as(erin), "prod/contractors");
    }

    @Test
    void plusMatchesExactlyOneSegment() {
        secret("prod/payments/db");
        secret("prod/search/db");
        secret("prod/payments/eu/db");
        secret("dev/payments/db");
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/+/db");

        assertCanRead(as(reader), "prod/payments/db");
        assertCanRead(as(reader), "prod/search/db");
        assertCannotRead(as(reader), "prod/payments/eu/db");
        assertCannotRead(as(reader), "dev/payments/db");
    }

    @Test
    void trailingStarMatchesOneOrMoreSegments() {
        secret("prod/payments/a");
        secret("prod/payments/eu/b");
        secret("prod/payments");
        secret("prod/paymentsx/a");
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/payments/*");

        assertCanRead(as(reader), "prod/payments/a");
        assertCanRead(as(reader), "prod/payments/eu/b");
        assertCannotRead(as(reader), "prod/payments");
        assertCannotRead(as(reader), "prod/paymentsx/a");
    }

    @Test
    void exactResourceMatchesOnlyThatSecret() {
        secret("prod/exact");
        secret("prod/exact/child");
        secret("staging/exact");
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/exact");

        assertCanRead(as(reader), "prod/exact");
        assertCannotRead(as(reader), "prod/exact/child");
        assertCannotRead(as(reader), "staging/exact");
    }

    @Test
    void policiesCanBePutReadListedAndDeleted() {
        Policy policy = Policy.allow("tck-crud", List.of("user:tck-x"), List.of("secrets:read"), List.of("prod/*"));
        assertEquals(policy, manager().putPolicy(admin(), policy));
        assertEquals(policy, manager().getPolicy(admin(), "tck-crud").orElseThrow());
        assertTrue(manager().listPolicies(admin()).contains(policy));

        Policy replaced = Policy.deny("tck-crud", List.of("user:tck-x"), List.of("secrets:read"), List.of("prod/*"));
        manager().putPolicy(admin(), replaced);
        assertEquals(replaced, manager().getPolicy(admin(), "tck-crud").orElseThrow());
        assertEquals(1, manager().listPolicies(admin()).stream().filter(p -> p.name().equals("tck-crud")).count());

        manager().deletePolicy(admin(), "tck-crud");
        assertTrue(manager().getPolicy(admin(), "tck-crud").isEmpty());
        Expect.thrown(NotFoundException.class, ErrorCode.POLICY_NOT_FOUND, () -> manager().deletePolicy(admin(), "tck-crud"));
    }

    @Test
    void policyChangesTakeEffectAtOnce() {
        secret("prod/revocable");
        Principal reader = user("reader");
        allow("tck-revocable", reader, Action.READ, "prod/revocable");
        assertCanRead(as(reader), "prod/revocable");

        manager().deletePolicy(admin(), "tck-revocable");
        assertCannotRead(as(reader), "prod/revocable");
    }

    @Test
    void malformedPoliciesAreRejectedBeforeReachingTheManager() {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_POLICY,
                () -> Policy.allow("Bad Name", List.of("user:x"), List.of("secrets:read"), List.of("*")));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_POLICY,
                () -> Policy.allow("tck-ok", List.of("user:x"), List.of("secrets:launch"), List.of("*")));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_POLICY,
                () -> Policy.allow("tck-ok", List.of("user:x"), List.of("secrets:read"), List.of("prod/*/db")));
        assertTrue(manager().getPolicy(admin(), "tck-ok").isEmpty());
    }

    @Test
    void readsAndWritesNeedTheirOwnGrantsPerEnvironment() {
        SecretPath prod = secret("prod/app/key").path();
        secret("dev/app/key");
        Principal dev = user("developer");
        grant(dev, List.of(Action.READ, Action.WRITE), "dev/*");

        assertCanRead(as(dev), "dev/app/key");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(dev), prod, VersionSelector.current()));
    }
}
