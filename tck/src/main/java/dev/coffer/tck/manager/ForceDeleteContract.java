package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), secret.id()),
                () -> "rule: SecretManager.forceDelete removes the secret at once, without a recovery window;"
                        + " SecretManager.describe(" + secret.id() + ", " + secret.path() + ") fails with SECRET_NOT_FOUND");
        String rule = "rule: SecretManager.forceDelete(" + secret.path() + ") is audited as one SECRET_FORCE_DELETE event,"
                + " ALLOW, on its path (request " + ctx.requestId() + ")";
        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> rule);
        assertEquals(AuditEventType.SECRET_FORCE_DELETE, event.eventType(), () -> rule + "; field eventType");
        assertEquals(Decision.ALLOW, event.decision(), () -> rule + "; field decision");
        assertEquals("scratch/token", event.path(), () -> rule + "; field path");
        assertDoesNotThrow(() -> createSecret("dev/scratch/token"), () -> "rule: SecretManager.forceDelete frees the path"
                + " at once; SecretManager.create(" + secret.path() + ") must succeed");
    }

    @Test
    public void forceDeleteByNameAlsoRemovesASecretPendingDeletion() {
        Secret secret = createSecret("dev/scratch/pending");
        manager().scheduleDeletion(admin(), secret.id(), 30);
        manager().forceDelete(admin(), SecretRef.path(path("dev/scratch/pending")));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), secret.id()),
                () -> "rule: SecretManager.forceDelete by path removes a secret pending deletion too, inside its window;"
                        + " SecretManager.describe(" + secret.id() + ", " + secret.path() + ") fails with SECRET_NOT_FOUND");
    }

    @Test
    public void forceDeleteNeedsAdmin() {
        Secret secret = createSecret("dev/scratch/kept");
        Principal writer = user("writer");
        grant(writer, EnumSet.complementOf(EnumSet.of(Action.ADMIN)), "*");
        AccessContext ctx = as(writer, "force-denied");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().forceDelete(ctx, secret.id()),
                () -> "rule: SecretManager.forceDelete needs " + Action.ADMIN.wireName() + "; " + writer.id()
                        + " with every other action on * fails with ACCESS_DENIED (" + secret.path() + ")");
        String rule = "rule: a denied SecretManager.forceDelete is audited as one ACCESS_DENIED event (request "
                + ctx.requestId() + ")";
        assertEquals(AuditEventType.ACCESS_DENIED, onlyAuditEventOf(ctx.requestId(), () -> rule).eventType(),
                () -> rule + "; field eventType");
        assertEquals(secret.id(), manager().describe(admin(), secret.id()).secret().id(),
                () -> "rule: a denied SecretManager.forceDelete removes nothing; SecretManager.describe(" + secret.path()
                        + ") still finds " + secret.id());
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
            String call = "SecretManager.forceDelete(" + ref + ") of " + path + " in protected environment " + environment
                    + ", as admin";
            Expect.thrown(AccessDeniedException.class, ErrorCode.ENVIRONMENT_PROTECTED, () -> manager().forceDelete(ctx, ref),
                    () -> "rule: force delete is refused in a protected environment, even for the admin, with"
                            + " ENVIRONMENT_PROTECTED: " + call);
            String rule = "rule: a refused force delete in a protected environment is audited as one ACCESS_DENIED"
                    + " event, DENY, on the path: " + call + " (request " + ctx.requestId() + ")";
            AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> rule);
            assertEquals(AuditEventType.ACCESS_DENIED, event.eventType(), () -> rule + "; field eventType");
            assertEquals(Decision.DENY, event.decision(), () -> rule + "; field decision");
            assertEquals(path.path(), event.path(), () -> rule + "; field path");
        }
        assertSameValue(value, readCurrent(path), () -> "rule: a refused force delete in protected environment "
                + environment + " changes nothing; SecretManager.read(" + path + ", current) still returns version 1's value");
        assertFalse(manager().describe(admin(), secret.id()).secret().isPendingDeletion(),
                () -> "rule: a refused force delete in protected environment " + environment + " does not schedule deletion"
                        + " either (SecretManager.describe of " + path + ")");
    }

    @Test
    public void forceDeleteOfAnAbsentPathInAProtectedEnvironmentIsRefusedAlike() {
        String environment = protectedEnvironment();
        Expect.thrown(AccessDeniedException.class, ErrorCode.ENVIRONMENT_PROTECTED,
                () -> manager().forceDelete(admin(), SecretRef.path(path(environment + "/nothing/here"))),
                () -> "rule: SecretManager.forceDelete by an absent path in protected environment " + environment
                        + " is refused alike, with ENVIRONMENT_PROTECTED, not SECRET_NOT_FOUND (" + path(environment
                        + "/nothing/here") + ")");
    }

    @Test
    public void scheduledDeletionStaysAllowedInAProtectedEnvironment() {
        String environment = protectedEnvironment();
        Secret secret = createSecret(environment + "/payments/old");
        assertEquals(true, manager().scheduleDeletion(admin(), secret.id(), 7).isPendingDeletion(),
                () -> "rule: a protected environment refuses only force delete; SecretManager.scheduleDeletion("
                        + secret.path() + ", 7 days) in " + environment + " succeeds and returns the secret pending deletion");
    }
}
