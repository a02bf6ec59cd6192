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
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every one-secret operation by path ({@link SecretRef#path}): the manager resolves the name
 * itself, authorizes on the path first (an absent path and a forbidden one give the same denial),
 * audits only the operation (no {@code SECRET_DESCRIBE} first) and answers as the id form does.
 * Part of {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class ByNameContract extends ManagerContractBase {

    /** The admin, with a request id that names one step, so each step's events can be told apart. */
    private AccessContext step(String label) {
        return admin().withRequestId(requestId(label));
    }

    /** The events of one step's request, which must be exactly one of {@code type}, allowed, on {@code path}. */
    private void assertOnlyEvent(AccessContext ctx, AuditEventType type, SecretPath path) {
        List<AuditEvent> events = auditEventsOf(ctx.requestId());
        assertEquals(1, events.size(), () -> "expected one " + type + " event, got " + events);
        AuditEvent event = events.get(0);
        assertEquals(type, event.eventType());
        assertEquals(Decision.ALLOW, event.decision());
        assertEquals(path.environment(), event.environment());
        assertEquals(path.path(), event.path());
    }

    private SecretVersion addByName(AccessContext ctx, SecretRef ref, VersionStatus status) {
        try (SecretValue value = TestValues.value()) {
            return manager().addVersion(ctx, ref, new NewVersion(value, status, null));
        }
    }

    @Test
    public void eachOperationByNameWritesOnlyItsOwnEventAndNoDescribe() {
        SecretPath path = path("prod/by-name/db");
        createSecret("prod/by-name/db");
        SecretRef ref = SecretRef.path(path);

        AccessContext ctx = step("update");
        manager().update(ctx, ref, SecretUpdate.none().withDescription("by name"));
        assertOnlyEvent(ctx, AuditEventType.SECRET_UPDATE, path);

        ctx = step("add-1");
        addByName(ctx, ref, VersionStatus.PENDING);
        assertOnlyEvent(ctx, AuditEventType.VERSION_ADD, path);
        ctx = step("add-2");
        addByName(ctx, ref, VersionStatus.PENDING);
        assertOnlyEvent(ctx, AuditEventType.VERSION_ADD, path);

        ctx = step("promote");
        manager().promote(ctx, ref, 1, OptionalInt.empty());
        assertOnlyEvent(ctx, AuditEventType.ALIAS_MOVE, path);
        ctx = step("move-next");
        manager().moveAlias(ctx, ref, Aliases.NEXT, 2, OptionalInt.empty());
        assertOnlyEvent(ctx, AuditEventType.ALIAS_MOVE, path);

        AccessContext versionsCtx = step("versions");
        assertEquals(2, manager().versions(versionsCtx, ref).size());
        // Listing versions is a metadata read: its own event is the one describe.
        assertOnlyEvent(versionsCtx, AuditEventType.SECRET_DESCRIBE, path);

        ctx = step("promote-2");
        manager().promote(ctx, ref, 2, OptionalInt.of(1));
        assertOnlyEvent(ctx, AuditEventType.ALIAS_MOVE, path);
        ctx = step("disable");
        manager().disable(ctx, ref, 1);
        assertOnlyEvent(ctx, AuditEventType.VERSION_DISABLE, path);
        ctx = step("enable");
        manager().enable(ctx, ref, 1);
        assertOnlyEvent(ctx, AuditEventType.VERSION_ENABLE, path);
        ctx = step("destroy");
        manager().destroy(ctx, ref, 1);
        assertOnlyEvent(ctx, AuditEventType.VERSION_DESTROY, path);

        ctx = step("schedule");
        manager().scheduleDeletion(ctx, ref, 7);
        assertOnlyEvent(ctx, AuditEventType.SECRET_DELETE_SCHEDULED, path);
        ctx = step("restore");
        manager().restore(ctx, ref);
        assertOnlyEvent(ctx, AuditEventType.SECRET_RESTORE, path);

        ctx = step("force-delete");
        manager().forceDelete(ctx, ref);
        assertOnlyEvent(ctx, AuditEventType.SECRET_FORCE_DELETE, path);
        String versionsRequest = versionsCtx.requestId();
        assertTrue(auditEvents(AuditEventType.SECRET_DESCRIBE).stream().allMatch(e -> versionsRequest.equals(e.requestId())),
                "only the versions call described the secret");
    }

    @Test
    public void purgeByNameWritesOnlyThePurgeEvent() {
        requirePurge();
        SecretPath path = path("prod/by-name/old");
        createSecret("prod/by-name/old");
        SecretRef ref = SecretRef.path(path);
        manager().scheduleDeletion(admin(), ref, 7);
        clock().advance(java.time.Duration.ofDays(8));
        AccessContext ctx = step("purge");
        manager().purge(ctx, ref);
        assertOnlyEvent(ctx, AuditEventType.SECRET_PURGE, path);
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), path));
    }

    @Test
    public void operationsByNameAnswerAsTheIdFormDoes() {
        Secret byId = createSecret("prod/twins/by-id");
        createSecret("prod/twins/by-name");
        SecretRef id = SecretRef.id(byId.id());
        SecretRef name = SecretRef.path(path("prod/twins/by-name"));
        for (SecretRef ref : List.of(id, name)) {
            manager().update(admin(), ref, SecretUpdate.none().withLabelsPut(Map.of("tier", "0")));
            addByName(admin(), ref, VersionStatus.CURRENT);
            addByName(admin(), ref, VersionStatus.PENDING);
        }
        assertEquals(manager().promote(admin(), id, 2, OptionalInt.of(1)), manager().promote(admin(), name, 2, OptionalInt.of(1)));
        assertSameVersion(manager().disable(admin(), id, 1), manager().disable(admin(), name, 1));
        assertSameVersion(manager().enable(admin(), id, 1), manager().enable(admin(), name, 1));
        assertSameVersion(manager().destroy(admin(), id, 1), manager().destroy(admin(), name, 1));
        List<VersionStatus> idStatuses = manager().versions(admin(), id).stream().map(SecretVersion::status).toList();
        assertEquals(idStatuses, manager().versions(admin(), name).stream().map(SecretVersion::status).toList());
        Secret idScheduled = manager().scheduleDeletion(admin(), id, 9);
        Secret nameScheduled = manager().scheduleDeletion(admin(), name, 9);
        assertNotNull(nameScheduled.deletionScheduledAt());
        assertEquals(idScheduled.labels(), nameScheduled.labels());
        assertNull(manager().restore(admin(), name).deletionScheduledAt());
        SecretDetails described = manager().describe(admin(), name);
        assertEquals(Map.of("tier", "0"), described.secret().labels());
        assertEquals(OptionalInt.of(2), described.aliases().get(Aliases.CURRENT));
    }

    private static void assertSameVersion(SecretVersion a, SecretVersion b) {
        assertEquals(a.number(), b.number());
        assertEquals(a.state(), b.state());
        assertEquals(a.status(), b.status());
    }

    /** Every operation by name, as {@code ctx}, on {@code ref}. */
    private List<Consumer<AccessContext>> operations(SecretRef ref) {
        List<Consumer<AccessContext>> ops = new ArrayList<>();
        ops.add(c -> manager().update(c, ref, SecretUpdate.none().withDescription("x")));
        ops.add(c -> addByName(c, ref, VersionStatus.PENDING));
        ops.add(c -> manager().versions(c, ref));
        ops.add(c -> manager().promote(c, ref, 1, OptionalInt.empty()));
        ops.add(c -> manager().moveAlias(c, ref, Aliases.NEXT, 1, OptionalInt.empty()));
        ops.add(c -> manager().disable(c, ref, 1));
        ops.add(c -> manager().enable(c, ref, 1));
        ops.add(c -> manager().destroy(c, ref, 1));
        ops.add(c -> manager().scheduleDeletion(c, ref, 7));
        ops.add(c -> manager().restore(c, ref));
        ops.add(c -> manager().purge(c, ref));
        ops.add(c -> manager().forceDelete(c, ref));
        return ops;
    }

    @Test
    public void anAbsentPathAndAForbiddenOneGiveTheSameDenial() {
        Secret existing = createSecret("prod/hidden/db");
        addCurrent(existing.id(), TestValues.text());
        Principal outsider = user("outsider");
        grant(outsider, List.of(Action.values()), "staging/*");
        List<Consumer<AccessContext>> onExisting = operations(SecretRef.path(path("prod/hidden/db")));
        List<Consumer<AccessContext>> onAbsent = operations(SecretRef.path(path("prod/hidden/nothing-here")));
        for (int i = 0; i < onExisting.size(); i++) {
            int op = i;
            AccessContext first = as(outsider, "deny-existing-" + op);
            Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> onExisting.get(op).accept(first));
            AccessContext second = as(outsider, "deny-absent-" + op);
            Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> onAbsent.get(op).accept(second));
            assertEquals(AuditEventType.ACCESS_DENIED, onlyAuditEventOf(first.requestId()).eventType(), "operation " + op);
            assertEquals(AuditEventType.ACCESS_DENIED, onlyAuditEventOf(second.requestId()).eventType(), "operation " + op);
        }
        SecretDetails after = manager().describe(admin(), existing.id());
        assertEquals(existing.description(), after.secret().description(), "a denied operation changed the secret");
        assertEquals(1, after.versions().size());
        assertFalse(after.secret().isPendingDeletion());
    }

    @Test
    public void anAbsentPathIsNotFoundForACallerWithRights() {
        List<Consumer<AccessContext>> ops = operations(SecretRef.path(path("prod/absent/db")));
        for (int i = 0; i < ops.size(); i++) {
            int op = i;
            AccessContext ctx = step("absent-" + op);
            Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> ops.get(op).accept(ctx));
            AuditEvent event = onlyAuditEventOf(ctx.requestId());
            assertEquals(Decision.ERROR, event.decision(), "operation " + op);
            assertTrue(event.eventType() != AuditEventType.SECRET_DESCRIBE || op == 2, "operation " + op + " described first");
        }
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), path("prod/absent/db")));
    }
}
