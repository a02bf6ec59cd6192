package dev.coffer.server.agent;

import java.util.Locale;

/** How a template's secrets become the file's bytes ({@code format:} in the config). */
public enum Format {
    /** Exactly one secret ({@code secret:}), its value as it is. */
    RAW,
    /** {@code NAME="value"} lines, sorted by name, double-quoted and escaped. */
    ENV,
    /** A {@code .properties} file (java.util.Properties), sorted, without the date comment. */
    PROPERTIES,
    /** A JSON object of name to string, sorted by name. */
    JSON,
    /** A Mustache template ({@code template:} or {@code template-file:}); no HTML escaping. */
    TEMPLATE;

    /** The word written in the config. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
