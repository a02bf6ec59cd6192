package dev.coffer.tck.manager;

import static dev.coffer.spi.model.VersionStatus.CURRENT;
import static dev.coffer.spi.model.VersionStatus.DESTROYED;
import static dev.coffer.spi.model.VersionStatus.DISABLED;
import static dev.coffer.spi.model.VersionStatus.PENDING;
import static dev.coffer.spi.model.VersionStatus.PREVIOUS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionState;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Version numbering and the derived status of every version after every transition. Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class VersionContract extends ManagerContractBase {

    @Test
    void numbersAreAllocatedFromOneWithoutGaps() {
        Secret secret = createSecret("prod/numbers");
        for (int expected = 1; expected <= 5; expected++) {
            SecretVersion added = addPending(secret.id(), TestValues.text());
            int n = expected;
            assertEquals(expected, added.number(), () -> "rule: SecretManager.addVersion numbers from 1 without gaps;"
                    + " addition " + n + " to " + secret.path() + " must be version " + n);
        }
        assertEquals(List.of(1, 2, 3, 4, 5),
                manager().versions(admin(), secret.id()).stream().map(SecretVersion::number).toList(),
                () -> "rule: SecretManager.versions of " + secret.path() + " lists versions 1..5 in number order");
    }

    private static Supplier<String> step(String transition) {
        return () -> "rule: statuses are derived from state and aliases after every transition; after " + transition;
    }

    @Test
    void addedVersionReportsWhoAndWhen() {
        Secret secret = createSecret("prod/who");
        SecretVersion added = addPending(secret.id(), TestValues.text());

        assertEquals(admin().principal().id(), added.createdBy(), () -> "rule: SecretManager.addVersion records the"
                + " caller (" + admin().principal().id() + ") as createdBy of version 1 of " + secret.path());
        assertEquals(VersionState.ENABLED, added.state(), () -> "rule: SecretManager.addVersion adds an ENABLED version"
                + " (version 1 of " + secret.path() + ")");
        assertEquals(PENDING, added.status(), () -> "rule: SecretManager.addVersion with status PENDING returns status"
                + " PENDING (version 1 of " + secret.path() + ")");
        fixture().clock().ifPresent(clock -> assertEquals(clock.instant(), added.createdAt(),
                () -> "rule: SecretManager.addVersion stamps createdAt with the clock's time (version 1 of "
                        + secret.path() + ")"));
        assertEquals(added, manager().versions(admin(), secret.id()).get(0), () -> "rule: SecretManager.versions of "
                + secret.path() + " shows version 1 as addVersion returned it");
    }

    @Test
    void firstPendingVersionIsNotCurrent() {
        Secret secret = createSecret("prod/first-pending");
        addPending(secret.id(), TestValues.text());

        assertStatuses(secret.id(), () -> "rule: a first version added as PENDING is PENDING, not current", 1, PENDING);
        assertAliases(secret.id(), () -> "rule: a first version added as PENDING sets no alias (current stays unset)");
    }

    @Test
    void addingCurrentVersionsShiftsCurrentToPrevious() {
        Secret secret = createSecret("prod/shift");
        assertEquals(CURRENT, addCurrent(secret.id(), TestValues.text()).status(), () -> "rule: SecretManager.addVersion"
                + " with status CURRENT returns status CURRENT (version 1 of " + secret.path() + ")");
        assertStatuses(secret.id(), () -> "rule: the first version added as CURRENT is CURRENT", 1, CURRENT);
        assertAliases(secret.id(), () -> "rule: the first version added as CURRENT sets current=1, no previous",
                "current", 1);

        assertEquals(CURRENT, addCurrent(secret.id(), TestValues.text()).status(), () -> "rule: SecretManager.addVersion"
                + " with status CURRENT returns status CURRENT (version 2 of " + secret.path() + ")");
        assertStatuses(secret.id(), () -> "rule: adding CURRENT version 2 shifts the old current 1 to PREVIOUS", 1, PREVIOUS,
                2, CURRENT);
        assertAliases(secret.id(), () -> "rule: adding CURRENT version 2 moves current 1 -> 2 and sets previous=1",
                "current", 2, "previous", 1);

        addCurrent(secret.id(), TestValues.text());
        assertStatuses(secret.id(), () -> "rule: adding CURRENT version 3 shifts 2 to PREVIOUS; 1, with no alias left,"
                + " is PENDING", 1, PENDING, 2, PREVIOUS, 3, CURRENT);
        assertAliases(secret.id(), () -> "rule: adding CURRENT version 3 moves current 2 -> 3 and previous 1 -> 2",
                "current", 3, "previous", 2);
    }

    @Test
    void addingAPendingVersionLeavesCurrentAlone() {
        Secret secret = createSecret("prod/staged");
        String one = TestValues.text();
        String two = TestValues.text();
        addCurrent(secret.id(), one);
        assertEquals(PENDING, addPending(secret.id(), two).status(), () -> "rule: SecretManager.addVersion with status"
                + " PENDING returns status PENDING (version 2 of " + secret.path() + ")");

        assertStatuses(secret.id(), () -> "rule: adding PENDING version 2 leaves current on 1", 1, CURRENT, 2, PENDING);
        assertReads(one, admin(), secret.path(), VersionSelector.current(),
                () -> "rule: adding PENDING version 2 leaves current on 1: current reads version 1's value");
        assertReads(two, admin(), secret.path(), VersionSelector.number(2),
                () -> "rule: a PENDING version reads by number: version 2 reads its own value");
    }

    @Test
    void promoteMakesPendingCurrentAndOldCurrentPrevious() {
        Secret secret = createSecret("prod/promote");
        String one = TestValues.text();
        String two = TestValues.text();
        addCurrent(secret.id(), one);
        addPending(secret.id(), two);

        manager().promote(admin(), secret.id(), 2, OptionalInt.of(1));

        assertStatuses(secret.id(), () -> "rule: SecretManager.promote of PENDING version 2 (expected current 1) makes 2"
                + " CURRENT and 1 PREVIOUS", 1, PREVIOUS, 2, CURRENT);
        assertReads(two, admin(), secret.path(), VersionSelector.current(),
                () -> "rule: after SecretManager.promote of version 2, current reads version 2's value");
        assertReads(one, admin(), secret.path(), VersionSelector.alias("previous"),
                () -> "rule: after SecretManager.promote of version 2, previous reads the old current's (1) value");
    }

    @Test
    void rollBackPromotesPreviousAgain() {
        Secret secret = createSecret("prod/rollback");
        String one = TestValues.text();
        addCurrent(secret.id(), one);
        addCurrent(secret.id(), TestValues.text());

        manager().promote(admin(), secret.id(), 1, OptionalInt.of(2));

        assertStatuses(secret.id(), () -> "rule: SecretManager.promote of previous 1 (expected current 2) rolls back: 1"
                + " CURRENT, 2 PREVIOUS", 1, CURRENT, 2, PREVIOUS);
        assertAliases(secret.id(), () -> "rule: a roll back by SecretManager.promote swaps current and previous",
                "current", 1, "previous", 2);
        assertReads(one, admin(), secret.path(), VersionSelector.current(),
                () -> "rule: after the roll back to version 1, current reads version 1's value");
    }

    /** One secret walked through every transition; the whole status table is checked after each step. */
    @Test
    void statusesAreDerivedAfterEveryTransition() {
        Secret secret = createSecret("prod/walk");
        String id = secret.id();

        addPending(id, TestValues.text());                       // 1
        assertStatuses(id, step("addVersion PENDING 1"), 1, PENDING);
        addCurrent(id, TestValues.text());                       // 2
        assertStatuses(id, step("addVersion CURRENT 2"), 1, PENDING, 2, CURRENT);
        addPending(id, TestValues.text());                       // 3
        assertStatuses(id, step("addVersion PENDING 3"), 1, PENDING, 2, CURRENT, 3, PENDING);
        manager().promote(admin(), id, 3, OptionalInt.of(2));
        assertStatuses(id, step("promote 3 (expected 2)"), 1, PENDING, 2, PREVIOUS, 3, CURRENT);
        manager().promote(admin(), id, 2, OptionalInt.of(3));   // roll back
        assertStatuses(id, step("promote 2 (expected 3), a roll back"), 1, PENDING, 2, CURRENT, 3, PREVIOUS);
        manager().disable(admin(), id, 3);
        assertStatuses(id, step("disable 3 (previous)"), 1, PENDING, 2, CURRENT, 3, DISABLED);
        manager().enable(admin(), id, 3);
        assertStatuses(id, step("enable 3 (still previous)"), 1, PENDING, 2, CURRENT, 3, PREVIOUS);
        manager().disable(admin(), id, 1);
        assertStatuses(id, step("disable 1 (no alias)"), 1, DISABLED, 2, CURRENT, 3, PREVIOUS);
        manager().enable(admin(), id, 1);
        assertStatuses(id, step("enable 1 (no alias: pending)"), 1, PENDING, 2, CURRENT, 3, PREVIOUS);
        manager().destroy(admin(), id, 1);
        assertStatuses(id, step("destroy 1"), 1, DESTROYED, 2, CURRENT, 3, PREVIOUS);
        manager().disable(admin(), id, 3);
        manager().destroy(admin(), id, 3);
        assertStatuses(id, step("disable 3 then destroy 3"), 1, DESTROYED, 2, CURRENT, 3, DESTROYED);
        addCurrent(id, TestValues.text());                       // 4
        assertStatuses(id, step("addVersion CURRENT 4 (2 becomes previous)"), 1, DESTROYED, 2, PREVIOUS, 3, DESTROYED, 4,
                CURRENT);
    }

    @Test
    void numbersAreNeverReusedAfterDestroy() {
        Secret secret = createSecret("prod/no-reuse");
        addCurrent(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());
        manager().destroy(admin(), secret.id(), 2);

        assertEquals(3, addPending(secret.id(), TestValues.text()).number(), () -> "rule: version numbers are never"
                + " reused; after SecretManager.destroy of version 2 of " + secret.path() + " the next addVersion is 3");
        assertEquals(VersionState.DESTROYED, manager().versions(admin(), secret.id()).get(1).state(), () -> "rule: a"
                + " destroyed version stays listed as DESTROYED (version 2 of " + secret.path() + ", SecretManager.versions)");
    }

    @Test
    void versionReadByNumberReportsThatNumber() {
        Secret secret = createSecret("prod/by-number");
        String[] values = {TestValues.text(), TestValues.text(), TestValues.text()};
        for (String v : values) {
            addPending(secret.id(), v);
        }
        for (int n = 1; n <= 3; n++) {
            int number = n;
            try (var content = manager().read(admin(), secret.path(), VersionSelector.number(n))) {
                assertEquals(n, content.version(), () -> "rule: SecretManager.read of " + secret.path() + " at version "
                        + number + " reports version " + number);
                assertSameValue(values[n - 1], content.value().asUtf8(), () -> "rule: SecretManager.read of "
                        + secret.path() + " at version " + number + " returns the value added as version " + number);
            }
        }
    }

    @Test
    void expiresAtIsReportedToReaders() {
        Secret secret = createSecret("prod/expiring");
        Instant expiry = Instant.parse("2040-01-01T00:00:00Z");
        try (var value = TestValues.value()) {
            SecretVersion added = manager().addVersion(admin(), secret.id(),
                    new NewVersion(value, CURRENT, expiry));
            assertEquals(expiry, added.expiresAt(), () -> "rule: SecretManager.addVersion returns the expiresAt it was"
                    + " given (" + expiry + ") for version 1 of " + secret.path());
        }
        try (var content = manager().read(admin(), secret.path(), VersionSelector.current())) {
            assertEquals(expiry, content.expiresAt(), () -> "rule: SecretManager.read of " + secret.path()
                    + " at current reports the version's expiresAt (" + expiry + ")");
        }
    }

    @Test
    void versionTimestampsFollowTheClock() {
        MutableClock clock = clock();
        Secret secret = createSecret("prod/times");
        SecretVersion first = addPending(secret.id(), TestValues.text());
        clock.advance(Duration.ofMinutes(3));
        SecretVersion second = addPending(secret.id(), TestValues.text());
        assertEquals(Duration.ofMinutes(3), Duration.between(first.createdAt(), second.createdAt()),
                () -> "rule: SecretManager.addVersion stamps createdAt with the clock's time; versions 1 and 2 of "
                        + secret.path() + " were added 3 minutes apart");
        assertEquals(clock.instant(), second.createdAt(), () -> "rule: SecretManager.addVersion stamps createdAt of"
                + " version 2 of " + secret.path() + " with the clock's time");
    }
}
