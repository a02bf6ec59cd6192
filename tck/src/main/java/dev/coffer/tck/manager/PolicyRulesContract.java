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

    /** Asserts {@code ctx} reads the current value of {@code environmentAndPath}; {@code why} names the policies. */
    private void assertCanRead(AccessContext ctx, String environmentAndPath, String why) {
        assertReads(values.get(environmentAndPath), ctx, path(environmentAndPath), VersionSelector.current(),
                () -> "rule: " + why + ", so " + who(ctx) + " may read " + environmentAndPath);
    }

    /** Asserts {@code ctx} is refused reading {@code environmentAndPath}; {@code why} names the policies. */
    private void assertCannotRead(AccessContext ctx, String environmentAndPath, String why) {
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(ctx, path(environmentAndPath), VersionSelector.current()),
                () -> "rule: " + why + ", so SecretManager.read of " + environmentAndPath + " at current by " + who(ctx)
                        + " fails with ACCESS_DENIED");
    }

    private static String who(AccessContext ctx) {
        Principal p = ctx.principal();
        return p.id() + (p.groups().isEmpty() ? "" : " (groups " + p.groups() + ")");
    }

    @Test
    void noPolicyMeansNothingIsAllowed() {
        Secret secret = secret("prod/default-deny");
        AccessContext nobody = as(user("nobody"));
        assertCannotRead(nobody, "prod/default-deny", "no policy names user:tck-nobody (default deny)");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().describe(nobody, secret.id()),
                () -> "rule: default deny; SecretManager.describe of " + secret.path() + " by user:tck-nobody (no"
                        + " policy) fails with ACCESS_DENIED");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().create(nobody, NewSecret.builder(path("prod/new"), TEAM).build()),
                () -> "rule: default deny; SecretManager.create of prod/new by user:tck-nobody (no policy) fails with"
                        + " ACCESS_DENIED");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().listPolicies(nobody),
                () -> "rule: default deny; SecretManager.listPolicies by user:tck-nobody (no policy) fails with"
                        + " ACCESS_DENIED");
    }

    @Test
    void readingDoesNotImplyRotating() {
        Secret secret = secret("prod/read-only");
        addPending(secret.id(), TestValues.text());
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/read-only");

        assertCanRead(as(reader), "prod/read-only", "secrets:read on prod/read-only allows reading");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().promote(as(reader), secret.id(), 2, OptionalInt.of(1)),
                () -> "rule: secrets:read does not imply secrets:rotate; SecretManager.promote of " + secret.path()
                        + " version 2 by " + reader.id() + " (read only) fails with ACCESS_DENIED");
        assertAliases(secret.id(), () -> "rule: a refused SecretManager.promote (ACCESS_DENIED) moves no alias; current"
                + " stays on 1", "current", 1);
    }

    @Test
    void rotatingDoesNotImplyReading() {
        Secret secret = secret("prod/rotate-only");
        addPending(secret.id(), TestValues.text());
        Principal rotator = user("rotator");
        grant(rotator, Action.ROTATE, "prod/rotate-only");

        manager().promote(as(rotator), secret.id(), 2, OptionalInt.of(1));
        assertAliases(secret.id(), () -> "rule: secrets:rotate allows SecretManager.promote; " + rotator.id()
                + " promoted version 2 of " + secret.path(), "current", 2, "previous", 1);
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(rotator), secret.path(), VersionSelector.current()),
                () -> "rule: secrets:rotate does not imply secrets:read; SecretManager.read of " + secret.path()
                        + " by " + rotator.id() + " (rotate only) fails with ACCESS_DENIED");
    }

    @Test
    void explicitDenyWinsOverAllow() {
        secret("prod/payments/db");
        secret("prod/payments/api");
        Principal alice = user("alice");
        allow("tck-alice-all", alice, List.of(Action.READ), "*");
        deny("tck-alice-no-db", alice.id(), List.of(Action.READ), "prod/payments/db");

        assertCannotRead(as(alice), "prod/payments/db",
                "deny tck-alice-no-db (read on prod/payments/db) wins over allow tck-alice-all (read on *)");
        assertCanRead(as(alice), "prod/payments/api",
                "allow tck-alice-all (read on *) holds where deny tck-alice-no-db (prod/payments/db) does not reach");
    }

    @Test
    void denyOfEveryActionWinsOverAnAllowOfOne() {
        secret("prod/locked");
        Principal alice = user("alice");
        allow("tck-alice-read", alice, Action.READ, "prod/*");
        putPolicy(Policy.deny("tck-lockdown", List.of("user:tck-*"), List.of(Action.ALL), List.of("prod/locked")));
        assertCannotRead(as(alice), "prod/locked",
                "deny tck-lockdown (secrets:* on prod/locked for user:tck-*) wins over allow tck-alice-read (read on prod/*)");
    }

    @Test
    void actionWildcardAllowsEveryAction() {
        Secret secret = secret("prod/everything");
        Principal owner = user("owner");
        putPolicy(Policy.allow("tck-owner", List.of(owner.id()), List.of(Action.ALL), List.of("prod/everything")));

        assertCanRead(as(owner), "prod/everything", "allow tck-owner grants secrets:* on prod/everything");
        addPending(secret.id(), TestValues.text());
        manager().promote(as(owner), secret.id(), 2, OptionalInt.of(1));
        manager().destroy(as(owner), secret.id(), 1);
    }

    @Test
    void principalGlobsMatchPrincipalIds() {
        secret("prod/glob");
        allow("tck-all-tck-users", "user:tck-*", List.of(Action.READ), "prod/glob");

        assertCanRead(as(user("alice")), "prod/glob", "the principal glob user:tck-* matches user:tck-alice");
        assertCanRead(as(user("bob")), "prod/glob", "the principal glob user:tck-* matches user:tck-bob");
        assertCannotRead(as(Principal.of("service:tck-app", tenant())), "prod/glob",
                "the principal glob user:tck-* does not match service:tck-app");
        assertCannotRead(as(Principal.of("user:alice", tenant())), "prod/glob",
                "the principal glob user:tck-* does not match user:alice");
    }

    @Test
    void groupPrincipalsMatchMembers() {
        secret("prod/oncall");
        allow("tck-oncall", "group:tck-oncall", List.of(Action.READ), "prod/oncall");

        assertCanRead(as(user("carol").withGroups("tck-oncall", "other")), "prod/oncall",
                "group:tck-oncall matches a member of group tck-oncall");
        assertCannotRead(as(user("dave").withGroups("other")), "prod/oncall",
                "group:tck-oncall does not match a principal outside group tck-oncall");
        assertCannotRead(as(user("tck-oncall")), "prod/oncall",
                "group:tck-oncall matches group members only, not a user named tck-oncall");
    }

    @Test
    void denyThroughAGroupWinsOverAPersonalAllow() {
        secret("prod/contractors");
        Principal erin = user("erin").withGroups("tck-contractors");
        allow("tck-erin", erin, Action.READ, "prod/*");
        deny("tck-no-contractors", "group:tck-contractors", List.of(Action.READ), "prod/contractors");
        assertCannotRead(as(erin), "prod/contractors",
                "deny tck-no-contractors through group:tck-contractors wins over the personal allow tck-erin (read on prod/*)");
    }

    @Test
    void plusMatchesExactlyOneSegment() {
        secret("prod/payments/db");
        secret("prod/search/db");
        secret("prod/payments/eu/db");
        secret("dev/payments/db");
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/+/db");

        assertCanRead(as(reader), "prod/payments/db", "the resource prod/+/db matches one segment (payments)");
        assertCanRead(as(reader), "prod/search/db", "the resource prod/+/db matches one segment (search)");
        assertCannotRead(as(reader), "prod/payments/eu/db", "in the resource prod/+/db, + matches exactly one segment, not two");
        assertCannotRead(as(reader), "dev/payments/db", "the resource prod/+/db does not match environment dev");
    }

    @Test
    void trailingStarMatchesOneOrMoreSegments() {
        secret("prod/payments/a");
        secret("prod/payments/eu/b");
        secret("prod/payments");
        secret("prod/paymentsx/a");
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/payments/*");

        assertCanRead(as(reader), "prod/payments/a", "the resource prod/payments/* matches one segment after payments/");
        assertCanRead(as(reader), "prod/payments/eu/b", "a trailing * in prod/payments/* matches more than one segment");
        assertCannotRead(as(reader), "prod/payments", "a trailing * in prod/payments/* matches at least one segment");
        assertCannotRead(as(reader), "prod/paymentsx/a", "the resource prod/payments/* matches whole segments only");
    }

    @Test
    void exactResourceMatchesOnlyThatSecret() {
        secret("prod/exact");
        secret("prod/exact/child");
        secret("staging/exact");
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/exact");

        assertCanRead(as(reader), "prod/exact", "the exact resource prod/exact matches itself");
        assertCannotRead(as(reader), "prod/exact/child", "the exact resource prod/exact does not match its children");
        assertCannotRead(as(reader), "staging/exact", "the exact resource prod/exact does not match another environment");
    }

    @Test
    void policiesCanBePutReadListedAndDeleted() {
        Policy policy = Policy.allow("tck-crud", List.of("user:tck-x"), List.of("secrets:read"), List.of("prod/*"));
        assertEquals(policy, manager().putPolicy(admin(), policy), "rule: SecretManager.putPolicy returns the policy it"
                + " stored (tck-crud)");
        assertEquals(policy, manager().getPolicy(admin(), "tck-crud").orElseThrow(),
                "rule: SecretManager.getPolicy of tck-crud returns the policy putPolicy stored");
        assertTrue(manager().listPolicies(admin()).contains(policy),
                "rule: SecretManager.listPolicies contains the policy tck-crud putPolicy stored");

        Policy replaced = Policy.deny("tck-crud", List.of("user:tck-x"), List.of("secrets:read"), List.of("prod/*"));
        manager().putPolicy(admin(), replaced);
        assertEquals(replaced, manager().getPolicy(admin(), "tck-crud").orElseThrow(),
                "rule: SecretManager.putPolicy of an existing name (tck-crud, allow -> deny) replaces it (getPolicy)");
        assertEquals(1, manager().listPolicies(admin()).stream().filter(p -> p.name().equals("tck-crud")).count(),
                "rule: SecretManager.putPolicy of an existing name replaces it: listPolicies has one tck-crud");

        manager().deletePolicy(admin(), "tck-crud");
        assertTrue(manager().getPolicy(admin(), "tck-crud").isEmpty(),
                "rule: after SecretManager.deletePolicy of tck-crud, getPolicy finds none");
        Expect.thrown(NotFoundException.class, ErrorCode.POLICY_NOT_FOUND, () -> manager().deletePolicy(admin(), "tck-crud"),
                () -> "rule: SecretManager.deletePolicy of a name no longer there (tck-crud) fails with POLICY_NOT_FOUND");
    }

    @Test
    void policyChangesTakeEffectAtOnce() {
        secret("prod/revocable");
        Principal reader = user("reader");
        allow("tck-revocable", reader, Action.READ, "prod/revocable");
        assertCanRead(as(reader), "prod/revocable", "allow tck-revocable grants read on prod/revocable");

        manager().deletePolicy(admin(), "tck-revocable");
        assertCannotRead(as(reader), "prod/revocable",
                "policy changes take effect at once: after SecretManager.deletePolicy of tck-revocable nothing allows it");
    }

    @Test
    void malformedPoliciesAreRejectedBeforeReachingTheManager() {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_POLICY,
                () -> Policy.allow("Bad Name", List.of("user:x"), List.of("secrets:read"), List.of("*")),
                () -> "rule: Policy.allow refuses a malformed policy name (\"Bad Name\"): INVALID_POLICY");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_POLICY,
                () -> Policy.allow("tck-ok", List.of("user:x"), List.of("secrets:launch"), List.of("*")),
                () -> "rule: Policy.allow refuses an unknown action (secrets:launch): INVALID_POLICY");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_POLICY,
                () -> Policy.allow("tck-ok", List.of("user:x"), List.of("secrets:read"), List.of("prod/*/db")),
                () -> "rule: Policy.allow refuses a resource with * other than trailing (prod/*/db): INVALID_POLICY");
        assertTrue(manager().getPolicy(admin(), "tck-ok").isEmpty(),
                "rule: policies refused while being built never reach the manager: SecretManager.getPolicy of tck-ok finds none");
    }

    @Test
    void readsAndWritesNeedTheirOwnGrantsPerEnvironment() {
        SecretPath prod = secret("prod/app/key").path();
        secret("dev/app/key");
        Principal dev = user("developer");
        grant(dev, List.of(Action.READ, Action.WRITE), "dev/*");

        assertCanRead(as(dev), "dev/app/key", "read and write on dev/* allow reading in dev");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(dev), prod, VersionSelector.current()),
                () -> "rule: grants are per environment; read and write on dev/* do not reach " + prod + ", so"
                        + " SecretManager.read by " + dev.id() + " fails with ACCESS_DENIED");
    }
}
