package dev.coffer.server.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.settings.SecretMapping;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each format's exact bytes: stable for equal input, escaped so the value reads back as it was. */
class RenderersTest {
    private static TemplateSpec spec(Format format, String template, String... names) {
        Map<String, SecretMapping> secrets = new LinkedHashMap<>();
        for (String n : names) {
            secrets.put(n, SecretMapping.parse(n, "prod/" + n.toLowerCase().replace('_', '-').replace('.', '-')));
        }
        return new TemplateSpec("templates[0]", Path.of("/tmp/out"), Set.of(), format, secrets, template, List.of(),
                Duration.ofSeconds(1), null, OnRevoke.REMOVE);
    }

    private static String render(TemplateSpec spec, Map<String, String> values) {
        return new String(Renderers.of(spec).render(values), StandardCharsets.UTF_8);
    }

    @Test
    void rawIsTheValueAsItIs() {
        assertEquals("line1\nä \"x\"", render(spec(Format.RAW, null, "secret"), Map.of("secret", "line1\nä \"x\"")));
    }

    @Test
    void envQuotesAndEscapesSortedByName() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("Z_LAST", "plain");
        values.put("A_FIRST", "q\"uo\\te $HOME `x`\nnext");
        assertEquals("A_FIRST=\"q\\\"uo\\\\te \\$HOME \\`x\\`\\nnext\"\nZ_LAST=\"plain\"\n",
                render(spec(Format.ENV, null, "Z_LAST", "A_FIRST"), values));
    }

    @Test
    void propertiesAreSortedWithoutADateAndReadBackAsWritten() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("db.user", "app");
        values.put("db.password", "p=ss:wörd\n#not a comment");
        String text = render(spec(Format.PROPERTIES, null, "db.user", "db.password"), values);
        assertEquals("db.password=p\\=ss\\:w\\u00F6rd\\n\\#not a comment\ndb.user=app\n", text);
        Properties read = new Properties();
        read.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(values, Map.copyOf((Map) read));
        assertEquals(text, render(spec(Format.PROPERTIES, null, "db.user", "db.password"), values), "byte-identical for equal input");
    }

    @Test
    void jsonIsASortedObjectOfStrings() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("b", "two \"quoted\"");
        values.put("a", "one\n");
        assertEquals("{\"a\":\"one\\n\",\"b\":\"two \\\"quoted\\\"\"}\n", render(spec(Format.JSON, null, "b", "a"), values));
        assertEquals("one\n", jakarta.json.Json.createReader(new StringReader(render(spec(Format.JSON, null, "b", "a"), values)))
                .readObject().getString("a"));
    }

    @Test
    void aTemplateIsNotHtmlEscaped() {
        assertEquals("password: <&'\">\n", render(spec(Format.TEMPLATE, "password: {{db_password}}\n", "db_password"),
                Map.of("db_password", "<&'\">")));
        assertEquals("a<&>b", render(spec(Format.TEMPLATE, "a{{{x}}}b", "x"), Map.of("x", "<&>")));
    }

    @Test
    void aTemplateSectionOverADeclaredNameWorks() {
        assertEquals("[v]", render(spec(Format.TEMPLATE, "{{#x}}[{{x}}]{{/x}}", "x"), Map.of("x", "v")));
    }

    @Test
    void aNameTheTemplateUsesButDoesNotDeclareIsAnErrorNotAnEmptyString() {
        Renderer r = Renderers.of(spec(Format.TEMPLATE, "user={{user}}", "password"));
        RenderException e = assertThrows(RenderException.class, () -> r.render(Map.of("password", "x")));
        assertTrue(e.getMessage().contains("{{user}}"), e.getMessage());
        assertThrows(RenderException.class, r::check);
        // Map methods are not names either.
        assertThrows(RenderException.class, () -> Renderers.of(spec(Format.TEMPLATE, "{{size}}", "password")).check());
    }

    @Test
    void theSameValuesGiveTheSameBytes() {
        TemplateSpec env = spec(Format.ENV, null, "A", "B");
        assertArrayEquals(Renderers.of(env).render(Map.of("A", "1", "B", "2")), Renderers.of(env).render(Map.of("B", "2", "A", "1")));
    }
}
