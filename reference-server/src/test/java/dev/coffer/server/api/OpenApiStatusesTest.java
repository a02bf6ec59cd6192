package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.Reply;
import dev.coffer.server.support.TestServer;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Schema;
import jakarta.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every documented operation, called on a real server without a token, with a token that has no
 * rights and as the administrator (bodies from the document's own examples): each answer's status
 * is one the document lists for that operation, and a protected operation without a token is 401.
 */
class OpenApiStatusesTest {
    /** A value for each path parameter the document uses. */
    private static final Map<String, String> PATH_VALUES = Map.of("id", "sec_aaaaaaaaaaaa", "n", "1", "alias", "current",
            "environment", "prod", "path", "payments/db", "name", "payments-read");

    @Test
    void everyOperationAnswersOnlyStatusesItDocuments() {
        OpenAPI api = OpenApiDocument.parse(OpenApiDocument.text()).getOpenAPI();
        try (TestServer server = TestServer.start()) {
            String stranger = server.token("mallory", "nobody");
            OpenApiDocument.operations(api).forEach((route, op) -> {
                String method = route.substring(0, route.indexOf(' '));
                String path = fill(route.substring(route.indexOf(' ') + 2));
                String body = body(api, op);
                boolean isPublic = op.getSecurity() != null && op.getSecurity().isEmpty();
                if (streams(op)) {
                    // A stream that opens never ends: only its status is read, then it is closed.
                    int anonymous = streamStatus(server, path, null);
                    assertEquals(401, anonymous, route);
                    documented(route, op, anonymous, "(stream)");
                    documented(route, op, streamStatus(server, path, stranger), "(stream)");
                    documented(route, op, streamStatus(server, path, server.adminToken), "(stream)");
                    return;
                }
                Reply anonymous = server.send(method, path, null, body);
                if (!isPublic) {
                    assertEquals(401, anonymous.status(), route + ": " + anonymous);
                    assertEquals("UNAUTHENTICATED", anonymous.code(), route);
                }
                documented(route, op, anonymous);
                documented(route, op, server.send(method, path, stranger, body));
                documented(route, op, server.send(method, path, server.adminToken, body));
            });
        }
    }

    private static boolean streams(Operation op) {
        var ok = op.getResponses().get("200");
        return ok != null && ok.getContent() != null && ok.getContent().containsKey("text/event-stream");
    }

    /** The status of a GET of a Server-Sent Events route; the body, if a stream opened, is closed unread. */
    private static int streamStatus(TestServer server, String path, String token) {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(server.base().resolve(path))
                .header("Accept", "text/event-stream").timeout(java.time.Duration.ofSeconds(20)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            java.net.http.HttpResponse<java.io.InputStream> response = java.net.http.HttpClient.newHttpClient()
                    .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            response.body().close();
            return response.statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void documented(String route, Operation op, int status, String what) {
        assertTrue(op.getResponses().containsKey(Integer.toString(status)),
                () -> route + " answered " + status + ", which it does not document: " + what);
    }

    private static void documented(String route, Operation op, Reply reply) {
        assertTrue(op.getResponses().containsKey(Integer.toString(reply.status())),
                () -> route + " answered " + reply.status() + ", which it does not document: " + reply);
    }

    private static String fill(String path) {
        String filled = path;
        for (Map.Entry<String, String> e : PATH_VALUES.entrySet()) {
            filled = filled.replace("{" + e.getKey() + "}", e.getValue());
        }
        assertTrue(!filled.contains("{"), () -> "no value for a parameter of " + path);
        return filled;
    }

    private static String body(OpenAPI api, Operation op) {
        if (op.getRequestBody() == null) {
            return null;
        }
        Schema<?> schema = OpenApiDocument.resolve(api, op.getRequestBody().getContent().get("application/json").getSchema());
        Object example = schema.getExample();
        assertTrue(example != null, () -> op.getOperationId() + "'s request schema has no example");
        // swagger-parser reads examples as Jackson trees; their toString() is JSON.
        return Json.createReader(new java.io.StringReader(example.toString())).readValue().toString();
    }
}
