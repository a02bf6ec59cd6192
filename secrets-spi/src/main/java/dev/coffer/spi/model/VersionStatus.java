package dev.coffer.spi.model;

/**
 * The status a version is reported with. Never stored: {@link #derive} computes it from the
 * version's state and the secret's aliases, so there is one source of truth.
 */
public enum VersionStatus {
    /** Enabled and the target of alias {@code current}. */
    CURRENT,
    /** Enabled and the target of alias {@code previous}. */
    PREVIOUS,
    /** Enabled and neither current nor previous: staged for a canary or a later promote. */
    PENDING,
    /** Disabled: refuses reads. */
    DISABLED,
    /** Destroyed: value and key material gone. */
    DESTROYED;

    /** DESTROYED/DISABLED from the state, else CURRENT, PREVIOUS or PENDING from the aliases. */
    public static VersionStatus derive(VersionState state, int number, Aliases aliases) {
        switch (state) {
            case DESTROYED:
                return DESTROYED;
            case DISABLED:
                return DISABLED;
            default:
                if (aliases.pointsAt(Aliases.CURRENT, number)) {
                    return CURRENT;
                }
                if (aliases.pointsAt(Aliases.PREVIOUS, number)) {
                    return PREVIOUS;
                }
                return PENDING;
        }
    }
}
