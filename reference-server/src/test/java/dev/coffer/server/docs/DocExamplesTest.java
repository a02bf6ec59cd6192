package dev.coffer.server.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.coffer.config.settings.Bootstrap;
import dev.coffer.config.settings.Settings;
import dev.coffer.server.support.Reply;
import dev.coffer.server.support.TestServer;
import jakarta.json.Json;
import jakarta.json.JsonReader;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code in README.md and docs/ is code: every {@code java} block compiles against the
 * project's classes, every {@code json} block parses, every {@code properties} block is accepted
 * by the ConfigSource's settings, every policy under docs/examples is accepted by a real server,
 * and every relative link points at a file of the repository. The shell walkthroughs are run by
 * {@link DocWalkthroughsTest}.
 */
class DocExamplesTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    /** Diagnostics of the one compilation of every java block, by block. */
    private static final Map<JavaSnippet, List<String>> javaErrors = new HashMap<>();

    @BeforeAll
    static void compileEveryJavaBlock(@TempDir Path classes) throws IOException {
        List<DocBlock> blocks = DocBlocks.of("java");
        List<JavaSnippet> snippets = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            snippets.add(JavaSnippet.of(blocks.get(i), i));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<JavaFileObject, JavaSnippet> bySource = new HashMap<>();
        for (JavaSnippet s : snippets) {
            bySource.put(new SimpleJavaFileObject(URI.create("string:///" + s.packageName().replace('.', '/') + "/Doc" + s.block().line() + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return s.source();
                }

                // A block may declare a public type, as the reader's own file would (a @WebListener
                // must be public); its name is the block's, not this file object's.
                @Override
                public boolean isNameCompatible(String simpleName, JavaFileObject.Kind kind) {
                    return kind == JavaFileObject.Kind.SOURCE;
                }
            }, s);
            javaErrors.put(s, new ArrayList<>());
        }
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("--release", "17", "-proc:none", "-classpath", testClassPath(),
                    "-d", classes.toString(), "-Xlint:none");
            javac.getTask(new StringWriter(), files, diagnostics, options, null, bySource.keySet()).call();
        }
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                JavaSnippet s = bySource.get(d.getSource());
                String message = d.getMessage(Locale.ROOT).lines().findFirst().orElse("");
                if (s == null) {
                    fail("javac: " + message);
                }
                javaErrors.get(s).add(s.block().file() + ":" + s.docLine(d.getLineNumber()) + ": " + message);
            }
        }
    }

    /** What surefire compiled the tests against: the module's test classpath. */
    private static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockCompiles() {
        assertFalse(javaErrors.isEmpty(), "the docs have java blocks");
        return javaErrors.entrySet().stream()
                .sorted((a, b) -> a.getKey().block().where().compareTo(b.getKey().block().where()))
                .map(e -> DynamicTest.dynamicTest(e.getKey().block().where(), () -> assertTrue(e.getValue().isEmpty(),
                        () -> String.join("\n", e.getValue()) + "\n--- compiled as:\n" + e.getKey().source())));
    }

    @TestFactory
    Stream<DynamicTest> everyJsonBlockParses() {
        List<DocBlock> blocks = DocBlocks.of("json");
        assertFalse(blocks.isEmpty(), "the docs have json blocks");
        return blocks.stream().map(b -> DynamicTest.dynamicTest(b.where(), () -> parseJson(b.text(), b.where())));
    }

    private static JsonStructure parseJson(String text, String where) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.read();
        } catch (RuntimeException e) {
            throw new AssertionError(where + ": not JSON: " + e.getMessage(), e);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyPropertiesBlockIsAcceptedByTheConfigSourceSettings() {
        List<DocBlock> blocks = DocBlocks.of("properties");
        assertFalse(blocks.isEmpty(), "the docs have properties blocks");
        return blocks.stream().map(b -> DynamicTest.dynamicTest(b.where(), () -> {
            Map<String, String> file = load(b.text());
            assertTrue(file.keySet().stream().anyMatch(k -> k.startsWith("coffer.")), b.where() + " sets no coffer.* key");
            Settings.from(new Bootstrap(Map.of(), Map.of(), List.of(file)));
        }));
    }

    /** The trap the properties check exists for: a comment after a value is part of the value. */
    @Test
    void aPropertiesBlockWithACommentAfterAValueIsRefused() {
        Map<String, String> file = load("coffer.url=http://coffer.internal:8480/   # or: embedded\n"
                + "coffer.token-file=/var/run/secrets/coffer/token\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.from(new Bootstrap(Map.of(), Map.of(), List.of(file))));
        assertTrue(e.getMessage().contains("this looks like an inline comment"), e.getMessage());
    }

    private static Map<String, String> load(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.stringPropertyNames().stream().collect(Collectors.toMap(n -> n, p::getProperty));
    }

    /** Each docs/examples/*-policy.json is what the docs tell a reader to put: the server must accept it. */
    @Test
    void everyExamplePolicyIsAcceptedByTheServer() throws IOException {
        List<Path> policies;
        try (Stream<Path> files = Files.list(DocBlocks.repoRoot().resolve("docs/examples"))) {
            policies = files.filter(p -> p.getFileName().toString().endsWith("-policy.json")).sorted().toList();
        }
        assertFalse(policies.isEmpty(), "docs/examples holds policies");
        try (TestServer server = TestServer.start()) {
            for (Path file : policies) {
                String name = file.getFileName().toString().replace("-policy.json", "");
                String body = Files.readString(file);
                Reply put = server.send("PUT", "v1/policies/" + name, server.adminToken, body);
                assertEquals(200, put.status(), file + ": " + put.body());
                Reply get = server.send("GET", "v1/policies/" + name, server.adminToken, null);
                assertEquals(200, get.status(), get.body());
                JsonValue sent = parseJson(body, file.toString());
                JsonValue kept = parseJson(get.body(), "GET v1/policies/" + name);
                for (String field : sent.asJsonObject().keySet()) {
                    assertEquals(sent.asJsonObject().get(field), kept.asJsonObject().get(field), file + ": " + field);
                }
            }
        }
    }

    /** A policy shown in the docs and the file beside it must not drift apart. */
    @Test
    void everyExamplePolicyIsShownAsItIsInItsFile() throws IOException {
        List<JsonValue> shown = DocBlocks.of("json").stream().map(b -> (JsonValue) parseJson(b.text(), b.where())).toList();
        try (Stream<Path> files = Files.list(DocBlocks.repoRoot().resolve("docs/examples"))) {
            for (Path file : files.filter(p -> p.toString().endsWith("-policy.json")).toList()) {
                JsonValue expected = parseJson(Files.readString(file), file.toString());
                assertTrue(shown.contains(expected), "no json block in the docs shows " + file);
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRelativeLinkPointsAtAFileAndHeadingOfTheRepository() {
        Path root = DocBlocks.repoRoot();
        return DocBlocks.files().stream().map(file -> DynamicTest.dynamicTest(file.toString(), () -> {
            List<String> broken = new ArrayList<>();
            Path from = root.resolve(file);
            Matcher m = LINK.matcher(DocBlocks.read(from));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path to = path.isEmpty() ? from : from.getParent().resolve(path).normalize();
                if (!to.startsWith(root) || !Files.exists(to)) {
                    broken.add(target);
                } else if (hash >= 0 && !(to.toString().endsWith(".md") && anchors(to).contains(target.substring(hash + 1)))) {
                    broken.add(target + " (no such heading)");
                }
            }
            assertTrue(broken.isEmpty(), file + " links to what the repository does not hold: " + broken);
        }));
    }

    /** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static List<String> anchors(Path markdown) {
        return DocBlocks.read(markdown).lines().filter(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .toList();
    }

    @Test
    void everyMarkerIsOneTheHarnessKnows() {
        for (DocBlock b : DocBlocks.all()) {
            b.marker().ifPresent(marker -> assertTrue(
                    (marker.equals("run") && b.language().equals("bash"))
                            || (b.language().equals("java") && (marker.equals("java members") || marker.startsWith("java given:")))
                            || marker.startsWith("file "),
                    b.where() + ": unknown marker '" + marker + "' for a " + b.language() + " block"));
        }
    }

    @Test
    void fencesThatDoNotCloseTheirBlockAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DocBlocks.parse(Path.of("x.md"),
                "text\n```java\nclass A {}\n``` and more text\n"));
        assertEquals("x.md:4: the closing fence has text after it, so it does not close the block opened at line 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DocBlocks.parse(Path.of("x.md"), "```\nnever closed\n"));
    }

    @Test
    void aMarkerOnTheLineBeforeTheFenceIsTheBlocksMarker() {
        List<DocBlock> blocks = DocBlocks.parse(Path.of("x.md"),
                "<!-- doc-test: run -->\n```bash\necho hi\n```\n\n```bash\necho no\n```\n");
        assertEquals(2, blocks.size());
        assertTrue(blocks.get(0).runnable());
        assertFalse(blocks.get(1).runnable());
    }
}
