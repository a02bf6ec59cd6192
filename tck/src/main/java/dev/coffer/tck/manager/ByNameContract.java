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
import java.util.function.Supplier;
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

    /**
     * The events of one step's request, which must be exactly one of {@code type}, allowed, on
     * {@code path}; {@code method} is the {@code SecretManager} call the step made by name.
     */
    private void assertOnlyEvent(AccessContext ctx, String method, AuditEventType type, SecretPath path) {
        String rule = "rule: SecretManager." + method + " by path " + path + " writes exactly its own event, " + type
                + " ALLOW on that path, and no SECRET_DESCRIBE first (request " + ctx.requestId() + ")";
        List<AuditEvent> events = auditEventsOf(ctx.requestId());
        assertEquals(1, events.size(), () -> rule + "; found " + events);
        AuditEvent event = events.get(0);
        assertEquals(type, event.eventType(), () -> rule + "; field eventType");
        assertEquals(Decision.ALLOW, event.decision(), () -> rule + "; field decision");
        assertEquals(path.environment(), event.environment(), () -> rule + "; field environment");
        assertEquals(path.path(), event.path(), () -> rule + "; field path");
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
        assertOnlyEvent(ctx, "update", AuditEventType.SECRET_UPDATE, path);

        ctx = step("add-1");
        addByName(ctx, ref, VersionStatus.PENDING);
        assertOnlyEvent(ctx, "addVersion", AuditEventType.VERSION_ADD, path);
        ctx = step("add-2");
        addByName(ctx, ref, VersionStatus.PENDING);
        assertOnlyEvent(ctx, "addVersion", AuditEventType.VERSION_ADD, path);

        ctx = step("promote");
        manager().promote(ctx, ref, 1, OptionalInt.empty());
        assertOnlyEvent(ctx, "promote(to 1)", AuditEventType.ALIAS_MOVE, path);
        ctx = step("move-next");
        manager().moveAlias(ctx, ref, Aliases.NEXT, 2, OptionalInt.empty());
        assertOnlyEvent(ctx, "moveAlias(next, to 2)", AuditEventType.ALIAS_MOVE, path);

        AccessContext versionsCtx = step("versions");
        assertEquals(2, manager().versions(versionsCtx, ref).size(),
                () -> "rule: SecretManager.versions by path " + path + " lists both versions added by name");
        // Listing versions is a metadata read: its own event is the one describe.
        assertOnlyEvent(versionsCtx, "versions", AuditEventType.SECRET_DESCRIBE, path);

        ctx = step("remove-next");
        manager().removeAlias(ctx, ref, Aliases.NEXT, OptionalInt.of(2));
        assertOnlyEvent(ctx, "removeAlias(next, expected 2)", AuditEventType.ALIAS_MOVE, path);
        ctx = step("promote-2");
        manager().promote(ctx, ref, 2, OptionalInt.of(1));
        assertOnlyEvent(ctx, "promote(to 2, expected 1)", AuditEventType.ALIAS_MOVE, path);
        ctx = step("disable");
        manager().disable(ctx, ref, 1);
        assertOnlyEvent(ctx, "disable(1)", AuditEventType.VERSION_DISABLE, path);
        ctx = step("enable");
        manager().enable(ctx, ref, 1);
        assertOnlyEvent(ctx, "enable(1)", AuditEventType.VERSION_ENABLE, path);
        ctx = step("destroy");
        manager().destroy(ctx, ref, 1);
        assertOnlyEvent(ctx, "destroy(1)", AuditEventType.VERSION_DESTROY, path);

        ctx = step("schedule");
        manager().scheduleDeletion(ctx, ref, 7);
        assertOnlyEvent(ctx, "scheduleDeletion(7 days)", AuditEventType.SECRET_DELETE_SCHEDULED, path);
        ctx = step("restore");
        manager().restore(ctx, ref);
        assertOnlyEvent(ctx, "restore", AuditEventType.SECRET_RESTORE, path);

        ctx = step("force-delete");
        manager().forceDelete(ctx, ref);
        assertOnlyEvent(ctx, "forceDelete", AuditEventType.SECRET_FORCE_DELETE, path);
        String versionsRequest = versionsCtx.requestId();
        assertTrue(auditEvents(AuditEventType.SECRET_DESCRIBE).stream().allMatch(e -> versionsRequest.equals(e.requestId())),
                () -> "rule: operations by path resolve the name without a describe; only SecretManager.versions (request "
                        + versionsRequest + ") may leave a SECRET_DESCRIBE event on " + path + ", found requests "
                        + auditEvents(AuditEventType.SECRET_DESCRIBE).stream().map(AuditEvent::requestId).toList());
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
        assertOnlyEvent(ctx, "purge", AuditEventType.SECRET_PURGE, path);
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), path),
                () -> "rule: after SecretManager.purge by path, SecretManager.describe(" + path + ") fails with"
                        + " SECRET_NOT_FOUND");
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
        String twins = " (by id: " + byId.path() + "; by path: " + path("prod/twins/by-name") + ")";
        assertEquals(manager().promote(admin(), id, 2, OptionalInt.of(1)), manager().promote(admin(), name, 2, OptionalInt.of(1)),
                () -> "rule: SecretManager.promote(to 2, expected 1) by path returns the aliases the id form returns" + twins);
        assertSameVersion("disable(1)", manager().disable(admin(), id, 1), manager().disable(admin(), name, 1), twins);
        assertSameVersion("enable(1)", manager().enable(admin(), id, 1), manager().enable(admin(), name, 1), twins);
        assertSameVersion("destroy(1)", manager().destroy(admin(), id, 1), manager().destroy(admin(), name, 1), twins);
        List<VersionStatus> idStatuses = manager().versions(admin(), id).stream().map(SecretVersion::status).toList();
        assertEquals(idStatuses, manager().versions(admin(), name).stream().map(SecretVersion::status).toList(),
                () -> "rule: SecretManager.versions by path derives the statuses the id form derives" + twins);
        Secret idScheduled = manager().scheduleDeletion(admin(), id, 9);
        Secret nameScheduled = manager().scheduleDeletion(admin(), name, 9);
        assertNotNull(nameScheduled.deletionScheduledAt(),
                () -> "rule: SecretManager.scheduleDeletion(9 days) by path returns the secret with deletionScheduledAt set"
                        + twins);
        assertEquals(idScheduled.labels(), nameScheduled.labels(),
                () -> "rule: SecretManager.scheduleDeletion by path returns the labels the id form returns" + twins);
        assertNull(manager().restore(admin(), name).deletionScheduledAt(),
                () -> "rule: SecretManager.restore by path returns the secret with deletionScheduledAt cleared" + twins);
        SecretDetails described = manager().describe(admin(), name);
        assertEquals(Map.of("tier", "0"), described.secret().labels(),
                () -> "rule: SecretManager.update(labels put tier=0) by path is kept; SecretManager.describe by path"
                        + " shows it" + twins);
        assertEquals(OptionalInt.of(2), described.aliases().get(Aliases.CURRENT),
                () -> "rule: SecretManager.promote(to 2) by path moved current to 2; SecretManager.describe by path"
                        + " shows it" + twins);
    }

    private static void assertSameVersion(String method, SecretVersion byId, SecretVersion byName, String twins) {
        assertEquals(byId.number(), byName.number(),
                () -> "rule: SecretManager." + method + " by path returns the version number the id form returns" + twins);
        assertEquals(byId.state(), byName.state(),
                () -> "rule: SecretManager." + method + " by path returns the version state the id form returns" + twins);
        assertEquals(byId.status(), byName.status(),
                () -> "rule: SecretManager." + method + " by path returns the derived status the id form returns" + twins);
    }

    /** The {@code SecretManager} method of each entry of {@link #operations}, in the same order. */
    private static final List<String> OPERATION_NAMES = List.of("update", "addVersion", "versions", "promote",
            "moveAlias(next)", "removeAlias(next)", "disable", "enable", "destroy", "scheduleDeletion", "restore", "purge", "forceDelete");

    /** Every operation by name, as {@code ctx}, on {@code ref}. */
    private List<Consumer<AccessContext>> operations(SecretRef ref) {
        List<Consumer<AccessContext>> ops = new ArrayList<>();
        ops.add(c -> manager().update(c, ref, SecretUpdate.none().withDescription("x")));
        ops.add(c -> addByName(c, ref, VersionStatus.PENDING));
        ops.add(c -> manager().versions(c, ref));
        ops.add(c -> manager().promote(c, ref, 1, OptionalInt.empty()));
        ops.add(c -> manager().moveAlias(c, ref, Aliases.NEXT, 1, OptionalInt.empty()));
        ops.add(c -> manager().removeAlias(c, ref, Aliases.NEXT, OptionalInt.empty()));
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
            String method = "SecretManager." + OPERATION_NAMES.get(op);
            AccessContext first = as(outsider, "deny-existing-" + op);
            Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> onExisting.get(op).accept(first),
                    () -> "rule: " + method + " by path outside the caller's allow fails with ACCESS_DENIED (" + outsider.id()
                            + " allowed staging/* only, existing prod/hidden/db)");
            AccessContext second = as(outsider, "deny-absent-" + op);
            Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> onAbsent.get(op).accept(second),
                    () -> "rule: " + method + " by an absent path outside the caller's allow fails with ACCESS_DENIED, as"
                            + " for an existing one, not SECRET_NOT_FOUND (" + outsider.id() + ", prod/hidden/nothing-here)");
            Supplier<String> once = () -> "rule: a denied " + method + " by path is audited once";
            assertEquals(AuditEventType.ACCESS_DENIED, onlyAuditEventOf(first.requestId(), once).eventType(),
                    () -> "rule: a denied " + method + " by path on an existing secret is audited as ACCESS_DENIED"
                            + " (request " + first.requestId() + ")");
            assertEquals(AuditEventType.ACCESS_DENIED, onlyAuditEventOf(second.requestId(), once).eventType(),
                    () -> "rule: a denied " + method + " by an absent path is audited as ACCESS_DENIED, as for an existing"
                            + " one (request " + second.requestId() + ")");
        }
        SecretDetails after = manager().describe(admin(), existing.id());
        String unchanged = "rule: denied operations by path change nothing on " + existing.path();
        assertEquals(existing.description(), after.secret().description(), () -> unchanged + "; description changed");
        assertEquals(1, after.versions().size(), () -> unchanged + "; it must keep its one version");
        assertFalse(after.secret().isPendingDeletion(), () -> unchanged + "; it must not be pending deletion");
    }

    @Test
    public void anAbsentPathIsNotFoundForACallerWithRights() {
        List<Consumer<AccessContext>> ops = operations(SecretRef.path(path("prod/absent/db")));
        for (int i = 0; i < ops.size(); i++) {
            int op = i;
            String method = "SecretManager." + OPERATION_NAMES.get(op);
            AccessContext ctx = step("absent-" + op);
            Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> ops.get(op).accept(ctx),
                    () -> "rule: " + method + " by an absent path fails with SECRET_NOT_FOUND for a caller with rights"
                            + " (admin, prod/absent/db)");
            String rule = "rule: " + method + " by an absent path is audited as one event of the operation, decision"
                    + " ERROR, not a SECRET_DESCRIBE first (request " + ctx.requestId() + ")";
            AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> rule);
            assertEquals(Decision.ERROR, event.decision(), () -> rule + "; field decision");
            assertTrue(event.eventType() != AuditEventType.SECRET_DESCRIBE || op == 2,
                    () -> rule + "; got eventType SECRET_DESCRIBE");
        }
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), path("prod/absent/db")),
                () -> "rule: failed operations by an absent path create nothing; SecretManager.describe(prod/absent/db)"
                        + " still fails with SECRET_NOT_FOUND");
    }
}
