package dev.coffer.spi.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RotationRunTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private static RotationRun run(RunState state, boolean testOnly) {
        return RotationRun.started("rot_abc", "acme", "sec_x", "generated", "user:alice", T0).state(state).testOnly(testOnly).build();
    }

    @ParameterizedTest(name = "{0} (test-only {1}) → {2}")
    @CsvSource({
        "STARTED,false,create", "CREATED,false,apply", "APPLIED,false,test", "TESTED,false,promote",
        "CANARY,false,promote", "PROMOTED,false,finish", "TESTED,true,discard", "CANARY,true,discard"})
    void theNextStepFollowsTheState(RunState state, boolean testOnly, String step) {
        assertEquals(Optional.of(step), run(state, testOnly).step());
    }

    @Test
    void aCancelRequestedOnAnOpenRunIsCarriedOutByDiscard() {
        assertEquals(Optional.of("discard"), run(RunState.APPLIED, false).toBuilder().cancelRequested(true).build().step());
    }

    @Test
    void anEndedRunHasNoStepUnlessItsRetirementIsPending() {
        RotationRun finished = run(RunState.FINISHED, false).toBuilder().fromVersion(1).retireAt(T0).build();
        assertEquals(Optional.of("retire"), finished.step());
        assertTrue(finished.retirementPending());
        assertEquals(Optional.empty(), finished.toBuilder().retiredAt(T0).build().step());
        for (RunState ended : new RunState[] {RunState.FAILED, RunState.ABANDONED, RunState.CANCELLED, RunState.DISCARDED}) {
            assertEquals(Optional.empty(), run(ended, false).step(), ended.name());
            assertFalse(ended.isOpen(), ended.name());
        }
    }

    @Test
    void nextBumpsTheRevisionAndStampsTheUpdate() {
        RotationRun first = run(RunState.STARTED, false);
        RotationRun second = first.toBuilder().state(RunState.CREATED).pendingVersion(2).next(T0.plusSeconds(5));
        assertEquals(first.revision() + 1, second.revision());
        assertEquals(T0.plusSeconds(5), second.updatedAt());
        assertEquals(T0, second.startedAt());
    }

    @Test
    void malformedIdsAndCodesAreRefused() {
        assertThrows(RuntimeException.class, () -> RotationRun.started("run-1", "acme", "sec_x", "generated", "user:a", T0).build());
        assertThrows(IllegalArgumentException.class,
                () -> run(RunState.STARTED, false).toBuilder().lastErrorCode("not a code").build());
    }
}
