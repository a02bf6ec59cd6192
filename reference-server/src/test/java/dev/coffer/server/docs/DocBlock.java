package dev.coffer.server.docs;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One fenced code block of the documentation.
 *
 * @param file the Markdown file, relative to the repository root ({@code README.md}, {@code docs/cli.md})
 * @param line the line of the opening fence, counted from 1
 * @param language the fence's info string ({@code java}, {@code bash}, ...), empty when none
 * @param marker what the {@code <!-- doc-test: ... -->} line right before the fence says, if there is one
 * @param text the block's lines, without the fences
 */
record DocBlock(Path file, int line, String language, Optional<String> marker, String text) {

    /** Whether the marker asks for the block to be run ({@code <!-- doc-test: run -->}). */
    boolean runnable() {
        return marker.map(m -> m.equals("run")).orElse(false);
    }

    /** Where the block is, as a reader finds it: {@code docs/cli.md:42}. */
    String where() {
        return file.toString().replace('\\', '/') + ":" + line;
    }

    @Override
    public String toString() {
        return where() + " (" + (language.isEmpty() ? "plain" : language) + ")";
    }
}
