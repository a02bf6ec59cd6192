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
            Expect.thrown(ConflictException.class, ErrorCode.RECOVERY_WINDOW_OPEN, () -> attempt(op, as(caller), target));
            return;
        }
        attempt(op, as(caller), target);
        assertTookEffect(op, target);
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

        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> attempt(op, ctx, target));

        assertEquals(before, snapshot(target), "a denied call changed state");
        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType());
        assertEquals(Decision.DENY, event.decision());
        assertEquals(op.action().wireName(), event.action());
        assertEquals(caller.id(), event.principal());
        assertEquals(tenant(), event.tenant());
        if (op.onASecret && op != Operation.GRANT_BREAK_GLASS) {
            assertEquals(target.path().environment(), event.environment());
            assertEquals(target.path().path(), event.path());
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
                () -> addVersion(writerCtx, target.id(), TestValues.text(), VersionStatus.CURRENT));
        assertEquals(Action.ROTATE.wireName(), onlyAuditEventOf(writerCtx.requestId()).action());

        AccessContext rotatorCtx = as(rotator, "current-by-rotator");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> addVersion(rotatorCtx, target.id(), TestValues.text(), VersionStatus.CURRENT));
        assertEquals(Action.WRITE.wireName(), onlyAuditEventOf(rotatorCtx.requestId()).action());
        assertEquals(2, manager().versions(admin(), target.id()).size());

        assertEquals(VersionStatus.CURRENT, addVersion(as(both), target.id(), TestValues.text(), VersionStatus.CURRENT).status());
        assertStatuses(target.id(), 1, VersionStatus.PREVIOUS, 2, VersionStatus.PENDING, 3, VersionStatus.CURRENT);
    }

    @ParameterizedTest(name = "describe with {0}")
    @EnumSource(value = Action.class, names = {"READ", "WRITE", "ROTATE", "ADMIN"})
    void describingNeedsAnyOfReadWriteRotateOrAdmin(Action action) {
        Target target = prepare(Operation.READ);
        Principal caller = user("describer");
        grant(caller, action, target.path().qualifiedName());

        SecretDetails details = manager().describe(as(caller), target.id());
        assertEquals(target.id(), details.secret().id());
        assertEquals(details, manager().describe(as(caller), target.path()));
        assertEquals(details.versions(), manager().versions(as(caller), target.id()));
    }

    @ParameterizedTest(name = "describe with only {0}")
    @EnumSource(value = Action.class, names = {"AUDIT", "ONBOARD", "READ_BREAK_GLASS"})
    void describingWithOtherActionsIsDenied(Action action) {
        Target target = prepare(Operation.READ);
        Principal caller = user("describer");
        grant(caller, action, target.path().qualifiedName());
        AccessContext ctx = as(caller, "describe-denied");

        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().describe(ctx, target.id()));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().versions(as(caller), target.id()));
        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType());
        assertEquals(Decision.DENY, event.decision());
        Assumptions.assumeTrue(fixture().describeByPathReportsDenial(),
                "the manager under test answers describe-by-path by listing, which hides the secret instead of refusing");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().describe(as(caller), target.path()));
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
            case READ -> assertEquals(t.currentValue(), readText(ctx, t.path(), VersionSelector.current()));
            case PROMOTE -> manager().promote(ctx, t.id(), 2, OptionalInt.of(1));
            case MOVE_CUSTOM_ALIAS -> manager().moveAlias(ctx, t.id(), "canary", 2, OptionalInt.empty());
            case DISABLE -> manager().disable(ctx, t.id(), 2);
            case ENABLE -> manager().enable(ctx, t.id(), 2);
            case DESTROY -> manager().destroy(ctx, t.id(), 2);
            case SCHEDULE_DELETION -> manager().scheduleDeletion(ctx, t.id());
            case RESTORE -> manager().restore(ctx, t.id());
            case PURGE -> manager().purge(ctx, t.id());
            case PUT_POLICY -> manager().putPolicy(ctx,
                    Policy.allow("tck-put", List.of("user:tck-someone"), List.of("secrets:read"), List.of("prod/*")));
            case GET_POLICY -> assertTrue(manager().getPolicy(ctx, VICTIM_POLICY).isPresent());
            case LIST_POLICIES -> assertFalse(manager().listPolicies(ctx).isEmpty());
            case DELETE_POLICY -> manager().deletePolicy(ctx, VICTIM_POLICY);
            case QUERY_AUDIT -> assertFalse(manager().queryAudit(ctx, AuditQuery.tenant(tenant()), PageRequest.first()).items().isEmpty());
            case SUMMARIZE_AUDIT -> assertNotNull(manager().summarizeAudit(ctx, Instant.EPOCH));
            case VERIFY_AUDIT -> assertTrue(manager().verifyAudit(ctx).intact());
            case GRANT_BREAK_GLASS -> manager().grantBreakGlass(ctx, new BreakGlassRequest(
                    List.of(t.path().qualifiedName()), "tck access matrix", "https://tickets.example/TCK-1", 15));
            default -> throw new AssertionError(op);
        }
    }

    private void assertTookEffect(Operation op, Target t) {
        switch (op) {
            case CREATE -> assertEquals(TEAM, manager().describe(admin(), t.path()).secret().ownerTeam());
            case UPDATE -> assertEquals("changed by the matrix", manager().describe(admin(), t.id()).secret().description());
            case ADD_PENDING_VERSION -> assertEquals(3, manager().versions(admin(), t.id()).size());
            case PROMOTE -> assertAliases(t.id(), "current", 2, "previous", 1);
            case MOVE_CUSTOM_ALIAS -> assertAliases(t.id(), "canary", 2, "current", 1);
            case DISABLE -> assertEquals(VersionState.DISABLED, manager().versions(admin(), t.id()).get(1).state());
            case ENABLE -> assertEquals(VersionState.ENABLED, manager().versions(admin(), t.id()).get(1).state());
            case DESTROY -> assertEquals(VersionState.DESTROYED, manager().versions(admin(), t.id()).get(1).state());
            case SCHEDULE_DELETION -> assertTrue(manager().describe(admin(), t.id()).secret().isPendingDeletion());
            case RESTORE -> assertFalse(manager().describe(admin(), t.id()).secret().isPendingDeletion());
            case PURGE -> Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                    () -> manager().describe(admin(), t.id()));
            case PUT_POLICY -> assertTrue(manager().getPolicy(admin(), "tck-put").isPresent());
            case DELETE_POLICY -> assertTrue(manager().getPolicy(admin(), VICTIM_POLICY).isEmpty());
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
