package dev.coffer.server.agent;

import java.util.Locale;

/** What happens to a template's file when one of its secrets is no longer served ({@code on-revoke:}). */
public enum OnRevoke {
    /** The file is deleted. */
    REMOVE,
    /** The file is replaced (atomically) with an empty one. */
    EMPTY;

    /** The word written in the config. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
