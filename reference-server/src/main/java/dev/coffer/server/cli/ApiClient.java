package dev.coffer.server.cli;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The CLI's HTTP client of the REST API: JDK HttpClient, JSON-P bodies. Every call sends a fresh
 * {@code X-Request-Id}; errors become {@link CliException}s that print the problem's code,
 * detail and request id.
 */
public final class ApiClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade dance on plain http
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final String token;
    private final Map<String, String> extraHeaders;

    public ApiClient(URI base, String token, Map<String, String> extraHeaders) {
        this.base = Objects.requireNonNull(base, "base");
        this.token = Objects.requireNonNull(token, "token");
        this.extraHeaders = Map.copyOf(extraHeaders);
    }

    /** GET {@code path} with {@code query} (null values are left out). */
    public JsonObject get(String path, Map<String, String> query) {
        return send("GET", path + queryString(query), null);
    }

    /** POST a JSON body ({@code null} for none). */
    public JsonObject post(String path, JsonObject body) {
        return send("POST", path, body);
    }

    /** PUT a JSON body. */
    public JsonObject put(String path, JsonObject body) {
        return send("PUT", path, body);
    }

    /** DELETE {@code path} with {@code query}. */
    public JsonObject delete(String path, Map<String, String> query) {
        return send("DELETE", path + queryString(query), null);
    }

    /** Builds a query map, skipping nulls. */
    public static Map<String, String> query(String... keysAndValues) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                out.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return out;
    }

    /**
     * A path segment, percent-encoded. A segment that is exactly {@code .} or {@code ..} has its dots
     * encoded too: sent as is it would be a dot segment, which a server resolves, reaching another route.
     */
    public static String segment(String s) {
        String encoded = URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        return encoded.equals(".") ? "%2E" : encoded.equals("..") ? "%2E%2E" : encoded;
    }

    private JsonObject send(String method, String path, JsonObject body) {
        String requestId = UUID.randomUUID().toString();
        HttpRequest.Builder request = HttpRequest.newBuilder(target(path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json, application/problem+json")
                .header("X-Request-Id", requestId)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        extraHeaders.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "cannot connect to " + base + " (is the server running? set " + ClientOptions.ENV_URL + " or --url)");
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "request to " + base + " failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERNAL, "interrupted");
        }
        if (response.statusCode() >= 400) {
            throw problem(response);
        }
        if (response.body().isEmpty()) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        JsonStructure parsed = parse(response.body());
        if (!(parsed instanceof JsonObject object)) {
            throw new CliException(ExitCodes.INTERNAL, "the server answered " + method + " " + path + " with something other than a JSON object");
        }
        return object;
    }

    /**
     * The request URI: the base followed by {@code path} as written. Not {@link URI#resolve}, which
     * removes {@code .} and {@code ..} segments and so would send a different path than the one named.
     */
    URI target(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        String root = base.toString();
        return URI.create(root.endsWith("/") ? root + relative : root + "/" + relative);
    }

    private static CliException problem(HttpResponse<String> response) {
        int status = response.statusCode();
        String requestId = response.headers().firstValue("X-Request-Id").orElse("?");
        String code = "HTTP_" + status;
        String detail = "no details";
        try {
            if (parse(response.body()) instanceof JsonObject p) {
                code = p.getString("code", code);
                detail = p.getString("detail", detail);
            }
        } catch (CliException e) {
            // not a problem document; keep the status alone
        }
        return new CliException(ExitCodes.forStatus(status),
                code + " (HTTP " + status + "): " + detail + " [request " + requestId + "]");
    }

    private static JsonStructure parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.read();
        } catch (JsonException e) {
            throw new CliException(ExitCodes.INTERNAL, "the server's answer is not JSON");
        }
    }

    private static String queryString(Map<String, String> query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        return "?" + query.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
