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
