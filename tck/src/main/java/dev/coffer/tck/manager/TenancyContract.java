package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenant isolation: a caller acts only in its own tenant. Paths of another tenant are denied;
 * ids of another tenant are simply not found. The outsider here carries the admin's own principal
 * id, so an implementation that matched policies by id alone, ignoring the tenant, would let it
 * through. Part of {@link dev.coffer.tck.SecretManagerContract}.
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
}
