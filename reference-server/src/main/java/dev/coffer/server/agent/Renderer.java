package dev.coffer.server.agent;

import java.util.Map;

/**
 * Turns a template's values (name to value) into the file's bytes; see {@link Renderers#of}.
 * The same values always give the same bytes, so "unchanged" is a byte comparison.
 */
@FunctionalInterface
public interface Renderer {
    /**
     * The content for {@code values}, which hold every declared name.
     *
     * @throws RenderException when a template uses a name that is not declared
     */
    byte[] render(Map<String, String> values);

    /** Renders once with placeholder values, so a broken template fails when the config loads. */
    default void check() {
        render(Map.of());
    }
}
