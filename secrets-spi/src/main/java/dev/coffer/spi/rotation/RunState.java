package dev.coffer.spi.rotation;

/**
 * Where a rotation run stands. The open states name the last step done; the engine resumes an open
 * run with the step after it. Terminal states never change again (a finished run may still have its
 * old version's retirement pending, see {@link RotationRun#retireAt()}).
 */
public enum RunState {
    /** Opened; no value created yet. */
    STARTED,
    /** The pending value is stored as a PENDING version and alias {@code next} points at it. */
    CREATED,
    /** The system downstream accepts the pending value. */
    APPLIED,
    /** The pending value was tested (a login with it worked). */
    TESTED,
    /** The pending version is readable as {@code next} until {@link RotationRun#canaryUntil()}, before promotion. */
    CANARY,
    /** {@code current} points at the pending version; the rotator's {@code finish} is still to run. */
    PROMOTED,
    /** Rotated: the new version is current. Terminal. */
    FINISHED,
    /** Given up after its retries or its window. Terminal; the error code stays on the run. */
    FAILED,
    /** Someone else moved {@code current} while the run was open. Terminal. */
    ABANDONED,
    /** Cancelled on request. Terminal. */
    CANCELLED,
    /** A test-only run that created, applied and tested a value, then discarded it. Terminal. */
    DISCARDED;

    /** Whether the run still has steps to do; at most one open run exists per secret. */
    public boolean isOpen() {
        return switch (this) {
            case STARTED, CREATED, APPLIED, TESTED, CANARY, PROMOTED -> true;
            default -> false;
        };
    }
}
