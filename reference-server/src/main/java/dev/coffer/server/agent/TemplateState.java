package dev.coffer.server.agent;

import java.util.Locale;

/** Where one template stands, as {@code /health} shows it. */
public enum TemplateState {
    /** Not rendered yet. */
    PENDING,
    /** The file holds the current values. */
    RENDERED,
    /** A secret is no longer served (revoked, or stale past max-stale): the file was removed or emptied. */
    REVOKED,
    /** Rendering or writing failed (e.g. the directory is not writable); retried at the next render. */
    FAILED;

    /** The word /health writes. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
