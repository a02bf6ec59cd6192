package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenant isolation: a caller acts only in its own tenant. Paths of another tenant are denied;
 * ids of another tenant are simply not found. The outsider here carries the admin's own principal
 * id, so an implementation that matched policies by id alone, ignoring the tenant, would let it
 * through. A caller whose own tenant allows it everything on {@code prod/*} is still refused every
 * path of another tenant: a tenant's policies never open another tenant's paths (this test needs
 * {@link dev.coffer.tck.ManagerFixture#secondTenantAdmin()}). Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class TenancyContract extends ManagerContractBase {
    private Secret secret;
    private String value;
    private AccessContext outsider;

    @BeforeEach
    void aSecretAndAnOutsider() {
        secret = createSecret("prod/tenancy/db");
        value = TestValues.text();
        addCurrent(secret.id(), value);
        addPending(secret.id(), TestValues.text());
        String otherTenant = tenant().equals("tck-elsewhere") ? "tck-elsewhere-2" : "tck-elsewhere";
        Principal admin = admin().principal();
        outsider = AccessContext.of(new Principal(admin.id(), otherTenant, admin.groups(), admin.mfa(), admin.cluster()))
                .withRequestId(requestId("outsider"));
    }

    private String outsiderName() {
        return outsider.principal().id() + " of tenant " + outsider.principal().tenant();
    }

    private String idRule(String method) {
        return "rule: " + method + " of an id of another tenant (" + secret.id() + " of " + tenant() + ") by "
                + outsiderName() + " fails with SECRET_NOT_FOUND";
    }

    @Test
    void pathOfAnotherTenantIsDenied() {
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(outsider, secret.path(), VersionSelector.current()),
                () -> "rule: SecretManager.read of a path of another tenant (" + secret.path() + ") by " + outsiderName()
                        + " fails with ACCESS_DENIED");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().describe(outsider, secret.path()),
                () -> "rule: SecretManager.describe of a path of another tenant (" + secret.path() + ") by "
                        + outsiderName() + " fails with ACCESS_DENIED");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().create(outsider, NewSecret.builder(path("prod/tenancy/planted"), TEAM).build()),
                () -> "rule: SecretManager.create in another tenant (" + path("prod/tenancy/planted") + ") by "
                        + outsiderName() + " fails with ACCESS_DENIED");
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), path("prod/tenancy/planted")),
                () -> "rule: a refused SecretManager.create by another tenant's caller creates nothing:"
                        + " SecretManager.describe of " + path("prod/tenancy/planted") + " fails with SECRET_NOT_FOUND");
    }

    @Test
    void idOfAnotherTenantIsNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(outsider, secret.id()),
                () -> idRule("SecretManager.describe"));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().versions(outsider, secret.id()),
                () -> idRule("SecretManager.versions"));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> addVersion(outsider, secret.id(), TestValues.text(), VersionStatus.CURRENT),
                () -> idRule("SecretManager.addVersion (CURRENT)"));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().promote(outsider, secret.id(), 2, OptionalInt.of(1)),
                () -> idRule("SecretManager.promote (version 2, expected current 1)"));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().destroy(outsider, secret.id(), 2),
                () -> idRule("SecretManager.destroy (version 2)"));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().scheduleDeletion(outsider, secret.id()),
                () -> idRule("SecretManager.scheduleDeletion"));

        assertStatuses(secret.id(), () -> "rule: calls by id from another tenant change nothing: version 1 stays CURRENT,"
                + " 2 PENDING", 1, VersionStatus.CURRENT, 2, VersionStatus.PENDING);
        assertReads(value, admin(), secret.path(), VersionSelector.current(),
                () -> "rule: calls by id from another tenant change nothing: current still reads version 1's value");
    }

    @Test
    void listingShowsNothingOfAnotherTenant() {
        assertTrue(manager().list(outsider, SecretFilter.all(), PageRequest.first()).items().stream()
                .noneMatch(s -> s.path().tenant().equals(tenant())),
                () -> "rule: SecretManager.list by " + outsiderName() + " shows no secret of tenant " + tenant());
    }

    @Test
    void auditOfAnotherTenantIsDenied() {
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().queryAudit(outsider, AuditQuery.tenant(tenant()), PageRequest.first()),
                () -> "rule: SecretManager.queryAudit of tenant " + tenant() + " by " + outsiderName()
                        + " fails with ACCESS_DENIED");
    }

    @Test
    void outsidersAreAuditedInTheirOwnTenant() {
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(outsider, secret.path(), VersionSelector.current()),
                () -> "rule: SecretManager.read of a path of another tenant (" + secret.path() + ") by " + outsiderName()
                        + " fails with ACCESS_DENIED");
        assertTrue(auditEventsOf(outsider.requestId()).isEmpty(),
                () -> "rule: a refused SecretManager.read by " + outsiderName() + " is audited in its own tenant, not in"
                        + " tenant " + tenant() + " it reached for; request " + outsider.requestId() + " left "
                        + auditEventsOf(outsider.requestId()));
    }
    /** A tck principal of the fixture's second tenant, allowed {@code secrets:*} on {@code prod/*} there by that tenant's admin. */
    private AccessContext outsiderAllowedProdInItsOwnTenant() {
        AccessContext secondAdmin = fixture().secondTenantAdmin().orElse(null);
        Assumptions.assumeTrue(secondAdmin != null, "the fixture has no second tenant with an admin of its own");
        String theirs = secondAdmin.principal().tenant();
        Assumptions.assumeFalse(theirs.equals(tenant()), "the fixture's second tenant is its first");
        Principal principal = Principal.of("user:tck-outsider", theirs);
        manager().putPolicy(secondAdmin, Policy.allow("tck-outsider-prod", List.of(principal.id()), List.of("secrets:*"),
                List.of("prod/*")));
        return AccessContext.of(principal).withRequestId(requestId("outsider-allowed"));
    }

    @Test
    void aTenantsOwnPolicyNeverOpensAPathOfAnotherTenant() {
        AccessContext allowed = outsiderAllowedProdInItsOwnTenant();
        String who = allowed.principal().id() + " of tenant " + allowed.principal().tenant() + " (allowed secrets:* on prod/*"
                + " by a policy of its own tenant)";
        // The allow works in its own tenant: the refusals below are the tenant boundary, not a missing policy.
        SecretPath own = SecretPath.parse(allowed.principal().tenant(), "prod/tenancy/db");
        manager().create(allowed, NewSecret.builder(own, TEAM).build());
        assertEquals(own, manager().describe(allowed, own).secret().path(),
                () -> "rule: a policy of the caller's own tenant opens its own paths; SecretManager.describe of " + own
                        + " by " + who + " succeeds");

        SecretPath ours = secret.path();
        SecretRef byPath = SecretRef.path(ours);
        SecretRef byId = SecretRef.id(secret.id());
        for (SecretRef ref : List.of(byPath, byId)) {
            boolean path = ref == byPath;
            Class<? extends dev.coffer.spi.error.SecretsException> type = path ? AccessDeniedException.class : NotFoundException.class;
            ErrorCode code = path ? ErrorCode.ACCESS_DENIED : ErrorCode.SECRET_NOT_FOUND;
            String how = path ? " by path " + ours : " by id " + secret.id() + " (of tenant " + tenant() + ")";
            java.util.function.Function<String, java.util.function.Supplier<String>> rule = method -> () -> "rule: a tenant's"
                    + " own policy never opens another tenant's secret; SecretManager." + method + how + " by " + who
                    + " fails with " + code;
            Expect.thrown(type, code, () -> manager().describe(allowed, ref), rule.apply("describe"));
            Expect.thrown(type, code, () -> manager().versions(allowed, ref), rule.apply("versions"));
            Expect.thrown(type, code, () -> manager().update(allowed, ref, SecretUpdate.none().withDescription("planted")),
                    rule.apply("update"));
            Expect.thrown(type, code, () -> {
                try (SecretValue planted = TestValues.value()) {
                    manager().addVersion(allowed, ref, new NewVersion(planted, VersionStatus.CURRENT, null));
                }
            }, rule.apply("addVersion (CURRENT)"));
            Expect.thrown(type, code, () -> manager().promote(allowed, ref, 2, OptionalInt.of(1)),
                    rule.apply("promote (version 2, expected current 1)"));
            Expect.thrown(type, code, () -> manager().moveAlias(allowed, ref, "canary", 2, OptionalInt.empty()),
                    rule.apply("moveAlias (canary to 2)"));
            Expect.thrown(type, code, () -> manager().disable(allowed, ref, 2), rule.apply("disable (version 2)"));
            Expect.thrown(type, code, () -> manager().enable(allowed, ref, 2), rule.apply("enable (version 2)"));
            Expect.thrown(type, code, () -> manager().destroy(allowed, ref, 2), rule.apply("destroy (version 2)"));
            Expect.thrown(type, code, () -> manager().scheduleDeletion(allowed, ref, 7), rule.apply("scheduleDeletion (7 days)"));
            Expect.thrown(type, code, () -> manager().restore(allowed, ref), rule.apply("restore"));
            if (fixture().canPurge()) {
                Expect.thrown(type, code, () -> manager().purge(allowed, ref), rule.apply("purge"));
            }
            Expect.thrown(type, code, () -> manager().forceDelete(allowed, ref), rule.apply("forceDelete"));
        }
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().read(allowed, ours, VersionSelector.current()),
                () -> "rule: a tenant's own policy never opens another tenant's secret; SecretManager.read of " + ours
                        + " by " + who + " fails with ACCESS_DENIED");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().describe(allowed, ours),
                () -> "rule: a tenant's own policy never opens another tenant's secret; SecretManager.describe(path) of "
                        + ours + " by " + who + " fails with ACCESS_DENIED");
        SecretPath planted = path("prod/tenancy/planted");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().create(allowed, NewSecret.builder(planted, TEAM).build()),
                () -> "rule: a tenant's own policy never opens another tenant's paths; SecretManager.create of " + planted
                        + " by " + who + " fails with ACCESS_DENIED");
        assertTrue(manager().list(allowed, SecretFilter.all(), PageRequest.first()).items().stream()
                        .noneMatch(s -> s.path().tenant().equals(tenant())),
                () -> "rule: SecretManager.list by " + who + " shows no secret of tenant " + tenant());

        String unchanged = "rule: calls into tenant " + tenant() + " by " + who + " change nothing: ";
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), planted),
                () -> unchanged + "nothing is created at " + planted + " (SecretManager.describe fails with SECRET_NOT_FOUND)");
        var details = manager().describe(admin(), secret.id());
        assertEquals(secret.description(), details.secret().description(),
                () -> unchanged + "the description of " + ours + " stays as created (SecretManager.describe)");
        assertFalse(details.secret().isPendingDeletion(),
                () -> unchanged + ours + " is not scheduled for deletion (SecretManager.describe)");
        assertStatuses(secret.id(), () -> unchanged + "version 1 stays CURRENT, 2 PENDING, no version 3",
                1, VersionStatus.CURRENT, 2, VersionStatus.PENDING);
        assertAliases(secret.id(), () -> unchanged + "aliases stay current=1 only", "current", 1);
        assertReads(value, admin(), ours, VersionSelector.current(),
                () -> unchanged + "current still reads version 1's value");
    }
}
