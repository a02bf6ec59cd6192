package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Force delete (no recovery window): {@code secrets:admin}, audited as
 * {@code SECRET_FORCE_DELETE}, refused with {@code ENVIRONMENT_PROTECTED} in a protected
 * environment, where it is audited as a denial and changes nothing. Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class ForceDeleteContract extends ManagerContractBase {

    private String protectedEnvironment() {
        Optional<String> environment = fixture().protectedEnvironment();
        Assumptions.assumeTrue(environment.isPresent(), "the fixture's manager protects no environment");
        return environment.get();
    }

    @Test
    public void forceDeleteRemovesTheSecretAtOnceAndFreesItsPath() {
        Secret secret = createSecret("dev/scratch/token");
        addCurrent(secret.id(), TestValues.text());
        AccessContext ctx = admin().withRequestId(requestId("force"));
        manager().forceDelete(ctx, secret.id());
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), secret.id()));
        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.SECRET_FORCE_DELETE, event.eventType());
        assertEquals(Decision.ALLOW, event.decision());
        assertEquals("scratch/token", event.path());
        createSecret("dev/scratch/token"); // the path is free again
    }

    @Test
    public void forceDeleteByNameAlsoRemovesASecretPendingDeletion() {
        Secret secret = createSecret("dev/scratch/pending");
        manager().scheduleDeletion(admin(), secret.id(), 30);
        manager().forceDelete(admin(), SecretRef.path(path("dev/scratch/pending")));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), secret.id()));
    }

    @Test
    public void forceDeleteNeedsAdmin() {
        Secret secret = createSecret("dev/scratch/kept");
        Principal writer = user("writer");
        grant(writer, EnumSet.complementOf(EnumSet.of(Action.ADMIN)), "*");
        AccessContext ctx = as(writer, "force-denied");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().forceDelete(ctx, secret.id()));
        assertEquals(AuditEventType.ACCESS_DENIED, onlyAuditEventOf(ctx.requestId()).eventType());
        assertEquals(secret.id(), manager().describe(admin(), secret.id()).secret().id());
    }

    @Test
    public void forceDeleteInAProtectedEnvironmentIsRefusedAuditedAndChangesNothing() {
        String environment = protectedEnvironment();
        Secret secret = createSecret(environment + "/payments/db");
        String value = TestValues.text();
        addCurrent(secret.id(), value);
        SecretPath path = secret.path();
        for (SecretRef ref : new SecretRef[] {SecretRef.id(secret.id()), SecretRef.path(path)}) {
            AccessContext ctx = admin().withRequestId(requestId("force-protected"));
            Expect.thrown(AccessDeniedException.class, ErrorCode.ENVIRONMENT_PROTECTED, () -> manager().forceDelete(ctx, ref));
            AuditEvent event = onlyAuditEventOf(ctx.requestId());
            assertEquals(AuditEventType.ACCESS_DENIED, event.eventType());
            assertEquals(Decision.DENY, event.decision());
            assertEquals(path.path(), event.path());
        }
        assertEquals(value, readCurrent(path));
        assertFalse(manager().describe(admin(), secret.id()).secret().isPendingDeletion());
    }

    @Test
    public void forceDeleteOfAnAbsentPathInAProtectedEnvironmentIsRefusedAlike() {
        String environment = protectedEnvironment();
        Expect.thrown(AccessDeniedException.class, ErrorCode.ENVIRONMENT_PROTECTED,
                () -> manager().forceDelete(admin(), SecretRef.path(path(environment + "/nothing/here"))));
    }

    @Test
    public void scheduledDeletionStaysAllowedInAProtectedEnvironment() {
        String environment = protectedEnvironment();
        Secret secret = createSecret(environment + "/payments/old");
        assertEquals(true, manager().scheduleDeletion(admin(), secret.id(), 7).isPendingDeletion());
    }
}
