package dev.coffer.server.api.dto;

import dev.coffer.server.internal.Instants;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.rotation.RunState;

/**
 * One rotation run: version numbers, times and codes, never a value.
 *
 * @param id {@code rot_...}
 * @param state the last step done, or how the run ended ({@link RunState})
 * @param step the step the engine does next while the run is open ({@code create}, {@code apply},
 *     {@code test}, {@code canary}, {@code promote}, {@code finish}), absent once it ended
 * @param testOnly whether the run discards its value instead of promoting it
 * @param cancelRequested whether a cancel was asked and is still to be carried out
 * @param rotator the rotator's name when the run opened
 * @param fromVersion the version {@code current} pointed at when the run opened
 * @param pendingVersion the PENDING version holding the new value, once created
 * @param attempt how many attempts have failed
 * @param lastErrorCode the reason code of the latest failure ({@code LOGIN_REFUSED}, ...)
 * @param nextAttemptAt when the engine next acts on it
 * @param windowEndsAt after this a failed attempt is not retried
 * @param canaryUntil when a canary run may be promoted
 * @param startedBy who opened it ({@code service:coffer:rotation} on schedule)
 * @param startedAt when it opened
 * @param updatedAt when it last changed
 * @param finishedAt when it ended
 * @param retireAt when the old version's overlap ends
 * @param retiredAt when the old version was disabled and retired
 */
public record RotationRunBody(String id, String state, String step, boolean testOnly, boolean cancelRequested, String rotator,
        Integer fromVersion, Integer pendingVersion, int attempt, String lastErrorCode, String nextAttemptAt, String windowEndsAt,
        String canaryUntil, String startedBy, String startedAt, String updatedAt, String finishedAt, String retireAt,
        String retiredAt) {

    /** The body of {@code r}, or {@code null}. */
    public static RotationRunBody from(RotationRun r) {
        if (r == null) {
            return null;
        }
        return new RotationRunBody(r.id(), r.state().name(), nextStep(r), r.testOnly(), r.cancelRequested(), r.rotator(),
                r.fromVersion(), r.pendingVersion(), r.attempt(), r.lastErrorCode(), Instants.format(r.nextAttemptAt()),
                Instants.format(r.windowEndsAt()), Instants.format(r.canaryUntil()), r.startedBy(), Instants.format(r.startedAt()),
                Instants.format(r.updatedAt()), Instants.format(r.finishedAt()), Instants.format(r.retireAt()),
                Instants.format(r.retiredAt()));
    }

    /** The step after the run's state: what an operator watching a stuck run wants to know. */
    static String nextStep(RotationRun r) {
        return switch (r.state()) {
            case STARTED -> "create";
            case CREATED -> "apply";
            case APPLIED -> "test";
            case TESTED -> r.testOnly() ? "discard" : r.canaryUntil() != null ? "canary" : "promote";
            case CANARY -> "promote";
            case PROMOTED -> "finish";
            default -> null;
        };
    }
}
