package dev.coffer.server.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.http.HttpResponse;

/** An HTTP answer in a test: status, headers, body and the body as JSON. */
public record Reply(int status, HttpResponse<String> raw) {
    /** The body text. */
    public String body() {
        return raw.body();
    }

    /** The body as a JSON object. */
    public JsonObject json() {
        try (JsonReader reader = Json.createReader(new StringReader(raw.body()))) {
            return reader.readObject();
        }
    }

    /** A header, or {@code null}. */
    public String header(String name) {
        return raw.headers().firstValue(name).orElse(null);
    }

    /** The problem's code. */
    public String code() {
        return json().getString("code");
    }

    @Override
    public String toString() {
        return status + " " + (raw.body().length() > 300 ? raw.body().substring(0, 300) : raw.body());
    }
}
