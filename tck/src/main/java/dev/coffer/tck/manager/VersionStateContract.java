package dev.coffer.tck.manager;

import static dev.coffer.spi.model.VersionStatus.CURRENT;
import static dev.coffer.spi.model.VersionStatus.DESTROYED;
import static dev.coffer.spi.model.VersionStatus.DISABLED;
import static dev.coffer.spi.model.VersionStatus.PENDING;
import static dev.coffer.spi.model.VersionStatus.PREVIOUS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.VersionDestroyedException;
import dev.coffer.spi.error.VersionDisabledException;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionState;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Disable, enable and destroy: which transitions are allowed, and what reads see afterwards.
 * Part of {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class VersionStateContract extends ManagerContractBase {
    private Secret secret;
    private String one;
    private String two;
    private String three;

    /** previous=1, current=2, 3 pending. */
    @BeforeEach
    void threeVersions() {
        secret = createSecret("prod/states/db");
        one = TestValues.text();
        two = TestValues.text();
        three = TestValues.text();
        addCurrent(secret.id(), one);
        addCurrent(secret.id(), two);
        addPending(secret.id(), three);
    }

    @Test
    void disabledVersionRefusesReadsUntilEnabled() {
        SecretVersion disabled = manager().disable(admin(), secret.id(), 3);
        assertEquals(VersionState.DISABLED, disabled.state());
        assertEquals(DISABLED, disabled.status());
        Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED,
                () -> manager().read(admin(), secret.path(), VersionSelector.number(3)));

        SecretVersion enabled = manager().enable(admin(), secret.id(), 3);
        assertEquals(PENDING, enabled.status());
        assertEquals(three, readText(admin(), secret.path(), VersionSelector.number(3)));
    }

    @Test
    void disabledPreviousRefusesReadsThroughItsAlias() {
        manager().disable(admin(), secret.id(), 1);
        Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED,
                () -> manager().read(admin(), secret.path(), VersionSelector.alias("previous")));

        assertEquals(PREVIOUS, manager().enable(admin(), secret.id(), 1).status());
        assertEquals(one, readText(admin(), secret.path(), VersionSelector.alias("previous")));
    }

    @Test
    void disablingTheCurrentVersionFailsWithVersionIsCurrent() {
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_IS_CURRENT,
                () -> manager().disable(admin(), secret.id(), 2));
        assertStatuses(secret.id(), 1, PREVIOUS, 2, CURRENT, 3, PENDING);
        assertEquals(two, readCurrent(secret.path()));
    }

    @Test
    void disablingTwiceIsAStateConflict() {
        manager().disable(admin(), secret.id(), 3);
        Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                () -> manager().disable(admin(), secret.id(), 3));
        assertStatuses(secret.id(), 1, PREVIOUS, 2, CURRENT, 3, DISABLED);
    }

    @Test
    void enablingAnEnabledVersionIsAStateConflict() {
        Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                () -> manager().enable(admin(), secret.id(), 3));
        assertStatuses(secret.id(), 1, PREVIOUS, 2, CURRENT, 3, PENDING);
    }

    @Test
    void destroyedVersionRefusesReadsForGood() {
        SecretVersion destroyed = manager().destroy(admin(), secret.id(), 3);
        assertEquals(VersionState.DESTROYED, destroyed.state());
        assertEquals(DESTROYED, destroyed.status());
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> manager().read(admin(), secret.path(), VersionSelector.number(3)));
        assertEquals(two, readCurrent(secret.path()));
    }

    @Test
    void destroyingADisabledVersionWorks() {
        manager().disable(admin(), secret.id(), 1);
        assertEquals(DESTROYED, manager().destroy(admin(), secret.id(), 1).status());
        assertStatuses(secret.id(), 1, DESTROYED, 2, CURRENT, 3, PENDING);
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> manager().read(admin(), secret.path(), VersionSelector.alias("previous")));
    }

    @Test
    void destroyingTheCurrentVersionFailsWithVersionIsCurrent() {
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_IS_CURRENT,
                () -> manager().destroy(admin(), secret.id(), 2));
        assertStatuses(secret.id(), 1, PREVIOUS, 2, CURRENT, 3, PENDING);
        assertEquals(two, readCurrent(secret.path()));
    }

    @Test
    void destroyedVersionCannotBeEnabledDisabledOrDestroyedAgain() {
        manager().destroy(admin(), secret.id(), 3);
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> manager().enable(admin(), secret.id(), 3));
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> manager().disable(admin(), secret.id(), 3));
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> manager().destroy(admin(), secret.id(), 3));
        assertStatuses(secret.id(), 1, PREVIOUS, 2, CURRENT, 3, DESTROYED);
    }

    @Test
    void transitionsOfAnUnknownVersionAreVersionNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().disable(admin(), secret.id(), 4));
        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().enable(admin(), secret.id(), 4));
        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().destroy(admin(), secret.id(), 4));
        assertStatuses(secret.id(), 1, PREVIOUS, 2, CURRENT, 3, PENDING);
    }

    @Test
    void otherVersionsStayReadableAroundTransitions() {
        manager().disable(admin(), secret.id(), 1);
        manager().destroy(admin(), secret.id(), 3);
        assertEquals(two, readCurrent(secret.path()));
        assertEquals(two, readText(admin(), secret.path(), VersionSelector.number(2)));
    }
}
