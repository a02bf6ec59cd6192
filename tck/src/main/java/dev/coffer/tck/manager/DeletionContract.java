package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scheduled deletion with a recovery window, restore and purge. Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class DeletionContract extends ManagerContractBase {
    private Secret secret;
    private String value;

    @BeforeEach
    void secretWithACurrentVersion() {
        secret = createSecret("prod/deletion/db");
        value = TestValues.text();
        addCurrent(secret.id(), value);
        addPending(secret.id(), TestValues.text());
    }

    /** Asserts the admin reads the value of version 1 as current; the value is never shown. */
    private void assertCurrentValueKept(Supplier<String> rule) {
        assertSameValue(value, readCurrent(secret.path()),
                () -> rule.get() + "; SecretManager.read(" + secret.path() + ", current) must return version 1's value");
    }

    @Test
    void defaultRecoveryWindowIsThirtyDays() {
        Instant before = fixture().clock().map(MutableClock::instant).orElse(Instant.now().truncatedTo(ChronoUnit.MICROS));
        Secret scheduled = manager().scheduleDeletion(admin(), secret.id());
        String call = "SecretManager.scheduleDeletion(" + secret.path() + ") without a window, at " + before;

        assertTrue(scheduled.isPendingDeletion(), () -> "rule: " + call + " returns the secret pending deletion");
        if (fixture().clock().isPresent()) {
            assertEquals(before.plus(Duration.ofDays(SecretManager.DEFAULT_RECOVERY_WINDOW_DAYS)), scheduled.deletionScheduledAt(),
                    () -> "rule: the default recovery window is " + SecretManager.DEFAULT_RECOVERY_WINDOW_DAYS
                            + " days; " + call + " schedules deletionScheduledAt that far ahead");
        } else {
            Duration window = Duration.between(before, scheduled.deletionScheduledAt());
            assertTrue(window.compareTo(Duration.ofDays(29)) > 0 && window.compareTo(Duration.ofDays(31)) < 0,
                    () -> "rule: the default recovery window is " + SecretManager.DEFAULT_RECOVERY_WINDOW_DAYS
                            + " days; " + call + " scheduled deletion " + window + " ahead");
        }
        assertEquals(scheduled.deletionScheduledAt(), manager().describe(admin(), secret.id()).secret().deletionScheduledAt(),
                () -> "rule: SecretManager.describe shows the deletionScheduledAt that " + call + " returned");
    }

    @Test
    void explicitRecoveryWindowIsHonoured() {
        MutableClock clock = clock();
        Secret scheduled = manager().scheduleDeletion(admin(), secret.id(), 7);
        assertEquals(clock.instant().plus(Duration.ofDays(7)), scheduled.deletionScheduledAt(),
                () -> "rule: SecretManager.scheduleDeletion(" + secret.path() + ", 7 days) at " + clock.instant()
                        + " schedules deletionScheduledAt 7 days ahead");
    }

    @ParameterizedTest(name = "window of {0} days")
    @ValueSource(ints = {6, 31, 0, -1})
    void recoveryWindowOutsideSevenToThirtyDaysIsInvalidAndChangesNothing(int days) {
        String call = "SecretManager.scheduleDeletion(" + secret.path() + ", " + days + " days)";
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> manager().scheduleDeletion(admin(), secret.id(), days),
                () -> "rule: the recovery window is 7 to 30 days; " + call + " fails with INVALID_ARGUMENT");
        assertFalse(manager().describe(admin(), secret.id()).secret().isPendingDeletion(),
                () -> "rule: a refused " + call + " leaves the secret not pending deletion (SecretManager.describe)");
        assertCurrentValueKept(() -> "rule: a refused " + call + " changes nothing");
    }

    @Test
    void readsOfAPendingSecretFail() {
        manager().scheduleDeletion(admin(), secret.id());
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_PENDING_DELETION,
                () -> manager().read(admin(), secret.path(), VersionSelector.current()),
                () -> "rule: a secret pending deletion cannot be read; SecretManager.read(" + secret.path()
                        + ", current) fails with SECRET_PENDING_DELETION");
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_PENDING_DELETION,
                () -> manager().read(admin(), secret.path(), VersionSelector.number(1)),
                () -> "rule: a secret pending deletion cannot be read; SecretManager.read(" + secret.path()
                        + ", version 1) fails with SECRET_PENDING_DELETION");
    }

    @Test
    void changesToAPendingSecretFail() {
        manager().scheduleDeletion(admin(), secret.id());
        String id = secret.id();
        ErrorCode pending = ErrorCode.SECRET_PENDING_DELETION;
        String rule = "rule: a secret pending deletion cannot be changed; the call fails with SECRET_PENDING_DELETION: SecretManager.";
        String on = " on " + secret.path();
        Expect.thrown(NotFoundException.class, pending, () -> addCurrent(id, TestValues.text()),
                () -> rule + "addVersion(CURRENT)" + on);
        Expect.thrown(NotFoundException.class, pending, () -> manager().update(admin(), id, SecretUpdate.none().withDescription("x")),
                () -> rule + "update(description)" + on);
        Expect.thrown(NotFoundException.class, pending, () -> manager().promote(admin(), id, 2, OptionalInt.of(1)),
                () -> rule + "promote(to 2, expected 1)" + on);
        Expect.thrown(NotFoundException.class, pending, () -> manager().disable(admin(), id, 2),
                () -> rule + "disable(2)" + on);
        Expect.thrown(NotFoundException.class, pending, () -> manager().enable(admin(), id, 2),
                () -> rule + "enable(2)" + on);
        Expect.thrown(NotFoundException.class, pending, () -> manager().destroy(admin(), id, 2),
                () -> rule + "destroy(2)" + on);
        Expect.thrown(NotFoundException.class, pending, () -> manager().scheduleDeletion(admin(), id, 7),
                () -> rule + "scheduleDeletion(7 days), a second time," + on);

        assertStatuses(id,
                () -> "rule: refused changes to a secret pending deletion leave its versions as they were (1 CURRENT,"
                        + " 2 PENDING; " + secret.path() + ")",
                1, VersionStatus.CURRENT, 2, VersionStatus.PENDING);
    }

    @Test
    void pendingSecretIsStillDescribedAndListed() {
        Secret scheduled = manager().scheduleDeletion(admin(), secret.id());
        String pending = secret.path() + ", pending deletion";
        assertEquals(scheduled, manager().describe(admin(), secret.id()).secret(),
                () -> "rule: SecretManager.describe of a secret pending deletion returns it as scheduleDeletion did (" + pending
                        + ")");
        assertEquals(2, manager().versions(admin(), secret.id()).size(),
                () -> "rule: SecretManager.versions of a secret pending deletion lists its 2 versions (" + pending + ")");
        assertEquals(1, manager().list(admin(), SecretFilter.all(), PageRequest.first()).items().size(),
                () -> "rule: SecretManager.list still lists a secret pending deletion (" + pending + ", the only secret)");
    }

    @Test
    void pathOfAPendingSecretIsStillTaken() {
        manager().scheduleDeletion(admin(), secret.id());
        Expect.thrown(ConflictException.class, ErrorCode.SECRET_EXISTS, () -> createSecret("prod/deletion/db"),
                () -> "rule: the path of a secret pending deletion is still taken; SecretManager.create(" + secret.path()
                        + ") fails with SECRET_EXISTS");
    }

    @Test
    void restoreMakesTheSecretReadableAgain() {
        manager().scheduleDeletion(admin(), secret.id());
        Secret restored = manager().restore(admin(), secret.id());
        String call = "SecretManager.restore(" + secret.path() + ") after scheduleDeletion";

        assertFalse(restored.isPendingDeletion(), () -> "rule: " + call + " returns the secret not pending deletion");
        assertNull(restored.deletionScheduledAt(), () -> "rule: " + call + " clears deletionScheduledAt");
        assertCurrentValueKept(() -> "rule: " + call + " makes the secret readable again");
        assertStatuses(secret.id(),
                () -> "rule: " + call + " keeps the versions as they were (1 CURRENT, 2 PENDING)",
                1, VersionStatus.CURRENT, 2, VersionStatus.PENDING);
    }

    @Test
    void restoringASecretThatIsNotPendingFails() {
        Expect.thrown(ConflictException.class, ErrorCode.SECRET_NOT_PENDING_DELETION,
                () -> manager().restore(admin(), secret.id()),
                () -> "rule: SecretManager.restore of a secret not pending deletion fails with SECRET_NOT_PENDING_DELETION ("
                        + secret.path() + ")");
    }

    @Test
    void purgingASecretThatIsNotPendingFails() {
        requirePurge();
        Expect.thrown(ConflictException.class, ErrorCode.SECRET_NOT_PENDING_DELETION,
                () -> manager().purge(admin(), secret.id()),
                () -> "rule: SecretManager.purge of a secret not pending deletion fails with SECRET_NOT_PENDING_DELETION ("
                        + secret.path() + ")");
        assertCurrentValueKept(() -> "rule: a refused SecretManager.purge changes nothing");
    }

    @Test
    void purgingInsideTheRecoveryWindowFails() {
        requirePurge();
        manager().scheduleDeletion(admin(), secret.id(), 7);
        String call = "SecretManager.purge(" + secret.path() + ") right after scheduleDeletion(7 days)";
        Expect.thrown(ConflictException.class, ErrorCode.RECOVERY_WINDOW_OPEN,
                () -> manager().purge(admin(), secret.id()),
                () -> "rule: purge inside the recovery window fails with RECOVERY_WINDOW_OPEN: " + call);
        assertTrue(manager().describe(admin(), secret.id()).secret().isPendingDeletion(),
                () -> "rule: a refused " + call + " leaves the secret pending deletion (SecretManager.describe)");
        manager().restore(admin(), secret.id());
        assertCurrentValueKept(() -> "rule: a refused " + call + " destroys nothing; after restore the value reads again");
    }

    @Test
    void purgingOneMicrosecondBeforeTheWindowEndsFails() {
        requirePurge();
        MutableClock clock = clock();
        Secret scheduled = manager().scheduleDeletion(admin(), secret.id(), 7);
        clock.set(scheduled.deletionScheduledAt().minus(1, ChronoUnit.MICROS));
        String call = "SecretManager.purge(" + secret.path() + ") at " + clock.instant() + ", 1 microsecond before"
                + " deletionScheduledAt " + scheduled.deletionScheduledAt();
        Expect.thrown(ConflictException.class, ErrorCode.RECOVERY_WINDOW_OPEN,
                () -> manager().purge(admin(), secret.id()),
                () -> "rule: the recovery window is open until deletionScheduledAt; RECOVERY_WINDOW_OPEN: " + call);
        assertTrue(manager().describe(admin(), secret.id()).secret().isPendingDeletion(),
                () -> "rule: a refused " + call + " leaves the secret pending deletion (SecretManager.describe)");
    }

    @Test
    void purgingWhenTheWindowEndsRemovesTheSecretAndFreesThePath() {
        requirePurge();
        MutableClock clock = clock();
        Secret scheduled = manager().scheduleDeletion(admin(), secret.id(), 7);
        clock.set(scheduled.deletionScheduledAt());

        manager().purge(admin(), secret.id());
        String purged = "SecretManager.purge(" + secret.path() + ", " + secret.id() + ") at deletionScheduledAt "
                + scheduled.deletionScheduledAt();

        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), secret.id()),
                () -> "rule: after " + purged + ", SecretManager.describe of its id fails with SECRET_NOT_FOUND");
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().read(admin(), secret.path(), VersionSelector.current()),
                () -> "rule: after " + purged + ", SecretManager.read of its path fails with SECRET_NOT_FOUND");
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().purge(admin(), secret.id()),
                () -> "rule: after " + purged + ", a second SecretManager.purge fails with SECRET_NOT_FOUND");

        Secret again = createSecret("prod/deletion/db");
        assertNotEquals(secret.id(), again.id(),
                () -> "rule: a secret created on a purged path gets a new id (purged " + secret.id() + ", " + purged + ")");
        String fresh = TestValues.text();
        assertEquals(1, addCurrent(again.id(), fresh).number(),
                () -> "rule: a secret created on a purged path starts its versions at 1 (" + again.path() + ", "
                        + again.id() + ")");
        assertSameValue(fresh, readCurrent(again.path()),
                () -> "rule: SecretManager.read(" + again.path() + ", current) of the secret created on the purged path"
                        + " returns its own new value, not the purged one");
    }

    @Test
    void purgingAfterTheDefaultWindowRemovesTheSecret() {
        requirePurge();
        MutableClock clock = clock();
        manager().scheduleDeletion(admin(), secret.id());
        clock.advance(Duration.ofDays(30).plusSeconds(1));
        manager().purge(admin(), secret.id());
        String purged = "SecretManager.purge(" + secret.path() + ") 30 days and 1 second after scheduleDeletion without a"
                + " window";
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), secret.path()),
                () -> "rule: after " + purged + ", SecretManager.describe of its path fails with SECRET_NOT_FOUND");
        assertTrue(manager().list(admin(), SecretFilter.all(), PageRequest.first()).items().isEmpty(),
                () -> "rule: after " + purged + ", SecretManager.list no longer lists it (it was the only secret)");
    }
}
