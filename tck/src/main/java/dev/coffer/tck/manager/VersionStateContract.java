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
import java.util.function.Supplier;
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

    /** The rule that a refused transition changes no status. */
    private static Supplier<String> unchanged(String refused) {
        return () -> "rule: a refused transition changes no status; after " + refused;
    }

    @Test
    void disabledVersionRefusesReadsUntilEnabled() {
        SecretVersion disabled = manager().disable(admin(), secret.id(), 3);
        assertEquals(VersionState.DISABLED, disabled.state(),
                () -> "rule: SecretManager.disable of pending version 3 of " + secret.path() + " returns state DISABLED");
        assertEquals(DISABLED, disabled.status(),
                () -> "rule: SecretManager.disable of pending version 3 of " + secret.path() + " returns status DISABLED");
        Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED,
                () -> manager().read(admin(), secret.path(), VersionSelector.number(3)),
                () -> "rule: SecretManager.read of DISABLED version 3 of " + secret.path() + " fails with VERSION_DISABLED");

        SecretVersion enabled = manager().enable(admin(), secret.id(), 3);
        assertEquals(PENDING, enabled.status(), () -> "rule: SecretManager.enable of disabled version 3 (no alias) of "
                + secret.path() + " returns status PENDING");
        assertReads(three, admin(), secret.path(), VersionSelector.number(3),
                () -> "rule: a version enabled again by SecretManager.enable reads again: version 3 reads its own value");
    }

    @Test
    void disabledPreviousRefusesReadsThroughItsAlias() {
        manager().disable(admin(), secret.id(), 1);
        Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED,
                () -> manager().read(admin(), secret.path(), VersionSelector.alias("previous")),
                () -> "rule: SecretManager.read through alias previous onto DISABLED version 1 of " + secret.path()
                        + " fails with VERSION_DISABLED");

        assertEquals(PREVIOUS, manager().enable(admin(), secret.id(), 1).status(), () -> "rule: SecretManager.enable of"
                + " version 1, which previous still points at, returns status PREVIOUS (" + secret.path() + ")");
        assertReads(one, admin(), secret.path(), VersionSelector.alias("previous"),
                () -> "rule: once version 1 is enabled again, previous reads version 1's value");
    }

    @Test
    void disablingTheCurrentVersionFailsWithVersionIsCurrent() {
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_IS_CURRENT,
                () -> manager().disable(admin(), secret.id(), 2),
                () -> "rule: SecretManager.disable of the current version (2 of " + secret.path() + ") fails with"
                        + " VERSION_IS_CURRENT");
        assertStatuses(secret.id(), unchanged("SecretManager.disable of current 2 (VERSION_IS_CURRENT)"), 1, PREVIOUS, 2,
                CURRENT, 3, PENDING);
        assertReads(two, admin(), secret.path(), VersionSelector.current(),
                () -> "rule: a refused SecretManager.disable of current 2 leaves it readable: current reads version 2's value");
    }

    @Test
    void disablingTwiceIsAStateConflict() {
        manager().disable(admin(), secret.id(), 3);
        Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                () -> manager().disable(admin(), secret.id(), 3),
                () -> "rule: SecretManager.disable of an already DISABLED version (3 of " + secret.path() + ") fails with"
                        + " STATE_CONFLICT");
        assertStatuses(secret.id(), unchanged("the second SecretManager.disable of 3 (STATE_CONFLICT)"), 1, PREVIOUS, 2,
                CURRENT, 3, DISABLED);
    }

    @Test
    void enablingAnEnabledVersionIsAStateConflict() {
        Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT,
                () -> manager().enable(admin(), secret.id(), 3),
                () -> "rule: SecretManager.enable of an ENABLED version (pending 3 of " + secret.path() + ") fails with"
                        + " STATE_CONFLICT");
        assertStatuses(secret.id(), unchanged("SecretManager.enable of enabled 3 (STATE_CONFLICT)"), 1, PREVIOUS, 2,
                CURRENT, 3, PENDING);
    }

    @Test
    void destroyedVersionRefusesReadsForGood() {
        SecretVersion destroyed = manager().destroy(admin(), secret.id(), 3);
        assertEquals(VersionState.DESTROYED, destroyed.state(),
                () -> "rule: SecretManager.destroy of pending version 3 of " + secret.path() + " returns state DESTROYED");
        assertEquals(DESTROYED, destroyed.status(),
                () -> "rule: SecretManager.destroy of pending version 3 of " + secret.path() + " returns status DESTROYED");
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> manager().read(admin(), secret.path(), VersionSelector.number(3)),
                () -> "rule: SecretManager.read of DESTROYED version 3 of " + secret.path() + " fails with VERSION_DESTROYED");
        assertReads(two, admin(), secret.path(), VersionSelector.current(),
                () -> "rule: SecretManager.destroy of version 3 leaves current 2 readable");
    }

    @Test
    void destroyingADisabledVersionWorks() {
        manager().disable(admin(), secret.id(), 1);
        assertEquals(DESTROYED, manager().destroy(admin(), secret.id(), 1).status(), () -> "rule: SecretManager.destroy"
                + " of DISABLED version 1 of " + secret.path() + " is allowed and returns status DESTROYED");
        assertStatuses(secret.id(), () -> "rule: SecretManager.destroy of disabled version 1 makes it DESTROYED, the"
                + " others unchanged", 1, DESTROYED, 2, CURRENT, 3, PENDING);
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> manager().read(admin(), secret.path(), VersionSelector.alias("previous")),
                () -> "rule: SecretManager.read through alias previous onto DESTROYED version 1 of " + secret.path()
                        + " fails with VERSION_DESTROYED");
    }

    @Test
    void destroyingTheCurrentVersionFailsWithVersionIsCurrent() {
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_IS_CURRENT,
                () -> manager().destroy(admin(), secret.id(), 2),
                () -> "rule: SecretManager.destroy of the current version (2 of " + secret.path() + ") fails with"
                        + " VERSION_IS_CURRENT");
        assertStatuses(secret.id(), unchanged("SecretManager.destroy of current 2 (VERSION_IS_CURRENT)"), 1, PREVIOUS, 2,
                CURRENT, 3, PENDING);
        assertReads(two, admin(), secret.path(), VersionSelector.current(),
                () -> "rule: a refused SecretManager.destroy of current 2 leaves it readable: current reads version 2's value");
    }

    @Test
    void destroyedVersionCannotBeEnabledDisabledOrDestroyedAgain() {
        manager().destroy(admin(), secret.id(), 3);
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> manager().enable(admin(), secret.id(), 3),
                () -> "rule: DESTROYED is final; SecretManager.enable of destroyed version 3 of " + secret.path()
                        + " fails with VERSION_DESTROYED");
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> manager().disable(admin(), secret.id(), 3),
                () -> "rule: DESTROYED is final; SecretManager.disable of destroyed version 3 of " + secret.path()
                        + " fails with VERSION_DESTROYED");
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> manager().destroy(admin(), secret.id(), 3),
                () -> "rule: DESTROYED is final; SecretManager.destroy of destroyed version 3 of " + secret.path()
                        + " fails with VERSION_DESTROYED");
        assertStatuses(secret.id(), unchanged("enable, disable and destroy of destroyed 3 (VERSION_DESTROYED)"), 1, PREVIOUS,
                2, CURRENT, 3, DESTROYED);
    }

    @Test
    void transitionsOfAnUnknownVersionAreVersionNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().disable(admin(), secret.id(), 4),
                () -> "rule: SecretManager.disable of version 4, never added to " + secret.path() + " (has 1..3), fails"
                        + " with VERSION_NOT_FOUND");
        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().enable(admin(), secret.id(), 4),
                () -> "rule: SecretManager.enable of version 4, never added to " + secret.path() + " (has 1..3), fails"
                        + " with VERSION_NOT_FOUND");
        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().destroy(admin(), secret.id(), 4),
                () -> "rule: SecretManager.destroy of version 4, never added to " + secret.path() + " (has 1..3), fails"
                        + " with VERSION_NOT_FOUND");
        assertStatuses(secret.id(), unchanged("disable, enable and destroy of unknown version 4 (VERSION_NOT_FOUND)"), 1,
                PREVIOUS, 2, CURRENT, 3, PENDING);
    }

    @Test
    void otherVersionsStayReadableAroundTransitions() {
        manager().disable(admin(), secret.id(), 1);
        manager().destroy(admin(), secret.id(), 3);
        assertReads(two, admin(), secret.path(), VersionSelector.current(),
                () -> "rule: SecretManager.disable of 1 and destroy of 3 leave current 2 readable");
        assertReads(two, admin(), secret.path(), VersionSelector.number(2),
                () -> "rule: SecretManager.disable of 1 and destroy of 3 leave version 2 readable by number");
    }
}
