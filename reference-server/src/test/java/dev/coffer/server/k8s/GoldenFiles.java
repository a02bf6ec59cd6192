package dev.coffer.server.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one way tests compare output with a golden file: {@code -Dcoffer.golden.write=true}
 * rewrites the file with what the code produces now (review the diff before committing), otherwise
 * the text must be equal.
 *
 * <pre>{@code
 * GoldenFiles.assertMatches(dir.resolve("expected.yaml"), Manifests.yaml(objects));
 * }</pre>
 */
public final class GoldenFiles {
    /** The system property that rewrites golden files instead of comparing them. */
    public static final String WRITE = "coffer.golden.write";

    private GoldenFiles() {}

    /** Whether this run rewrites golden files. */
    public static boolean writing() {
        return Boolean.getBoolean(WRITE);
    }

    /** Asserts {@code actual} equals {@code golden}'s text, or writes it there when {@link #writing()}. */
    public static void assertMatches(Path golden, String actual) {
        try {
            if (writing()) {
                Files.createDirectories(golden.toAbsolutePath().getParent());
                Files.writeString(golden, actual);
            }
            if (!Files.exists(golden)) {
                throw new AssertionError(golden + " does not exist; create it with -D" + WRITE + "=true and review it");
            }
            assertEquals(Files.readString(golden), actual, golden + " differs: regenerate with -D" + WRITE + "=true and review the diff");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
