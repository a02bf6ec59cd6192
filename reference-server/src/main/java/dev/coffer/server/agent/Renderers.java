package dev.coffer.server.agent;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.reflect.Guard;
import com.github.mustachejava.reflect.MissingWrapper;
import com.github.mustachejava.reflect.ReflectionObjectHandler;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@link Renderer} of each {@link Format}.
 *
 * <pre>{@code
 * byte[] env = Renderers.of(spec).render(Map.of("DB_PASSWORD", value)); // DB_PASSWORD="..."\n
 * }</pre>
 */
public final class Renderers {
    private Renderers() {}

    /** The renderer of {@code spec}'s format; a template is compiled now. */
    public static Renderer of(TemplateSpec spec) {
        Set<String> names = spec.secrets().keySet();
        Renderer r = switch (spec.format()) {
            case RAW -> values -> values.get("secret").getBytes(StandardCharsets.UTF_8);
            case ENV -> Renderers::env;
            case PROPERTIES -> Renderers::properties;
            case JSON -> Renderers::json;
            case TEMPLATE -> template(spec.key(), spec.template());
        };
        // check() renders with placeholders for every declared name.
        return new Renderer() {
            @Override
            public byte[] render(Map<String, String> values) {
                return r.render(values);
            }

            @Override
            public void check() {
                Map<String, String> placeholders = new LinkedHashMap<>();
                names.forEach(n -> placeholders.put(n, ""));
                r.render(placeholders);
            }
        };
    }

    /** {@code NAME="value"} per line, sorted; inside the quotes {@code \ " $ `} are escaped and newlines written {@code \n}. */
    static byte[] env(Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(values).forEach((name, value) -> {
            out.append(name).append("=\"");
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\', '"', '$', '`' -> out.append('\\').append(c);
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    default -> out.append(c);
                }
            }
            out.append("\"\n");
        });
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** java.util.Properties text (ISO-8859-1 with {@code \\u} escapes), sorted, the date comment dropped. */
    static byte[] properties(Map<String, String> values) {
        Properties sorted = new Properties() {
            private static final long serialVersionUID = 1L;

            @Override
            public Set<Map.Entry<Object, Object>> entrySet() {
                // store() walks entrySet(): sorted, so equal values give equal bytes.
                Map<Object, Object> copy = new TreeMap<>();
                for (Map.Entry<Object, Object> e : super.entrySet()) {
                    copy.put(e.getKey(), e.getValue());
                }
                return Collections.unmodifiableMap(copy).entrySet();
            }
        };
        sorted.putAll(values);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            sorted.store(bytes, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        // The first line is the "#<date>" comment store() always writes.
        String body = text.substring(text.indexOf('\n') + 1);
        return body.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A JSON object of name to string, sorted by name, and a newline. */
    static byte[] json(Map<String, String> values) {
        JsonObjectBuilder object = Json.createObjectBuilder();
        new TreeMap<>(values).forEach(object::add);
        StringWriter text = new StringWriter();
        try (JsonWriter writer = Json.createWriter(text)) {
            writer.writeObject(object.build());
        }
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static Renderer template(String key, String text) {
        StrictFactory factory = new StrictFactory();
        Mustache mustache;
        try {
            mustache = factory.compile(new StringReader(text), key);
        } catch (MustacheException e) {
            throw new RenderException("the template does not compile: " + firstLine(e.getMessage()));
        }
        return values -> {
            StringWriter out = new StringWriter();
            try {
                mustache.execute(out, values).flush();
            } catch (MustacheException e) {
                throw missing(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString().getBytes(StandardCharsets.UTF_8);
        };
    }

    private static RuntimeException missing(MustacheException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RenderException r) {
                return r;
            }
        }
        return new RenderException("the template fails: " + firstLine(e.getMessage()));
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.strip().lines().findFirst().orElse("");
    }

    /**
     * Mustache without HTML escaping (files are plain text), without partials (a template must not
     * read other files), and where a name no scope declares fails instead of rendering empty.
     */
    private static final class StrictFactory extends DefaultMustacheFactory {
        StrictFactory() {
            super(name -> {
                throw new RenderException("the template includes {{> " + name + "}}; partials are not supported");
            });
            setObjectHandler(new ReflectionObjectHandler() {
                @Override
                protected MissingWrapper createMissingWrapper(String name, List<Guard> guards) {
                    throw new RenderException("the template uses {{" + name + "}}, which its secrets: do not declare");
                }
            });
        }

        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
