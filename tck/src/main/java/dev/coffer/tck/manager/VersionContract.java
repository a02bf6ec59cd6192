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
            assertEquals(expected, added.number());
        }
        assertEquals(List.of(1, 2, 3, 4, 5),
                manager().versions(admin(), secret.id()).stream().map(SecretVersion::number).toList());
    }

    @Test
    void addedVersionReportsWhoAndWhen() {
        Secret secret = createSecret("prod/who");
        SecretVersion added = addPending(secret.id(), TestValues.text());

        assertEquals(admin().principal().id(), added.createdBy());
        assertEquals(VersionState.ENABLED, added.state());
        assertEquals(PENDING, added.status());
        fixture().clock().ifPresent(clock -> assertEquals(clock.instant(), added.createdAt()));
        assertEquals(added, manager().versions(admin(), secret.id()).get(0));
    }

    @Test
    void firstPendingVersionIsNotCurrent() {
        Secret secret = createSecret("prod/first-pending");
        addPending(secret.id(), TestValues.text());

        assertStatuses(secret.id(), 1, PENDING);
        assertAliases(secret.id());
    }

    @Test
    void addingCurrentVersionsShiftsCurrentToPrevious() {
        Secret secret = createSecret("prod/shift");
        assertEquals(CURRENT, addCurrent(secret.id(), TestValues.text()).status());
        assertStatuses(secret.id(), 1, CURRENT);
        assertAliases(secret.id(), "current", 1);

        assertEquals(CURRENT, addCurrent(secret.id(), TestValues.text()).status());
        assertStatuses(secret.id(), 1, PREVIOUS, 2, CURRENT);
        assertAliases(secret.id(), "current", 2, "previous", 1);

        addCurrent(secret.id(), TestValues.text());
        assertStatuses(secret.id(), 1, PENDING, 2, PREVIOUS, 3, CURRENT);
        assertAliases(secret.id(), "current", 3, "previous", 2);
    }

    @Test
    void addingAPendingVersionLeavesCurrentAlone() {
        Secret secret = createSecret("prod/staged");
        String one = TestValues.text();
        String two = TestValues.text();
        addCurrent(secret.id(), one);
        assertEquals(PENDING, addPending(secret.id(), two).status());

        assertStatuses(secret.id(), 1, CURRENT, 2, PENDING);
        assertEquals(one, readCurrent(secret.path()));
        assertEquals(two, readText(admin(), secret.path(), VersionSelector.number(2)));
    }

    @Test
    void promoteMakesPendingCurrentAndOldCurrentPrevious() {
        Secret secret = createSecret("prod/promote");
        String one = TestValues.text();
        String two = TestValues.text();
        addCurrent(secret.id(), one);
        addPending(secret.id(), two);

        manager().promote(admin(), secret.id(), 2, OptionalInt.of(1));

        assertStatuses(secret.id(), 1, PREVIOUS, 2, CURRENT);
        assertEquals(two, readCurrent(secret.path()));
        assertEquals(one, readText(admin(), secret.path(), VersionSelector.alias("previous")));
    }

    @Test
    void rollBackPromotesPreviousAgain() {
        Secret secret = createSecret("prod/rollback");
        String one = TestValues.text();
        addCurrent(secret.id(), one);
        addCurrent(secret.id(), TestValues.text());

        manager().promote(admin(), secret.id(), 1, OptionalInt.of(2));

        assertStatuses(secret.id(), 1, CURRENT, 2, PREVIOUS);
        assertAliases(secret.id(), "current", 1, "previous", 2);
        assertEquals(one, readCurrent(secret.path()));
    }

    /** One secret walked through every transition; the whole status table is checked after each step. */
    @Test
    void statusesAreDerivedAfterEveryTransition() {
        Secret secret = createSecret("prod/walk");
        String id = secret.id();

        addPending(id, TestValues.text());                       // 1
        assertStatuses(id, 1, PENDING);
        addCurrent(id, TestValues.text());                       // 2
        assertStatuses(id, 1, PENDING, 2, CURRENT);
        addPending(id, TestValues.text());                       // 3
        assertStatuses(id, 1, PENDING, 2, CURRENT, 3, PENDING);
        manager().promote(admin(), id, 3, OptionalInt.of(2));
        assertStatuses(id, 1, PENDING, 2, PREVIOUS, 3, CURRENT);
        manager().promote(admin(), id, 2, OptionalInt.of(3));   // roll back
        assertStatuses(id, 1, PENDING, 2, CURRENT, 3, PREVIOUS);
        manager().disable(admin(), id, 3);
        assertStatuses(id, 1, PENDING, 2, CURRENT, 3, DISABLED);
        manager().enable(admin(), id, 3);
        assertStatuses(id, 1, PENDING, 2, CURRENT, 3, PREVIOUS);
        manager().disable(admin(), id, 1);
        assertStatuses(id, 1, DISABLED, 2, CURRENT, 3, PREVIOUS);
        manager().enable(admin(), id, 1);
        assertStatuses(id, 1, PENDING, 2, CURRENT, 3, PREVIOUS);
        manager().destroy(admin(), id, 1);
        assertStatuses(id, 1, DESTROYED, 2, CURRENT, 3, PREVIOUS);
        manager().disable(admin(), id, 3);
        manager().destroy(admin(), id, 3);
        assertStatuses(id, 1, DESTROYED, 2, CURRENT, 3, DESTROYED);
        addCurrent(id, TestValues.text());                       // 4
        assertStatuses(id, 1, DESTROYED, 2, PREVIOUS, 3, DESTROYED, 4, CURRENT);
    }

    @Test
    void numbersAreNeverReusedAfterDestroy() {
        Secret secret = createSecret("prod/no-reuse");
        addCurrent(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());
        manager().destroy(admin(), secret.id(), 2);

        assertEquals(3, addPending(secret.id(), TestValues.text()).number());
        assertEquals(VersionState.DESTROYED, manager().versions(admin(), secret.id()).get(1).state());
    }

    @Test
    void versionReadByNumberReportsThatNumber() {
        Secret secret = createSecret("prod/by-number");
        String[] values = {TestValues.text(), TestValues.text(), TestValues.text()};
        for (String v : values) {
            addPending(secret.id(), v);
        }
        for (int n = 1; n <= 3; n++) {
            try (var content = manager().read(admin(), secret.path(), VersionSelector.number(n))) {
                assertEquals(n, content.version());
                assertEquals(values[n - 1], content.value().asUtf8());
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
            assertEquals(expiry, added.expiresAt());
        }
        try (var content = manager().read(admin(), secret.path(), VersionSelector.current())) {
            assertEquals(expiry, content.expiresAt());
        }
    }

    @Test
    void versionTimestampsFollowTheClock() {
        MutableClock clock = clock();
        Secret secret = createSecret("prod/times");
        SecretVersion first = addPending(secret.id(), TestValues.text());
        clock.advance(Duration.ofMinutes(3));
        SecretVersion second = addPending(secret.id(), TestValues.text());
        assertEquals(Duration.ofMinutes(3), Duration.between(first.createdAt(), second.createdAt()));
        assertEquals(clock.instant(), second.createdAt());
    }
}
