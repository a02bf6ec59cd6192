package dev.coffer.config.internal;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who a bearer token says it is: {@code sub} (else {@code upn}), {@code tenant} and {@code groups}
 * from the JWT payload, read <em>without verifying the signature</em>. Only for telling an operator
 * which identity a ConfigSource will present; the server verifies the token and decides. Holds no
 * token and is never built from anything but the payload.
 *
 * @param principal the subject, as the server maps it ({@code sub}, else {@code upn})
 * @param tenant the {@code tenant} claim, or {@code null} when absent (the server's default tenant)
 * @param groups the {@code groups} claim's strings
 */
public record TokenClaims(String principal, String tenant, Set<String> groups) {

    public TokenClaims {
        groups = Set.copyOf(groups);
    }

    /** The claims of the token in {@code file}; empty when the file cannot be read or holds no JWT. */
    public static Optional<TokenClaims> peek(Path file) {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return parse(token);
    }

    /** The claims of {@code token}; empty when it is not a JWT with a JSON payload. */
    public static Optional<TokenClaims> parse(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        JsonObject payload;
        try (JsonReader reader = Json.createReader(new StringReader(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)))) {
            payload = reader.readObject();
        } catch (IllegalArgumentException | JsonException e) {
            return Optional.empty();
        }
        String principal = text(payload, "sub");
        if (principal == null) {
            principal = text(payload, "upn");
        }
        if (principal == null) {
            return Optional.empty();
        }
        Set<String> groups = new TreeSet<>();
        if (payload.get("groups") instanceof jakarta.json.JsonArray array) {
            for (JsonValue g : array) {
                if (g instanceof JsonString s) {
                    groups.add(s.getString());
                }
            }
        }
        return Optional.of(new TokenClaims(principal, text(payload, "tenant"), groups));
    }

    private static String text(JsonObject payload, String name) {
        return payload.get(name) instanceof JsonString s && !s.getString().isBlank() ? s.getString() : null;
    }
}
