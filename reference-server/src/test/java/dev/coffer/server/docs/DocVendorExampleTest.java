package dev.coffer.server.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vendor's start in docs/implementing-the-spi.md shows the files of the example project
 * {@code examples/vendor-store} (which the reactor builds and runs the TCK on), each block marked
 * {@code <!-- doc-test: file <path> -->}: every such block is that file byte for byte, and every
 * file of the example is shown, so the page and the project cannot drift apart. The Java files
 * among them are also compiled from the page by {@link DocExamplesTest}.
 */
class DocVendorExampleTest {
    private static final String MARKER = "file ";
    private static final Path EXAMPLE = Path.of("examples", "vendor-store");

    @TestFactory
    Stream<DynamicTest> everyFileBlockIsTheFileItNames() {
        List<DocBlock> shown = fileBlocks();
        assertFalse(shown.isEmpty(), "the docs show files of the example project");
        return shown.stream().map(b -> DynamicTest.dynamicTest(b.where(),
                () -> drift(b, DocBlocks.repoRoot()).ifPresent(d -> { throw new AssertionError(d); })));
    }

    @Test
    void everyFileOfTheVendorExampleIsShownInTheDocs() throws IOException {
        Path root = DocBlocks.repoRoot();
        Set<Path> shown = fileBlocks().stream().map(DocVendorExampleTest::named).collect(Collectors.toSet());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root.resolve(EXAMPLE))) {
            files = walk.filter(Files::isRegularFile).map(root::relativize)
                    .filter(p -> !p.startsWith(EXAMPLE.resolve("target")))
                    .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".xml"))
                    .sorted().toList();
        }
        assertTrue(files.contains(EXAMPLE.resolve("pom.xml")), "the example project has a pom.xml: " + files);
        List<Path> missing = files.stream().filter(f -> !shown.contains(f)).toList();
        assertTrue(missing.isEmpty(), "files of the example project no docs block shows (mark one with"
                + " <!-- doc-test: file <path> -->): " + missing);
    }

    /** The example has no Coffer parent, so it names Coffer's version itself: the one the reactor builds. */
    @Test
    void theExampleDependsOnTheCofferVersionTheReactorBuilds() {
        Path root = DocBlocks.repoRoot();
        String parent = DocBlocks.read(root.resolve("pom.xml"));
        Matcher built = Pattern.compile("<artifactId>coffer-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(parent);
        Matcher named = Pattern.compile("<coffer.version>([^<]+)</coffer.version>")
                .matcher(DocBlocks.read(root.resolve(EXAMPLE.resolve("pom.xml"))));
        assertTrue(built.find(), "the root pom names its version");
        assertTrue(named.find(), "the example's pom sets coffer.version");
        assertEquals(built.group(1), named.group(1), "examples/vendor-store/pom.xml's coffer.version");
    }

    @Test
    void aBlockThatDiffersFromItsFileIsReportedWithTheFirstDifferentLine(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("Store.java"), "package a;\nclass Store {}\n", StandardCharsets.UTF_8);
        List<DocBlock> blocks = DocBlocks.parse(Path.of("x.md"),
                "<!-- doc-test: file Store.java -->\n```java\npackage a;\nclass Shop {}\n```\n"
                        + "<!-- doc-test: file Store.java -->\n```java\npackage a;\nclass Store {}\n```\n"
                        + "<!-- doc-test: file Gone.java -->\n```java\nclass Gone {}\n```\n");
        assertEquals(Optional.of("x.md:2 shows Store.java, but line 2 differs: the file has 'class Store {}', the block"
                + " 'class Shop {}'"), drift(blocks.get(0), root));
        assertEquals(Optional.empty(), drift(blocks.get(1), root));
        assertEquals(Optional.of("x.md:12 shows Gone.java, which does not exist"), drift(blocks.get(2), root));
    }

    @Test
    void aJavaBlockThatIsAWholeFileKeepsItsPackage() {
        DocBlock file = DocBlocks.parse(Path.of("x.md"), "```java\npackage com.example.shop;\n\nclass Shop {}\n```\n").get(0);
        JavaSnippet snippet = JavaSnippet.of(file, 7);
        assertEquals("com.example.shop", snippet.packageName());
        assertEquals(file.text(), snippet.source());
        assertEquals(3, snippet.docLine(2), "the fence is line 1 of the page, so line 2 of the file is its line 3");
    }

    private static List<DocBlock> fileBlocks() {
        return DocBlocks.all().stream().filter(b -> b.marker().map(m -> m.startsWith(MARKER)).orElse(false)).toList();
    }

    private static Path named(DocBlock block) {
        return Path.of(block.marker().orElseThrow().substring(MARKER.length()).strip());
    }

    /** How {@code block} differs from the file its marker names, under {@code root}; empty if it is that file. */
    static Optional<String> drift(DocBlock block, Path root) {
        Path name = named(block);
        Path file = root.resolve(name);
        if (!Files.isRegularFile(file)) {
            return Optional.of(block.where() + " shows " + name + ", which does not exist");
        }
        String text = DocBlocks.read(file);
        if (text.equals(block.text())) {
            return Optional.empty();
        }
        List<String> expected = text.lines().toList();
        List<String> actual = block.text().lines().toList();
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String e = i < expected.size() ? expected.get(i) : "(end of file)";
            String a = i < actual.size() ? actual.get(i) : "(end of block)";
            if (!e.equals(a)) {
                return Optional.of(block.where() + " shows " + name + ", but line " + (i + 1) + " differs: the file has '"
                        + e + "', the block '" + a + "'");
            }
        }
        return Optional.of(block.where() + " shows " + name + ", but their line endings or final newline differ");
    }
}
