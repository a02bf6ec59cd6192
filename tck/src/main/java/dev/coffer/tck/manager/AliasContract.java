package dev.coffer.tck.manager;

import static dev.coffer.spi.model.VersionStatus.CURRENT;
import static dev.coffer.spi.model.VersionStatus.DESTROYED;
import static dev.coffer.spi.model.VersionStatus.DISABLED;
import static dev.coffer.spi.model.VersionStatus.PENDING;
import static dev.coffer.spi.model.VersionStatus.PREVIOUS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.VersionDestroyedException;
import dev.coffer.spi.error.VersionDisabledException;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Aliases and their compare-and-set moves: stale expectations change nothing, {@code previous}
 * follows {@code current} atomically, custom aliases. Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class AliasContract extends ManagerContractBase {

    /** current=2, previous=1, 3 pending. */
    private Secret threeVersions(String name) {
        Secret secret = createSecret("prod/aliases/" + name);
        addCurrent(secret.id(), TestValues.text());
        addCurrent(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());
        return secret;
    }

    @Test
    void promoteWithStaleExpectedVersionFailsAndChangesNothing() {
        Secret secret = threeVersions("stale");
        String before = readCurrent(secret.path());
        AccessContext ctx = admin().withRequestId(requestId("stale-promote"));

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> manager().promote(ctx, secret.id(), 3, OptionalInt.of(1)));

        assertAliases(secret.id(), "current", 2, "previous", 1);
        assertStatuses(secret.id(), 1, PREVIOUS, 2, CURRENT, 3, PENDING);
        assertEquals(before, readCurrent(secret.path()));
        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.ALIAS_MOVE, event.eventType());
        assertEquals(Decision.ERROR, event.decision());
        assertEquals(ErrorCode.VERSION_CONFLICT.name(), event.reason());
    }

    @Test
    void promoteExpectingNoCurrentWhenOneIsSetFails() {
        Secret secret = threeVersions("expect-empty");
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> manager().promote(admin(), secret.id(), 3, OptionalInt.empty()));
        assertAliases(secret.id(), "current", 2, "previous", 1);
    }

    @Test
    void promoteExpectingACurrentWhenNoneIsSetFails() {
        Secret secret = createSecret("prod/aliases/unset");
        addPending(secret.id(), TestValues.text());
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> manager().promote(admin(), secret.id(), 1, OptionalInt.of(1)));
        assertAliases(secret.id());
        assertStatuses(secret.id(), 1, PENDING);
    }

    @Test
    void firstPromoteExpectsNoCurrent() {
        Secret secret = createSecret("prod/aliases/first");
        String value = TestValues.text();
        addPending(secret.id(), value);

        Aliases after = manager().promote(admin(), secret.id(), 1, OptionalInt.empty());

        assertEquals(Map.of("current", 1), after.byName());
        assertEquals(value, readCurrent(secret.path()));
    }

    @Test
    void promoteReturnsCurrentAndPreviousMovedTogether() {
        Secret secret = threeVersions("atomic");
        Aliases after = manager().promote(admin(), secret.id(), 3, OptionalInt.of(2));
        assertEquals(Map.of("current", 3, "previous", 2), after.byName());
        assertAliases(secret.id(), "current", 3, "previous", 2);
    }

    @Test
    void promoteIsAuditedAsAliasMoveWithFromAndTo() {
        Secret secret = threeVersions("audited");
        AccessContext ctx = admin().withRequestId(requestId("promote"));
        manager().promote(ctx, secret.id(), 3, OptionalInt.of(2));

        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.ALIAS_MOVE, event.eventType());
        assertEquals(Decision.ALLOW, event.decision());
        assertEquals(3, event.version());
        assertEquals("alias=current from=2 to=3", event.detail());
    }

    @Test
    void movingPreviousIsInvalidAndChangesNothing() {
        Secret secret = threeVersions("previous");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> manager().moveAlias(admin(), secret.id(), Aliases.PREVIOUS, 3, OptionalInt.of(1)));
        assertAliases(secret.id(), "current", 2, "previous", 1);
    }

    @Test
    void malformedAliasNameIsInvalid() {
        Secret secret = threeVersions("malformed");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> manager().moveAlias(admin(), secret.id(), "Canary!", 3, OptionalInt.empty()));
        assertAliases(secret.id(), "current", 2, "previous", 1);
    }

    @Test
    void customAliasIsCreatedReadAndMovedByCompareAndSet() {
        Secret secret = createSecret("prod/aliases/canary");
        addCurrent(secret.id(), TestValues.text());
        String two = TestValues.text();
        String three = TestValues.text();
        addPending(secret.id(), two);
        addPending(secret.id(), three);

        manager().moveAlias(admin(), secret.id(), "canary", 2, OptionalInt.empty());
        assertEquals(two, readText(admin(), secret.path(), VersionSelector.alias("canary")));
        assertStatuses(secret.id(), 1, CURRENT, 2, PENDING, 3, PENDING);

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> manager().moveAlias(admin(), secret.id(), "canary", 3, OptionalInt.of(1)));
        assertEquals(two, readText(admin(), secret.path(), VersionSelector.alias("canary")));

        manager().moveAlias(admin(), secret.id(), "canary", 3, OptionalInt.of(2));
        assertEquals(three, readText(admin(), secret.path(), VersionSelector.alias("canary")));
        assertAliases(secret.id(), "canary", 3, "current", 1);
    }

    @Test
    void readingAnUnknownAliasIsAliasNotFound() {
        Secret secret = threeVersions("unknown-alias");
        Expect.thrown(NotFoundException.class, ErrorCode.ALIAS_NOT_FOUND,
                () -> manager().read(admin(), secret.path(), VersionSelector.alias("canary")));
    }

    @Test
    void readingAnUnknownVersionIsVersionNotFound() {
        Secret secret = threeVersions("unknown-version");
        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().read(admin(), secret.path(), VersionSelector.number(4)));
    }

    @Test
    void movingToAnUnknownVersionIsVersionNotFound() {
        Secret secret = threeVersions("move-unknown");
        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().promote(admin(), secret.id(), 9, OptionalInt.of(2)));
        assertAliases(secret.id(), "current", 2, "previous", 1);
    }

    @Test
    void aliasesCannotPointAtDisabledOrDestroyedVersions() {
        Secret secret = createSecret("prod/aliases/not-enabled");
        addCurrent(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());
        manager().disable(admin(), secret.id(), 2);
        manager().destroy(admin(), secret.id(), 3);

        Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED,
                () -> manager().promote(admin(), secret.id(), 2, OptionalInt.of(1)));
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> manager().moveAlias(admin(), secret.id(), "canary", 3, OptionalInt.empty()));
        assertAliases(secret.id(), "current", 1);
        assertStatuses(secret.id(), 1, CURRENT, 2, DISABLED, 3, DESTROYED);
    }
}
