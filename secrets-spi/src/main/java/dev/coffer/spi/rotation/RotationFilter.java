package dev.coffer.spi.rotation;

/**
 * Which rotation statuses a listing returns.
 *
 * @param state only secrets whose latest run is in this state, or {@code null} for any
 * @param overdueOnly only overdue secrets
 */
public record RotationFilter(RunState state, boolean overdueOnly) {
    /** Every secret with a rotation policy. */
    public static RotationFilter all() {
        return new RotationFilter(null, false);
    }

    /** Only overdue secrets. */
    public static RotationFilter overdue() {
        return new RotationFilter(null, true);
    }
}
