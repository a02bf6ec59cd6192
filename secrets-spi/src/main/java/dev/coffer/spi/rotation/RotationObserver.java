package dev.coffer.spi.rotation;

import java.time.Duration;

/**
 * Hears what the rotation engine does, for metrics. Called on the engine's threads; must be quick
 * and must not throw. Receives names and codes only, never a value.
 */
public interface RotationObserver {
    /** An observer that ignores everything. */
    RotationObserver NONE = new RotationObserver() { };

    /**
     * A rotator step ran.
     *
     * @param rotator the rotator's name
     * @param step {@code create}, {@code apply}, {@code test}, {@code finish}, {@code retire} or {@code discard}
     * @param took how long the step took
     * @param errorCode {@code null} if it worked, else the reason code it failed with
     */
    default void stepRan(String rotator, String step, Duration took, String errorCode) {
    }

    /** A run ended in {@code state} ({@code FINISHED}, {@code FAILED}, {@code ABANDONED}, {@code CANCELLED}, {@code DISCARDED}). */
    default void runEnded(String rotator, RunState state) {
    }
}
