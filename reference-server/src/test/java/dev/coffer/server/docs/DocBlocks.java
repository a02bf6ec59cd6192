package dev.coffer.server.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fenced code blocks of {@code README.md} and {@code docs/**.md}, read the way a Markdown
 * renderer reads them, and refused where a renderer would show something else than the author
 * meant: a fence left open, or a closing fence with text after it (which does not close the block).
 *
 * <p>The convention for blocks that tests treat specially is one HTML comment, invisible when
 * rendered, on the line right before the opening fence:
 * <pre>
 * &lt;!-- doc-test: run --&gt;                                  a shell block run against a real server
 * &lt;!-- doc-test: java members --&gt;                          Java class-body declarations (fields, methods)
 * &lt;!-- doc-test: java given: java.nio.file.Path dir --&gt;   Java statements using variables the reader has
 * </pre>
 */
final class DocBlocks {
    private static final Pattern OPEN = Pattern.compile("^```\\s*([A-Za-z0-9_+-]*)\\s*$");
    private static final Pattern FENCE_WITH_TEXT = Pattern.compile("^```.*\\S.*$");
    private static final Pattern MARKER = Pattern.compile("^<!--\\s*doc-test:\\s*(.*?)\\s*-->\\s*$");

    private DocBlocks() {}

    /** The repository root: the nearest directory upwards that holds {@code mvnw} and {@code README.md}. */
    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("README.md"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }

    /** Every Markdown file the docs consist of, relative to the root: README.md first, then docs/ in path order. */
    static List<Path> files() {
        Path root = repoRoot();
        List<Path> files = new ArrayList<>();
        files.add(Path.of("README.md"));
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).map(root::relativize).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Every block of every file, in reading order. */
    static List<DocBlock> all() {
        List<DocBlock> blocks = new ArrayList<>();
        for (Path file : files()) {
            blocks.addAll(parse(file, read(repoRoot().resolve(file))));
        }
        return blocks;
    }

    /** Every block of {@code language} (the fence's info string). */
    static List<DocBlock> of(String language) {
        return all().stream().filter(b -> b.language().equals(language)).toList();
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The blocks of one file's text.
     *
     * @throws IllegalArgumentException naming the line of a fence that is left open or closed with text after it
     */
    static List<DocBlock> parse(Path file, String markdown) {
        List<DocBlock> blocks = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            Matcher open = OPEN.matcher(lines[i]);
            if (!open.matches()) {
                if (FENCE_WITH_TEXT.matcher(lines[i]).matches() && !lines[i].startsWith("````")) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": a fence with text after its info string");
                }
                i++;
                continue;
            }
            int start = i;
            Optional<String> marker = marker(lines, start);
            StringBuilder text = new StringBuilder();
            i++;
            while (i < lines.length && !lines[i].startsWith("```")) {
                text.append(lines[i]).append('\n');
                i++;
            }
            if (i == lines.length) {
                throw new IllegalArgumentException(file + ":" + (start + 1) + ": the block opened here is never closed");
            }
            if (!lines[i].strip().equals("```")) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": the closing fence has text after it,"
                        + " so it does not close the block opened at line " + (start + 1));
            }
            blocks.add(new DocBlock(file, start + 1, open.group(1), marker, text.toString()));
            i++;
        }
        return blocks;
    }

    private static Optional<String> marker(String[] lines, int fence) {
        if (fence == 0) {
            return Optional.empty();
        }
        Matcher m = MARKER.matcher(lines[fence - 1]);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
