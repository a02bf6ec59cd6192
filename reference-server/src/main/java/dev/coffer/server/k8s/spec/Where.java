package dev.coffer.server.k8s.spec;

import java.util.Objects;

/**
 * Where an element of a delivery spec was written: the file, its line (1-based) and the field's
 * path ({@code managers[1].providers.registry.type}). Every error about the spec names one.
 *
 * @param file the spec file as the user named it
 * @param line the 1-based line, or 0 when unknown (an element the spec left out)
 * @param field the field path from the document's root; empty for the document itself
 */
public record Where(String file, int line, String field) {
    public Where {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(field, "field");
        if (line < 0) {
            throw new IllegalArgumentException("line must not be negative");
        }
    }

    /** The place of {@code child} (a key, or {@code [i]}) under this one, at {@code childLine}. */
    public Where child(String child, int childLine) {
        String path = child.startsWith("[") || field.isEmpty() ? field + child : field + "." + child;
        return new Where(file, childLine, path);
    }

    /** {@code spec.yaml:12: managers[0].name} (the line left out when unknown). */
    @Override
    public String toString() {
        String at = line > 0 ? file + ":" + line : file;
        return field.isEmpty() ? at : at + ": " + field;
    }
}
