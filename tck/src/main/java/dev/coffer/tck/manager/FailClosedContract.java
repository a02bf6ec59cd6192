package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.Policy;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fail closed: when the audit log cannot be written no value is returned and no change
 * survives. Skipped when the fixture cannot inject audit failures. Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class FailClosedContract extends ManagerContractBase {
    private ManagerFixture.AuditOutage outage;
    private Secret secret;
    private String value;
    private String pending;

    @BeforeEach
    void aSecretAndAnOutageSwitch() {
        outage = auditOutage();
        secret = createSecret("prod/fail-closed/db");
        value = TestValues.text();
        addCurrent(secret.id(), value);
        pending = TestValues.text();
        addPending(secret.id(), pending);
    }

    @AfterEach
    void auditBackUp() {
        if (outage != null) {
            outage.failAppends(false);
        }
    }

    @Test
    void readWithAuditDownReturnsNoValue() {
        outage.failAppends(true);
        Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE,
                () -> manager().read(admin(), secret.path(), VersionSelector.current()));
        outage.failAppends(false);
        assertEquals(value, readCurrent(secret.path()));
    }

    @Test
    void anAuditLogWhoseStorageIsDownStillRefusesAsAuditUnavailable() {
        outage.failAppendsAsStorageOutage(true);
        UnavailableException refused = Expect.thrown(UnavailableException.class, () -> manager().read(admin(), secret.path(),
                VersionSelector.current()));
        assertEquals(ErrorCode.AUDIT_UNAVAILABLE, refused.code(), () -> "SecretManager.read: when the audit append fails"
                + " (here with " + ErrorCode.STORE_UNAVAILABLE + ", the audit log's own storage down), the call is refused"
                + " with " + ErrorCode.AUDIT_UNAVAILABLE + "; got " + refused.code());
        outage.failAppends(false);
        assertEquals(value, readCurrent(secret.path()));
    }

    @Test
    void addVersionWithAuditDownLeavesVersionsUnchanged() {
        SecretDetails before = manager().describe(admin(), secret.id());
        outage.failAppends(true);
        Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE,
                () -> addCurrent(secret.id(), TestValues.text()));
        Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE,
                () -> addPending(secret.id(), TestValues.text()));
        outage.failAppends(false);

        SecretDetails after = manager().describe(admin(), secret.id());
        assertEquals(before.versions(), after.versions());
        assertEquals(before.aliases(), after.aliases());
        assertEquals(value, readCurrent(secret.path()));
    }

    @Test
    void createWithAuditDownCreatesNothing() {
        outage.failAppends(true);
        Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE,
                () -> manager().create(admin(), NewSecret.builder(path("prod/fail-closed/new"), TEAM).build()));
        outage.failAppends(false);

        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().describe(admin(), path("prod/fail-closed/new")));
        createSecret("prod/fail-closed/new");
    }

    @Test
    void promoteWithAuditDownLeavesAliasesUnchanged() {
        outage.failAppends(true);
        Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE,
                () -> manager().promote(admin(), secret.id(), 2, OptionalInt.of(1)));
        outage.failAppends(false);
        assertAliases(secret.id(), "current", 1);
        assertStatuses(secret.id(), 1, VersionStatus.CURRENT, 2, VersionStatus.PENDING);
    }

    @Test
    void lifecycleChangesWithAuditDownDoNotHappen() {
        outage.failAppends(true);
        Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE, () -> manager().disable(admin(), secret.id(), 2));
        Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE, () -> manager().destroy(admin(), secret.id(), 2));
        Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE, () -> manager().scheduleDeletion(admin(), secret.id()));
        outage.failAppends(false);

        assertStatuses(secret.id(), 1, VersionStatus.CURRENT, 2, VersionStatus.PENDING);
        assertFalse(manager().describe(admin(), secret.id()).secret().isPendingDeletion());
        assertEquals(value, readCurrent(secret.path()));
        assertEquals(pending, readText(admin(), secret.path(), VersionSelector.number(2)), "an undone destroy must keep the value");
    }

    @Test
    void policyChangesWithAuditDownDoNotHappen() {
        Policy policy = Policy.allow("tck-unaudited", List.of("user:tck-x"), List.of("secrets:read"), List.of("*"));
        outage.failAppends(true);
        Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE, () -> manager().putPolicy(admin(), policy));
        outage.failAppends(false);
        assertTrue(manager().getPolicy(admin(), "tck-unaudited").isEmpty());
    }

    @Test
    void denialStaysAccessDeniedWhenAuditIsDown() {
        outage.failAppends(true);
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(user("stranger")), secret.path(), VersionSelector.current()));
    }
}
