package dev.coffer.server.cli;

import jakarta.json.Json;
import jakarta.json.JsonStructure;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;
import java.io.PrintStream;
import java.io.StringWriter;
import java.util.Map;

/** Prints results: human-readable text, or the server's JSON for scripts ({@code --output json}). */
public final class Output {
    /** The formats. */
    public enum Format { text, json }

    private static final JsonWriterFactory PRETTY = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));

    private final Format format;
    private final PrintStream out = System.out;

    Output(Format format) {
        this.format = format;
    }

    /** Whether JSON was asked for. */
    boolean json() {
        return format == Format.json;
    }

    /** Prints {@code json} as JSON, or {@code text} in text mode. */
    void print(JsonStructure json, String text) {
        if (json()) {
            out.println(pretty(json));
        } else {
            out.println(text);
        }
    }

    /** Pretty-printed JSON. */
    static String pretty(JsonStructure json) {
        StringWriter buffer = new StringWriter();
        try (JsonWriter writer = PRETTY.createWriter(buffer)) {
            writer.write(json);
        }
        return buffer.toString().strip();
    }
}
