package dev.coffer.server.k8s.connect;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One secret's value as a connector loaded it: text, and when that text is a flat JSON object
 * (string, number or boolean members, nothing nested) also its members, kept structured for the
 * providers that need several parts ({@code dockerconfigjson}, {@code basic-auth}, {@code tls}).
 * The {@link #source()} says where it came from ({@code coffer:prod/payments/db-password@3},
 * {@code env:COFFER_SECRET_X}, {@code literal:X}) and goes into the provenance annotation.
 *
 * <pre>{@code
 * LoadedValue v = LoadedValue.of("{\"username\":\"ci\",\"password\":\"...\"}", "env:COFFER_SECRET_REGISTRY");
 * v.fields().orElseThrow().get("username"); // "ci"
 * }</pre>
 *
 * {@link #toString()} names the source and the member names, never the value.
 */
public final class LoadedValue {
    /** The largest value: Kubernetes refuses a Secret over 1 MiB anyway. */
    public static final int MAX_BYTES = 1 << 20;
    /** The most members a structured value may have. */
    public static final int MAX_MEMBERS = 64;

    private final String text;
    private final Map<String, String> fields;
    private final String source;

    private LoadedValue(String text, Map<String, String> fields, String source) {
        this.text = text;
        this.fields = fields;
        this.source = source;
    }

    /**
     * The value {@code text} from {@code source}; structured when it is a flat JSON object.
     *
     * @throws IllegalArgumentException when larger than {@link #MAX_BYTES} (the message names the source only)
     */
    public static LoadedValue of(String text, String source) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
        if (text.length() > MAX_BYTES || text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("the value of " + source + " is larger than " + MAX_BYTES
                    + " bytes, more than a Kubernetes Secret can hold");
        }
        return new LoadedValue(text, flatObject(text), source);
    }

    /** The value as text (for a structured value, its JSON text as loaded). */
    public String text() {
        return text;
    }

    /** The members, when the value is a flat JSON object. */
    public Optional<Map<String, String>> fields() {
        return Optional.ofNullable(fields);
    }

    /** Whether the value is a flat JSON object. */
    public boolean structured() {
        return fields != null;
    }

    /** Where the value came from, for provenance; never the value. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "LoadedValue[source=" + source + (fields == null ? ", text" : ", members=" + fields.keySet()) + "]";
    }

    /** The members of {@code text} when it is a flat JSON object, else {@code null}. */
    private static Map<String, String> flatObject(String text) {
        String t = text.strip();
        if (!t.startsWith("{") || !t.endsWith("}")) {
            return null;
        }
        JsonObject object;
        try (JsonReader reader = Json.createReader(new StringReader(t))) {
            object = reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            return null; // not JSON: plain text that happens to start with a brace (the parser's message may quote it)
        }
        if (object.size() > MAX_MEMBERS) {
            return null;
        }
        Map<String, String> members = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : object.entrySet()) {
            JsonValue v = e.getValue();
            String member;
            if (v instanceof JsonString s) {
                member = s.getString();
            } else if (v instanceof JsonNumber n) {
                member = n.toString();
            } else if (v == JsonValue.TRUE || v == JsonValue.FALSE) {
                member = v.toString();
            } else {
                return null; // nested or null: not flat, so it stays text
            }
            members.put(e.getKey(), member);
        }
        return Collections.unmodifiableMap(members);
    }
}
