package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.BreakGlassRequest;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every operation against the action it needs: a principal granted exactly that action
 * succeeds; one granted every other action is refused with {@code ACCESS_DENIED}, audited as
 * {@code ACCESS_DENIED}/{@code DENY} naming the action, and nothing changes. Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class PolicyMatrixContract extends ManagerContractBase {
    private static final String VICTIM_POLICY = "tck-victim";

    /** What a matrix case acts on. */
    protected record Target(Secret secret, SecretPath path, String currentValue) {
        String id() {
            return secret.id();
        }
    }

    /** The operations of {@link dev.coffer.spi.SecretManager} with the action each needs. */
    public enum Operation {
        CREATE(Action.ONBOARD, true),
        UPDATE(Action.WRITE, true),
        ADD_PENDING_VERSION(Action.WRITE, true),
        READ(Action.READ, true),
        PROMOTE(Action.ROTATE, true),
        MOVE_CUSTOM_ALIAS(Action.ROTATE, true),
        REMOVE_ALIAS(Action.ROTATE, true),
        DISABLE(Action.ROTATE, true),
        ENABLE(Action.ROTATE, true),
        DESTROY(Action.ADMIN, true),
        SCHEDULE_DELETION(Action.ADMIN, true),
        RESTORE(Action.ADMIN, true),
        PURGE(Action.ADMIN, true),
        PUT_POLICY(Action.ADMIN, false),
        GET_POLICY(Action.ADMIN, false),
        LIST_POLICIES(Action.ADMIN, false),
        DELETE_POLICY(Action.ADMIN, false),
        QUERY_AUDIT(Action.AUDIT, false),
        SUMMARIZE_AUDIT(Action.AUDIT, false),
        VERIFY_AUDIT(Action.AUDIT, false),
        GRANT_BREAK_GLASS(Action.READ_BREAK_GLASS, true);

        private final Action action;
        private final boolean onASecret;

        Operation(Action action, boolean onASecret) {
            this.action = action;
            this.onASecret = onASecret;
        }

        /** The action the operation needs. */
        public Action action() {
            return action;
        }
    }

    @ParameterizedTest(name = "{0} allowed with exactly its action")
    @EnumSource(Operation.class)
    void principalWithTheNeededActionSucceeds(Operation op) {
        if (op == Operation.PURGE) {
            requirePurge();
        }
        Target target = prepare(op);
        Principal caller = user("matrix");
        grant(caller, op.action(), resourceFor(op, target));

        if (op == Operation.PURGE && fixture().clock().isEmpty()) {
            // Without a movable clock the window cannot pass; the refusal proves authorization passed.
            Expect.thrown(ConflictException.class, ErrorCode.RECOVERY_WINDOW_OPEN, () -> attempt(op, as(caller), target),
                    () -> "rule: " + op + " needs " + op.action().wireName() + "; " + caller.id() + " holds it on "
                            + resourceFor(op, target) + ", so authorization passes and SecretManager.purge of "
                            + target.path() + " fails only for the open recovery window (RECOVERY_WINDOW_OPEN)");
            return;
        }
        attempt(op, as(caller), target);
        assertTookEffect(op, target, () -> "rule: " + op + " needs " + op.action().wireName() + "; " + caller.id()
                + " holds exactly that action on " + resourceFor(op, target) + ", so the call takes effect");
    }

    @ParameterizedTest(name = "{0} denied with every action but its own")
    @EnumSource(Operation.class)
    void principalWithoutTheNeededActionIsDeniedAuditedAndChangesNothing(Operation op) {
        if (op == Operation.PURGE) {
            requirePurge();
        }
        Target target = prepare(op);
        Principal caller = user("matrix");
        grant(caller, allActionsExcept(op.action()), resourceFor(op, target));
        Object before = snapshot(target);
        AccessContext ctx = as(caller, "matrix-" + op.name().toLowerCase(Locale.ROOT));

        Supplier<String> denied = () -> op + " needs " + op.action().wireName() + "; " + caller.id()
                + " holds every other action on " + resourceFor(op, target);
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> attempt(op, ctx, target),
                () -> "rule: " + denied.get() + ", so the call fails with ACCESS_DENIED");

        assertEquals(before, snapshot(target), () -> "rule: a call refused with ACCESS_DENIED changes nothing (" + denied.get()
                + "); the secret " + target.path() + " (SecretManager.describe) or the policies (listPolicies) changed");
        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> "rule: a call refused with ACCESS_DENIED is audited"
                + " with exactly one event (" + denied.get() + ")");
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType(),
                () -> "rule: the refusal of " + op + " is audited as ACCESS_DENIED (request " + ctx.requestId() + ")");
        assertEquals(Decision.DENY, event.decision(),
                () -> "rule: the refusal of " + op + " is audited with decision DENY (request " + ctx.requestId() + ")");
        assertEquals(op.action().wireName(), event.action(),
                () -> "rule: the refusal of " + op + " is audited naming the action it needs, " + op.action().wireName()
                        + " (request " + ctx.requestId() + ")");
        assertEquals(caller.id(), event.principal(),
                () -> "rule: the refusal of " + op + " is audited naming the caller " + caller.id() + " (request "
                        + ctx.requestId() + ")");
        assertEquals(tenant(), event.tenant(),
                () -> "rule: the refusal of " + op + " is audited in the caller's tenant " + tenant() + " (request "
                        + ctx.requestId() + ")");
        if (op.onASecret && op != Operation.GRANT_BREAK_GLASS) {
            assertEquals(target.path().environment(), event.environment(),
                    () -> "rule: the refusal of " + op + " on " + target.path() + " is audited naming its environment"
                            + " (request " + ctx.requestId() + ")");
            assertEquals(target.path().path(), event.path(),
                    () -> "rule: the refusal of " + op + " on " + target.path() + " is audited naming its path"
                            + " (request " + ctx.requestId() + ")");
        }
    }

    @Test
    void addingACurrentVersionNeedsWriteAndRotate() {
        Target target = prepare(Operation.ADD_PENDING_VERSION);
        String resource = target.path().qualifiedName();
        Principal writer = user("writer");
        grant(writer, Action.WRITE, resource);
        Principal rotator = user("rotator");
        grant(rotator, Action.ROTATE, resource);
        Principal both = user("writer-rotator");
        grant(both, List.of(Action.WRITE, Action.ROTATE), resource);

        AccessContext writerCtx = as(writer, "current-by-writer");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> addVersion(writerCtx, target.id(), TestValues.text(), VersionStatus.CURRENT),
                () -> "rule: SecretManager.addVersion of a CURRENT version needs secrets:write and secrets:rotate; "
                        + writer.id() + " holds write only on " + resource + ": ACCESS_DENIED");
        assertEquals(Action.ROTATE.wireName(), onlyAuditEventOf(writerCtx.requestId(),
                () -> "rule: the refused SecretManager.addVersion (CURRENT) by " + writer.id() + " is audited once").action(),
                () -> "rule: the refusal of SecretManager.addVersion (CURRENT) by " + writer.id() + " (write only) is"
                        + " audited naming the missing action secrets:rotate");

        AccessContext rotatorCtx = as(rotator, "current-by-rotator");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> addVersion(rotatorCtx, target.id(), TestValues.text(), VersionStatus.CURRENT),
                () -> "rule: SecretManager.addVersion of a CURRENT version needs secrets:write and secrets:rotate; "
                        + rotator.id() + " holds rotate only on " + resource + ": ACCESS_DENIED");
        assertEquals(Action.WRITE.wireName(), onlyAuditEventOf(rotatorCtx.requestId(),
                () -> "rule: the refused SecretManager.addVersion (CURRENT) by " + rotator.id() + " is audited once").action(),
                () -> "rule: the refusal of SecretManager.addVersion (CURRENT) by " + rotator.id() + " (rotate only) is"
                        + " audited naming the missing action secrets:write");
        assertEquals(2, manager().versions(admin(), target.id()).size(),
                () -> "rule: refused SecretManager.addVersion calls add no version; " + resource + " keeps versions 1 and 2");

        assertEquals(VersionStatus.CURRENT, addVersion(as(both), target.id(), TestValues.text(), VersionStatus.CURRENT).status(),
                () -> "rule: SecretManager.addVersion of a CURRENT version by " + both.id() + " (write and rotate on "
                        + resource + ") succeeds and returns status CURRENT");
        assertStatuses(target.id(), () -> "rule: the CURRENT version 3 added by " + both.id() + " becomes current, the"
                + " old current 1 previous, pending 2 stays", 1, VersionStatus.PREVIOUS, 2, VersionStatus.PENDING, 3,
                VersionStatus.CURRENT);
    }

    @ParameterizedTest(name = "describe with {0}")
    @EnumSource(value = Action.class, names = {"READ", "WRITE", "ROTATE", "ADMIN"})
    void describingNeedsAnyOfReadWriteRotateOrAdmin(Action action) {
        Target target = prepare(Operation.READ);
        Principal caller = user("describer");
        grant(caller, action, target.path().qualifiedName());

        SecretDetails details = manager().describe(as(caller), target.id());
        assertEquals(target.id(), details.secret().id(), () -> "rule: SecretManager.describe needs any of read, write,"
                + " rotate or admin; " + caller.id() + " holds " + action.wireName() + " on " + target.path()
                + " and gets the secret " + target.id());
        assertEquals(details, manager().describe(as(caller), target.path()), () -> "rule: SecretManager.describe by path "
                + target.path() + " as " + caller.id() + " (" + action.wireName() + ") returns what describe by id does");
        assertEquals(details.versions(), manager().versions(as(caller), target.id()), () -> "rule: SecretManager.versions"
                + " needs what describe needs; " + caller.id() + " (" + action.wireName() + ") gets the versions of "
                + target.path());
    }

    @ParameterizedTest(name = "describe with only {0}")
    @EnumSource(value = Action.class, names = {"AUDIT", "ONBOARD", "READ_BREAK_GLASS"})
    void describingWithOtherActionsIsDenied(Action action) {
        Target target = prepare(Operation.READ);
        Principal caller = user("describer");
        grant(caller, action, target.path().qualifiedName());
        AccessContext ctx = as(caller, "describe-denied");

        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().describe(ctx, target.id()),
                () -> "rule: SecretManager.describe needs any of read, write, rotate or admin; " + caller.id()
                        + " holds only " + action.wireName() + " on " + target.path() + ": ACCESS_DENIED");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().versions(as(caller), target.id()),
                () -> "rule: SecretManager.versions needs any of read, write, rotate or admin; " + caller.id()
                        + " holds only " + action.wireName() + " on " + target.path() + ": ACCESS_DENIED");
        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> "rule: the refused SecretManager.describe by "
                + caller.id() + " (" + action.wireName() + " only) is audited once");
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType(), () -> "rule: the refused SecretManager.describe of "
                + target.path() + " is audited as ACCESS_DENIED (request " + ctx.requestId() + ")");
        assertEquals(Decision.DENY, event.decision(), () -> "rule: the refused SecretManager.describe of "
                + target.path() + " is audited with decision DENY (request " + ctx.requestId() + ")");
        Assumptions.assumeTrue(fixture().describeByPathReportsDenial(),
                "the manager under test answers describe-by-path by listing, which hides the secret instead of refusing");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().describe(as(caller), target.path()),
                () -> "rule: SecretManager.describe by path " + target.path() + " needs any of read, write, rotate or"
                        + " admin; " + caller.id() + " holds only " + action.wireName() + ": ACCESS_DENIED");
    }

    // ---------------------------------------------------------------- cases

    private Target prepare(Operation op) {
        String name = op.name().toLowerCase(Locale.ROOT).replace('_', '-');
        SecretPath path = path("prod/matrix/" + name);
        putPolicy(Policy.allow(VICTIM_POLICY, List.of("user:tck-victim"), List.of("secrets:read"), List.of("dev/*")));
        if (op == Operation.CREATE) {
            return new Target(null, path, null);
        }
        Secret secret = createSecret(path.qualifiedName());
        String current = TestValues.text();
        addCurrent(secret.id(), current);
        addPending(secret.id(), TestValues.text());
        switch (op) {
            case ENABLE -> manager().disable(admin(), secret.id(), 2);
            case REMOVE_ALIAS -> manager().moveAlias(admin(), secret.id(), "next", 2, OptionalInt.empty());
            case RESTORE -> manager().scheduleDeletion(admin(), secret.id());
            case PURGE -> {
                manager().scheduleDeletion(admin(), secret.id(), 7);
                fixture().clock().ifPresent(clock -> clock.advance(Duration.ofDays(8)));
            }
            default -> { }
        }
        return new Target(secret, path, current);
    }

    private static String resourceFor(Operation op, Target target) {
        return op.onASecret ? target.path().qualifiedName() : "*";
    }

    private void attempt(Operation op, AccessContext ctx, Target t) {
        switch (op) {
            case CREATE -> manager().create(ctx, NewSecret.builder(t.path(), TEAM).build());
            case UPDATE -> manager().update(ctx, t.id(), SecretUpdate.none().withDescription("changed by the matrix"));
            case ADD_PENDING_VERSION -> addVersion(ctx, t.id(), TestValues.text(), VersionStatus.PENDING);
            case READ -> assertReads(t.currentValue(), ctx, t.path(), VersionSelector.current(),
                    () -> "rule: READ with secrets:read returns the current value (version 1)");
            case PROMOTE -> manager().promote(ctx, t.id(), 2, OptionalInt.of(1));
            case MOVE_CUSTOM_ALIAS -> manager().moveAlias(ctx, t.id(), "canary", 2, OptionalInt.empty());
            case REMOVE_ALIAS -> manager().removeAlias(ctx, t.id(), "next", OptionalInt.of(2));
            case DISABLE -> manager().disable(ctx, t.id(), 2);
            case ENABLE -> manager().enable(ctx, t.id(), 2);
            case DESTROY -> manager().destroy(ctx, t.id(), 2);
            case SCHEDULE_DELETION -> manager().scheduleDeletion(ctx, t.id());
            case RESTORE -> manager().restore(ctx, t.id());
            case PURGE -> manager().purge(ctx, t.id());
            case PUT_POLICY -> manager().putPolicy(ctx,
                    Policy.allow("tck-put", List.of("user:tck-someone"), List.of("secrets:read"), List.of("prod/*")));
            case GET_POLICY -> assertTrue(manager().getPolicy(ctx, VICTIM_POLICY).isPresent(),
                    () -> "rule: SecretManager.getPolicy as " + ctx.principal().id() + " finds the policy " + VICTIM_POLICY);
            case LIST_POLICIES -> assertFalse(manager().listPolicies(ctx).isEmpty(),
                    () -> "rule: SecretManager.listPolicies as " + ctx.principal().id() + " lists the tenant's policies"
                            + " (at least " + VICTIM_POLICY + ")");
            case DELETE_POLICY -> manager().deletePolicy(ctx, VICTIM_POLICY);
            case QUERY_AUDIT -> assertFalse(manager().queryAudit(ctx, AuditQuery.tenant(tenant()), PageRequest.first()).items().isEmpty(),
                    () -> "rule: SecretManager.queryAudit of tenant " + tenant() + " as " + ctx.principal().id()
                            + " returns the setup's events");
            case SUMMARIZE_AUDIT -> assertNotNull(manager().summarizeAudit(ctx, Instant.EPOCH),
                    () -> "rule: SecretManager.summarizeAudit since " + Instant.EPOCH + " as " + ctx.principal().id()
                            + " returns a summary");
            case VERIFY_AUDIT -> assertTrue(manager().verifyAudit(ctx).intact(),
                    () -> "rule: SecretManager.verifyAudit as " + ctx.principal().id() + " reports the untouched audit"
                            + " chain of tenant " + tenant() + " intact");
            case GRANT_BREAK_GLASS -> manager().grantBreakGlass(ctx, new BreakGlassRequest(
                    List.of(t.path().qualifiedName()), "tck access matrix", "https://tickets.example/TCK-1", 15));
            default -> throw new AssertionError(op);
        }
    }

    /** Asserts {@code op} took effect on {@code t}; a failure is reported with {@code rule} and what was read back. */
    private void assertTookEffect(Operation op, Target t, Supplier<String> rule) {
        switch (op) {
            case CREATE -> assertEquals(TEAM, manager().describe(admin(), t.path()).secret().ownerTeam(),
                    () -> rule.get() + ": SecretManager.create made " + t.path() + " owned by " + TEAM);
            case UPDATE -> assertEquals("changed by the matrix", manager().describe(admin(), t.id()).secret().description(),
                    () -> rule.get() + ": SecretManager.update changed the description of " + t.path());
            case ADD_PENDING_VERSION -> assertEquals(3, manager().versions(admin(), t.id()).size(),
                    () -> rule.get() + ": SecretManager.addVersion (PENDING) added version 3 to " + t.path());
            case PROMOTE -> assertAliases(t.id(), () -> rule.get() + ": SecretManager.promote of version 2 (expected 1)"
                    + " moved current onto 2 of " + t.path(), "current", 2, "previous", 1);
            case MOVE_CUSTOM_ALIAS -> assertAliases(t.id(), () -> rule.get() + ": SecretManager.moveAlias of canary onto"
                    + " version 2 of " + t.path() + " set it", "canary", 2, "current", 1);
            case REMOVE_ALIAS -> assertAliases(t.id(), () -> rule.get() + ": SecretManager.removeAlias of next (expected 2)"
                    + " removed it from " + t.path(), "current", 1);
            case DISABLE -> assertEquals(VersionState.DISABLED, manager().versions(admin(), t.id()).get(1).state(),
                    () -> rule.get() + ": SecretManager.disable of version 2 of " + t.path() + " made it DISABLED");
            case ENABLE -> assertEquals(VersionState.ENABLED, manager().versions(admin(), t.id()).get(1).state(),
                    () -> rule.get() + ": SecretManager.enable of disabled version 2 of " + t.path() + " made it ENABLED");
            case DESTROY -> assertEquals(VersionState.DESTROYED, manager().versions(admin(), t.id()).get(1).state(),
                    () -> rule.get() + ": SecretManager.destroy of version 2 of " + t.path() + " made it DESTROYED");
            case SCHEDULE_DELETION -> assertTrue(manager().describe(admin(), t.id()).secret().isPendingDeletion(),
                    () -> rule.get() + ": SecretManager.scheduleDeletion made " + t.path() + " pending deletion");
            case RESTORE -> assertFalse(manager().describe(admin(), t.id()).secret().isPendingDeletion(),
                    () -> rule.get() + ": SecretManager.restore made " + t.path() + " no longer pending deletion");
            case PURGE -> Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                    () -> manager().describe(admin(), t.id()),
                    () -> rule.get() + ": SecretManager.purge removed " + t.path() + " (" + t.id()
                            + "); describe must fail with SECRET_NOT_FOUND");
            case PUT_POLICY -> assertTrue(manager().getPolicy(admin(), "tck-put").isPresent(),
                    () -> rule.get() + ": SecretManager.putPolicy stored tck-put (getPolicy finds it)");
            case DELETE_POLICY -> assertTrue(manager().getPolicy(admin(), VICTIM_POLICY).isEmpty(),
                    () -> rule.get() + ": SecretManager.deletePolicy removed " + VICTIM_POLICY + " (getPolicy finds none)");
            default -> { } // reads and queries checked their result in attempt()
        }
    }

    /** Everything a denied call could have changed: the target secret and the tenant's policies. */
    private Object snapshot(Target t) {
        Object secretState;
        try {
            secretState = manager().describe(admin(), t.path());
        } catch (SecretsException e) {
            secretState = e.code();
        }
        return List.of(secretState, manager().listPolicies(admin()));
    }
}
