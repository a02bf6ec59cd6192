package dev.coffer.spi.model;

/**
 * The stored state of a version. The reported {@link VersionStatus} is derived from it and from
 * the aliases.
 *
 * <p>Transitions: {@code ENABLED ⇄ DISABLED}, {@code ENABLED|DISABLED → DESTROYED}. Destroyed is
 * final: value and key material are gone, the number is never reused.
 */
public enum VersionState {
    ENABLED,
    DISABLED,
    DESTROYED
}
