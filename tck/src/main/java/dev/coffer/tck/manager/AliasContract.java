package dev.coffer.tck.manager;

import static dev.coffer.spi.model.VersionStatus.CURRENT;
import static dev.coffer.spi.model.VersionStatus.DESTROYED;
import static dev.coffer.spi.model.VersionStatus.DISABLED;
import static dev.coffer.spi.model.VersionStatus.PENDING;
import static dev.coffer.spi.model.VersionStatus.PREVIOUS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.VersionDestroyedException;
import dev.coffer.spi.error.VersionDisabledException;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Aliases and their compare-and-set moves: stale expectations change nothing, {@code previous}
 * follows {@code current} atomically, promoting the version {@code next} names clears {@code next},
 * custom aliases, and compare-and-set removal of {@code next} and custom aliases. Part of
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
        String call = "SecretManager.promote(" + secret.path() + ", to 3, expected current 1; current is 2)";

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> manager().promote(ctx, secret.id(), 3, OptionalInt.of(1)),
                () -> "rule: promote is compare-and-set; a stale expected version fails with VERSION_CONFLICT: " + call);

        assertAliases(secret.id(),
                () -> "rule: a promote that loses its compare-and-set moves no alias (current 2, previous 1 stay): " + call,
                "current", 2, "previous", 1);
        assertStatuses(secret.id(),
                () -> "rule: a promote that loses its compare-and-set changes no derived status: " + call,
                1, PREVIOUS, 2, CURRENT, 3, PENDING);
        assertSameValue(before, readCurrent(secret.path()),
                () -> "rule: after a promote that loses its compare-and-set, SecretManager.read(current) still returns"
                        + " version 2's value: " + call);
        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> "rule: a failed promote is audited once: " + call);
        assertEquals(AuditEventType.ALIAS_MOVE, event.eventType(),
                () -> "rule: a failed promote is audited as ALIAS_MOVE: " + call);
        assertEquals(Decision.ERROR, event.decision(),
                () -> "rule: a promote refused for a stale expected version is audited with decision ERROR: " + call);
        assertEquals(ErrorCode.VERSION_CONFLICT.name(), event.reason(),
                () -> "rule: the audit event of a failed promote gives the error code as its reason: " + call);
    }

    @Test
    void promoteExpectingNoCurrentWhenOneIsSetFails() {
        Secret secret = threeVersions("expect-empty");
        String call = "SecretManager.promote(" + secret.path() + ", to 3, expected no current; current is 2)";
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> manager().promote(admin(), secret.id(), 3, OptionalInt.empty()),
                () -> "rule: promote expecting current unset while it is set fails with VERSION_CONFLICT: " + call);
        assertAliases(secret.id(),
                () -> "rule: a promote that loses its compare-and-set moves no alias (current 2, previous 1 stay): " + call,
                "current", 2, "previous", 1);
    }

    @Test
    void promoteExpectingACurrentWhenNoneIsSetFails() {
        Secret secret = createSecret("prod/aliases/unset");
        addPending(secret.id(), TestValues.text());
        String call = "SecretManager.promote(" + secret.path() + ", to 1, expected current 1; current is unset)";
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> manager().promote(admin(), secret.id(), 1, OptionalInt.of(1)),
                () -> "rule: promote expecting a current while none is set fails with VERSION_CONFLICT: " + call);
        assertAliases(secret.id(),
                () -> "rule: a promote that loses its compare-and-set sets no alias: " + call);
        assertStatuses(secret.id(),
                () -> "rule: a promote that loses its compare-and-set leaves version 1 PENDING: " + call,
                1, PENDING);
    }

    @Test
    void firstPromoteExpectsNoCurrent() {
        Secret secret = createSecret("prod/aliases/first");
        String value = TestValues.text();
        addPending(secret.id(), value);
        String call = "SecretManager.promote(" + secret.path() + ", to 1, expected no current)";

        Aliases after = manager().promote(admin(), secret.id(), 1, OptionalInt.empty());

        assertEquals(Map.of("current", 1), after.byName(),
                () -> "rule: the first promote, expecting no current, returns current=1 and no previous: " + call);
        assertSameValue(value, readCurrent(secret.path()),
                () -> "rule: after the first promote, SecretManager.read(current) returns version 1's value: " + call);
    }

    @Test
    void promoteReturnsCurrentAndPreviousMovedTogether() {
        Secret secret = threeVersions("atomic");
        String call = "SecretManager.promote(" + secret.path() + ", to 3, expected current 2)";
        Aliases after = manager().promote(admin(), secret.id(), 3, OptionalInt.of(2));
        assertEquals(Map.of("current", 3, "previous", 2), after.byName(),
                () -> "rule: promote moves current and previous together and returns both (current 3, previous 2): "
                        + call);
        assertAliases(secret.id(),
                () -> "rule: after promote, SecretManager.describe shows current 3 and previous 2 (the old current): "
                        + call,
                "current", 3, "previous", 2);
    }

    @Test
    void promoteIsAuditedAsAliasMoveWithFromAndTo() {
        Secret secret = threeVersions("audited");
        AccessContext ctx = admin().withRequestId(requestId("promote"));
        String call = "SecretManager.promote(" + secret.path() + ", to 3, expected current 2)";
        manager().promote(ctx, secret.id(), 3, OptionalInt.of(2));

        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> "rule: a promote is audited once: " + call);
        assertEquals(AuditEventType.ALIAS_MOVE, event.eventType(), () -> "rule: a promote is audited as ALIAS_MOVE: " + call);
        assertEquals(Decision.ALLOW, event.decision(), () -> "rule: a successful promote is audited with decision ALLOW: " + call);
        assertEquals(3, event.version(), () -> "rule: the ALIAS_MOVE event of a promote names the target version 3: " + call);
        assertEquals("alias=current from=2 to=3", event.detail(),
                () -> "rule: the ALIAS_MOVE event's detail names the alias and both ends of the move: " + call);
    }

    @Test
    void movingPreviousIsInvalidAndChangesNothing() {
        Secret secret = threeVersions("previous");
        String call = "SecretManager.moveAlias(" + secret.path() + ", previous, to 3, expected 1)";
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> manager().moveAlias(admin(), secret.id(), Aliases.PREVIOUS, 3, OptionalInt.of(1)),
                () -> "rule: previous follows current and cannot be moved directly; INVALID_ARGUMENT: " + call);
        assertAliases(secret.id(),
                () -> "rule: a refused moveAlias moves no alias (current 2, previous 1 stay): " + call,
                "current", 2, "previous", 1);
    }

    @Test
    void malformedAliasNameIsInvalid() {
        Secret secret = threeVersions("malformed");
        String call = "SecretManager.moveAlias(" + secret.path() + ", alias \"Canary!\", to 3, expected unset)";
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> manager().moveAlias(admin(), secret.id(), "Canary!", 3, OptionalInt.empty()),
                () -> "rule: an alias name outside the alias grammar fails with INVALID_ARGUMENT: " + call);
        assertAliases(secret.id(),
                () -> "rule: a refused moveAlias moves no alias (current 2, previous 1 stay): " + call,
                "current", 2, "previous", 1);
    }

    @Test
    void customAliasIsCreatedReadAndMovedByCompareAndSet() {
        Secret secret = createSecret("prod/aliases/canary");
        addCurrent(secret.id(), TestValues.text());
        String two = TestValues.text();
        String three = TestValues.text();
        addPending(secret.id(), two);
        addPending(secret.id(), three);
        SecretPath path = secret.path();

        manager().moveAlias(admin(), secret.id(), "canary", 2, OptionalInt.empty());
        assertSameValue(two, readText(admin(), path, VersionSelector.alias("canary")),
                () -> "rule: SecretManager.read(alias canary) returns the value of the version canary points at (2)"
                        + " after moveAlias(" + path + ", canary, to 2, expected unset)");
        assertStatuses(secret.id(),
                () -> "rule: a custom alias does not change derived statuses: version 2 stays PENDING under canary ("
                        + path + ")",
                1, CURRENT, 2, PENDING, 3, PENDING);

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> manager().moveAlias(admin(), secret.id(), "canary", 3, OptionalInt.of(1)),
                () -> "rule: moveAlias of a custom alias is compare-and-set; canary is on 2, expected 1 fails with"
                        + " VERSION_CONFLICT: SecretManager.moveAlias(" + path + ", canary, to 3, expected 1)");
        assertSameValue(two, readText(admin(), path, VersionSelector.alias("canary")),
                () -> "rule: a moveAlias that loses its compare-and-set leaves canary on 2; SecretManager.read(alias"
                        + " canary) of " + path + " still returns version 2's value");

        manager().moveAlias(admin(), secret.id(), "canary", 3, OptionalInt.of(2));
        assertSameValue(three, readText(admin(), path, VersionSelector.alias("canary")),
                () -> "rule: after moveAlias(" + path + ", canary, to 3, expected 2), SecretManager.read(alias canary)"
                        + " returns version 3's value");
        assertAliases(secret.id(),
                () -> "rule: moving a custom alias touches neither current nor previous (canary 3, current 1; " + path
                        + ")",
                "canary", 3, "current", 1);
    }

    @Test
    void readingAnUnknownAliasIsAliasNotFound() {
        Secret secret = threeVersions("unknown-alias");
        Expect.thrown(NotFoundException.class, ErrorCode.ALIAS_NOT_FOUND,
                () -> manager().read(admin(), secret.path(), VersionSelector.alias("canary")),
                () -> "rule: reading an alias that was never set fails with ALIAS_NOT_FOUND: SecretManager.read("
                        + secret.path() + ", alias canary; aliases are current 2, previous 1)");
    }

    @Test
    void readingAnUnknownVersionIsVersionNotFound() {
        Secret secret = threeVersions("unknown-version");
        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().read(admin(), secret.path(), VersionSelector.number(4)),
                () -> "rule: reading a version number never added fails with VERSION_NOT_FOUND: SecretManager.read("
                        + secret.path() + ", version 4; versions are 1..3)");
    }

    @Test
    void movingToAnUnknownVersionIsVersionNotFound() {
        Secret secret = threeVersions("move-unknown");
        String call = "SecretManager.promote(" + secret.path() + ", to 9, expected current 2; versions are 1..3)";
        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().promote(admin(), secret.id(), 9, OptionalInt.of(2)),
                () -> "rule: promoting a version number never added fails with VERSION_NOT_FOUND: " + call);
        assertAliases(secret.id(),
                () -> "rule: a refused promote moves no alias (current 2, previous 1 stay): " + call,
                "current", 2, "previous", 1);
    }

    @Test
    void aliasesCannotPointAtDisabledOrDestroyedVersions() {
        Secret secret = createSecret("prod/aliases/not-enabled");
        addCurrent(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());
        manager().disable(admin(), secret.id(), 2);
        manager().destroy(admin(), secret.id(), 3);
        SecretPath path = secret.path();

        Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED,
                () -> manager().promote(admin(), secret.id(), 2, OptionalInt.of(1)),
                () -> "rule: the target of an alias move must be enabled; promoting DISABLED version 2 fails with"
                        + " VERSION_DISABLED: SecretManager.promote(" + path + ", to 2, expected current 1)");
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> manager().moveAlias(admin(), secret.id(), "canary", 3, OptionalInt.empty()),
                () -> "rule: the target of an alias move must be enabled; moving canary onto DESTROYED version 3 fails"
                        + " with VERSION_DESTROYED: SecretManager.moveAlias(" + path + ", canary, to 3, expected unset)");
        assertAliases(secret.id(),
                () -> "rule: refused alias moves onto DISABLED 2 and DESTROYED 3 move no alias (current 1 stays; " + path
                        + ")",
                "current", 1);
        assertStatuses(secret.id(),
                () -> "rule: refused alias moves change no derived status (1 CURRENT, 2 DISABLED, 3 DESTROYED; " + path
                        + ")",
                1, CURRENT, 2, DISABLED, 3, DESTROYED);
    }

    /** current=1, 2 pending under next. */
    private Secret pendingUnderNext(String name) {
        Secret secret = createSecret("prod/aliases/" + name);
        addCurrent(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());
        manager().moveAlias(admin(), secret.id(), Aliases.NEXT, 2, OptionalInt.empty());
        return secret;
    }

    @Test
    void promotingTheVersionNextPointsAtClearsNextAndSaysSoInTheAudit() {
        Secret secret = pendingUnderNext("promote-next");
        AccessContext ctx = admin().withRequestId(requestId("promote-next"));
        String call = "SecretManager.promote(" + secret.path() + ", to 2, expected current 1; next is 2)";

        Aliases after = manager().promote(ctx, secret.id(), 2, OptionalInt.of(1));

        assertEquals(Map.of("current", 2, "previous", 1), after.byName(),
                () -> "rule: promoting the version next points at clears next in the same step (current 2, previous 1,"
                        + " no next): " + call);
        assertAliases(secret.id(), () -> "rule: after a promotion of next, describe shows no next: " + call,
                "current", 2, "previous", 1);
        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> "rule: a promotion is audited once: " + call);
        assertEquals("alias=current from=1 to=2 next=cleared", event.detail(),
                () -> "rule: the ALIAS_MOVE detail of a promotion that cleared next ends with next=cleared: " + call);
    }

    @Test
    void promotingAnotherVersionOrAddingACurrentLeavesNext() {
        Secret secret = pendingUnderNext("next-stays");
        addPending(secret.id(), TestValues.text());
        String call = "SecretManager.promote(" + secret.path() + ", to 3, expected current 1; next is 2)";

        manager().promote(admin(), secret.id(), 3, OptionalInt.of(1));
        assertAliases(secret.id(), () -> "rule: promoting a version next does not point at leaves next on 2: " + call,
                "current", 3, "previous", 1, "next", 2);

        addCurrent(secret.id(), TestValues.text());
        assertAliases(secret.id(), () -> "rule: addVersion(CURRENT) leaves next on 2 (" + secret.path() + ")",
                "current", 4, "previous", 3, "next", 2);
    }

    @Test
    void removeAliasRemovesNextByCompareAndSetAndIsAuditedAsAliasMove() {
        Secret secret = pendingUnderNext("remove-next");
        AccessContext ctx = admin().withRequestId(requestId("remove-next"));
        String call = "SecretManager.removeAlias(" + secret.path() + ", next, expected 2)";

        Aliases after = manager().removeAlias(ctx, secret.id(), Aliases.NEXT, OptionalInt.of(2));

        assertEquals(Map.of("current", 1), after.byName(), () -> "rule: removeAlias returns the aliases left: " + call);
        assertAliases(secret.id(), () -> "rule: after removeAlias(next), describe shows no next: " + call, "current", 1);
        assertStatuses(secret.id(), () -> "rule: removeAlias leaves the version it pointed at (2 stays PENDING): " + call,
                1, CURRENT, 2, PENDING);
        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> "rule: a removeAlias is audited once: " + call);
        assertEquals(AuditEventType.ALIAS_MOVE, event.eventType(), () -> "rule: removeAlias is audited as ALIAS_MOVE: " + call);
        assertEquals(Decision.ALLOW, event.decision(), () -> "rule: a successful removeAlias is audited with ALLOW: " + call);
        assertEquals(2, event.version(), () -> "rule: the ALIAS_MOVE event of a removal names the version the alias left: " + call);
        assertEquals("alias=next from=2 removed", event.detail(),
                () -> "rule: the ALIAS_MOVE detail of a removal names the alias, where it pointed, and 'removed': " + call);
        Expect.thrown(NotFoundException.class, ErrorCode.ALIAS_NOT_FOUND,
                () -> manager().read(admin(), secret.path(), VersionSelector.alias(Aliases.NEXT)),
                () -> "rule: after removeAlias(next), SecretManager.read(alias next) fails with ALIAS_NOT_FOUND: " + call);
    }

    @Test
    void removeAliasWithAStaleExpectationOrOnAnUnsetAliasFailsAndChangesNothing() {
        Secret secret = pendingUnderNext("remove-refused");
        SecretPath path = secret.path();
        AccessContext ctx = admin().withRequestId(requestId("remove-stale"));

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> manager().removeAlias(ctx, secret.id(), Aliases.NEXT, OptionalInt.of(1)),
                () -> "rule: removeAlias is compare-and-set; next is on 2, expected 1 fails with VERSION_CONFLICT:"
                        + " SecretManager.removeAlias(" + path + ", next, expected 1)");
        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> "rule: a failed removeAlias is audited once (" + path + ")");
        assertEquals(Decision.ERROR, event.decision(), () -> "rule: a removeAlias refused for a stale expectation is audited"
                + " with decision ERROR (" + path + ")");
        assertEquals(ErrorCode.VERSION_CONFLICT.name(), event.reason(),
                () -> "rule: the audit event of a failed removeAlias gives the error code as its reason (" + path + ")");
        Expect.thrown(NotFoundException.class, ErrorCode.ALIAS_NOT_FOUND,
                () -> manager().removeAlias(admin(), secret.id(), "canary", OptionalInt.empty()),
                () -> "rule: removeAlias of an alias that is not set fails with ALIAS_NOT_FOUND: SecretManager.removeAlias("
                        + path + ", canary)");
        for (String alias : new String[] {Aliases.CURRENT, Aliases.PREVIOUS, "Canary!"}) {
            Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                    () -> manager().removeAlias(admin(), secret.id(), alias, OptionalInt.empty()),
                    () -> "rule: removeAlias refuses alias '" + alias + "' with INVALID_ARGUMENT (current and previous"
                            + " cannot be removed): SecretManager.removeAlias(" + path + ", " + alias + ")");
        }
        assertAliases(secret.id(), () -> "rule: refused removeAlias calls change no alias (current 1, next 2; " + path + ")",
                "current", 1, "next", 2);
    }

    @Test
    void removeAliasNeedsTheRotateAction() {
        Secret secret = pendingUnderNext("remove-rotate");
        Principal writer = Principal.of("user:tck-alias-writer-"
                + UUID.randomUUID(), tenant());
        grant(writer, allActionsExcept(Action.ROTATE), "prod/aliases/remove-rotate");
        AccessContext ctx = as(writer, "remove-denied");
        String call = "SecretManager.removeAlias(" + secret.path() + ", next, expected 2) by " + writer.id()
                + ", allowed everything but secrets:rotate";

        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().removeAlias(ctx, secret.id(), Aliases.NEXT, OptionalInt.of(2)),
                () -> "rule: removeAlias needs secrets:rotate; without it ACCESS_DENIED: " + call);
        assertAliases(secret.id(), () -> "rule: a denied removeAlias removes nothing (next stays on 2): " + call,
                "current", 1, "next", 2);
        AuditEvent event = auditEventOf(ctx.requestId(), AuditEventType.ACCESS_DENIED,
                () -> "rule: a denied removeAlias is audited as ACCESS_DENIED: " + call);
        assertEquals(Action.ROTATE.wireName(), event.action(),
                () -> "rule: the ACCESS_DENIED event of a removeAlias names the action secrets:rotate: " + call);

        grant(writer, Action.ROTATE, "prod/aliases/remove-rotate");
        assertEquals(Map.of("current", 1), manager().removeAlias(as(writer), secret.id(), Aliases.NEXT, OptionalInt.of(2)).byName(),
                () -> "rule: with secrets:rotate granted, the same removeAlias succeeds: " + call);
    }
}
