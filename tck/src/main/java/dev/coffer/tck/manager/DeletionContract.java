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

    @Test
    void defaultRecoveryWindowIsThirtyDays() {
        Instant before = fixture().clock().map(MutableClock::instant).orElse(Instant.now().truncatedTo(ChronoUnit.MICROS));
        Secret scheduled = manager().scheduleDeletion(admin(), secret.id());

        assertTrue(scheduled.isPendingDeletion());
        if (fixture().clock().isPresent()) {
            assertEquals(before.plus(Duration.ofDays(SecretManager.DEFAULT_RECOVERY_WINDOW_DAYS)), scheduled.deletionScheduledAt());
        } else {
            Duration window = Duration.between(before, scheduled.deletionScheduledAt());
            assertTrue(window.compareTo(Duration.ofDays(29)) > 0 && window.compareTo(Duration.ofDays(31)) < 0,
                    () -> "deletion scheduled " + window + " ahead, expected 30 days");
        }
        assertEquals(scheduled.deletionScheduledAt(), manager().describe(admin(), secret.id()).secret().deletionScheduledAt());
    }

    @Test
    void explicitRecoveryWindowIsHonoured() {
        MutableClock clock = clock();
        Secret scheduled = manager().scheduleDeletion(admin(), secret.id(), 7);
        assertEquals(clock.instant().plus(Duration.ofDays(7)), scheduled.deletionScheduledAt());
    }

    @ParameterizedTest(name = "window of {0} days")
    @ValueSource(ints = {6, 31, 0, -1})
    void recoveryWindowOutsideSevenToThirtyDaysIsInvalidAndChangesNothing(int days) {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> manager().scheduleDeletion(admin(), secret.id(), days));
        assertFalse(manager().describe(admin(), secret.id()).secret().isPendingDeletion());
        assertEquals(value, readCurrent(secret.path()));
    }

    @Test
    void readsOfAPendingSecretFail() {
        manager().scheduleDeletion(admin(), secret.id());
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_PENDING_DELETION,
                () -> manager().read(admin(), secret.path(), VersionSelector.current()));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_PENDING_DELETION,
                () -> manager().read(admin(), secret.path(), VersionSelector.number(1)));
    }

    @Test
    void changesToAPendingSecretFail() {
        manager().scheduleDeletion(admin(), secret.id());
        String id = secret.id();
        ErrorCode pending = ErrorCode.SECRET_PENDING_DELETION;
        Expect.thrown(NotFoundException.class, pending, () -> addCurrent(id, TestValues.text()));
        Expect.thrown(NotFoundException.class, pending, () -> manager().update(admin(), id, SecretUpdate.none().withDescription("x")));
        Expect.thrown(NotFoundException.class, pending, () -> manager().promote(admin(), id, 2, OptionalInt.of(1)));
        Expect.thrown(NotFoundException.class, pending, () -> manager().disable(admin(), id, 2));
        Expect.thrown(NotFoundException.class, pending, () -> manager().enable(admin(), id, 2));
        Expect.thrown(NotFoundException.class, pending, () -> manager().destroy(admin(), id, 2));
        Expect.thrown(NotFoundException.class, pending, () -> manager().scheduleDeletion(admin(), id, 7));

        assertStatuses(id, 1, VersionStatus.CURRENT, 2, VersionStatus.PENDING);
    }

    @Test
    void pendingSecretIsStillDescribedAndListed() {
        Secret scheduled = manager().scheduleDeletion(admin(), secret.id());
        assertEquals(scheduled, manager().describe(admin(), secret.id()).secret());
        assertEquals(2, manager().versions(admin(), secret.id()).size());
        assertEquals(1, manager().list(admin(), SecretFilter.all(), PageRequest.first()).items().size());
    }

    @Test
    void pathOfAPendingSecretIsStillTaken() {
        manager().scheduleDeletion(admin(), secret.id());
        Expect.thrown(ConflictException.class, ErrorCode.SECRET_EXISTS, () -> createSecret("prod/deletion/db"));
    }

    @Test
    void restoreMakesTheSecretReadableAgain() {
        manager().scheduleDeletion(admin(), secret.id());
        Secret restored = manager().restore(admin(), secret.id());

        assertFalse(restored.isPendingDeletion());
        assertNull(restored.deletionScheduledAt());
        assertEquals(value, readCurrent(secret.path()));
        assertStatuses(secret.id(), 1, VersionStatus.CURRENT, 2, VersionStatus.PENDING);
    }

    @Test
    void restoringASecretThatIsNotPendingFails() {
        Expect.thrown(ConflictException.class, ErrorCode.SECRET_NOT_PENDING_DELETION,
                () -> manager().restore(admin(), secret.id()));
    }

    @Test
    void purgingASecretThatIsNotPendingFails() {
        requirePurge();
        Expect.thrown(ConflictException.class, ErrorCode.SECRET_NOT_PENDING_DELETION,
                () -> manager().purge(admin(), secret.id()));
        assertEquals(value, readCurrent(secret.path()));
    }

    @Test
    void purgingInsideTheRecoveryWindowFails() {
        requirePurge();
        manager().scheduleDeletion(admin(), secret.id(), 7);
        Expect.thrown(ConflictException.class, ErrorCode.RECOVERY_WINDOW_OPEN,
                () -> manager().purge(admin(), secret.id()));
        assertTrue(manager().describe(admin(), secret.id()).secret().isPendingDeletion());
        manager().restore(admin(), secret.id());
        assertEquals(value, readCurrent(secret.path()));
    }

    @Test
    void purgingOneMicrosecondBeforeTheWindowEndsFails() {
        requirePurge();
        MutableClock clock = clock();
        Secret scheduled = manager().scheduleDeletion(admin(), secret.id(), 7);
        clock.set(scheduled.deletionScheduledAt().minus(1, ChronoUnit.MICROS));
        Expect.thrown(ConflictException.class, ErrorCode.RECOVERY_WINDOW_OPEN,
                () -> manager().purge(admin(), secret.id()));
        assertTrue(manager().describe(admin(), secret.id()).secret().isPendingDeletion());
    }

    @Test
    void purgingWhenTheWindowEndsRemovesTheSecretAndFreesThePath() {
        requirePurge();
        MutableClock clock = clock();
        Secret scheduled = manager().scheduleDeletion(admin(), secret.id(), 7);
        clock.set(scheduled.deletionScheduledAt());

        manager().purge(admin(), secret.id());

        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), secret.id()));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().read(admin(), secret.path(), VersionSelector.current()));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().purge(admin(), secret.id()));

        Secret again = createSecret("prod/deletion/db");
        assertNotEquals(secret.id(), again.id());
        String fresh = TestValues.text();
        assertEquals(1, addCurrent(again.id(), fresh).number());
        assertEquals(fresh, readCurrent(again.path()));
    }

    @Test
    void purgingAfterTheDefaultWindowRemovesTheSecret() {
        requirePurge();
        MutableClock clock = clock();
        manager().scheduleDeletion(admin(), secret.id());
        clock.advance(Duration.ofDays(30).plusSeconds(1));
        manager().purge(admin(), secret.id());
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), secret.path()));
        assertTrue(manager().list(admin(), SecretFilter.all(), PageRequest.first()).items().isEmpty());
    }
}
