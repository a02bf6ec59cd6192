package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.api.problem.Problems;
import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.auth.SmallRyeTokenVerifier;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.server.standalone.InMemoryBackend;
import dev.coffer.server.standalone.Kernel;
import dev.coffer.server.standalone.StandaloneServer;
import dev.coffer.server.standalone.TrustedProxies;
import dev.coffer.spi.error.ErrorCode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /openapi} (META-INF/openapi.yaml) is a valid OpenAPI 3 document by swagger-parser, names
 * and tags every operation, documents the error responses of each (an operation by name as its
 * twin by id), and matches the routes the server has, both ways: every route Jersey's model of the
 * application has is documented with the same method, and every documented operation is a route.
 */
class OpenApiDocumentTest {
    /**
     * Routes that are not operations: a POST to a name (there is no write by name) is only there
     * to answer 404 SECRET_NOT_FOUND instead of 405 for a path like /v1/secrets/null/versions.
     */
    private static final Set<String> ROUTING_FALLBACKS = Set.of("POST /v1/secrets/{}/{}");
    /** Protected operations that cannot answer 403: any valid token may read the document. */
    private static final Set<String> NEVER_FORBIDDEN = Set.of("getOpenApi");

    private static OpenAPI api;
    private static Map<String, Operation> operations;

    @BeforeAll
    static void parse() {
        SwaggerParseResult result = OpenApiDocument.parse(OpenApiDocument.text());
        assertEquals(List.of(), result.getMessages() == null ? List.of() : result.getMessages(), "parser errors and warnings");
        api = result.getOpenAPI();
        assertNotNull(api);
        operations = OpenApiDocument.operations(api);
    }

    @Test
    void theParserFindsMistakesSoItsSilenceMeansSomething() {
        String broken = OpenApiDocument.text().replace("$ref: '#/components/schemas/SecretPage'", "$ref: '#/components/schemas/NoSuchSchema'")
                .replaceFirst("openapi: 3.0.3", "openapi: 3.0.3\nunexpectedTopLevelField: 1");
        List<String> messages = OpenApiDocument.parse(broken).getMessages();
        assertTrue(messages.stream().anyMatch(m -> m.contains("unexpectedTopLevelField")), messages::toString);
        assertTrue(messages.stream().anyMatch(m -> m.contains("NoSuchSchema")), messages::toString);
    }

    @Test
    void everyOperationHasAUniqueOperationIdAndADeclaredTag() {
        Set<String> declaredTags = api.getTags().stream().map(t -> t.getName()).collect(Collectors.toSet());
        Set<String> ids = new HashSet<>();
        operations.forEach((route, op) -> {
            assertNotNull(op.getOperationId(), route);
            assertTrue(ids.add(op.getOperationId()), "duplicate operationId " + op.getOperationId());
            assertFalse(op.getTags() == null || op.getTags().isEmpty(), route + " has no tag");
            assertTrue(declaredTags.containsAll(op.getTags()), route + " uses an undeclared tag " + op.getTags());
            assertNotNull(op.getSummary(), route);
        });
    }

    @Test
    void everyRouteOfTheServerIsDocumentedAndEveryDocumentedOperationIsARoute() throws Exception {
        TreeSet<String> server = ServerRoutes.of(application());
        assertTrue(server.size() > 20, server::toString);
        assertTrue(server.containsAll(ROUTING_FALLBACKS), "a fallback listed here no longer exists: " + ROUTING_FALLBACKS);
        server.removeAll(ROUTING_FALLBACKS);
        TreeSet<String> documented = operations.keySet().stream().map(ServerRoutes::documentShape)
                .collect(Collectors.toCollection(TreeSet::new));

        TreeSet<String> undocumented = new TreeSet<>(server);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "routes the server has that /openapi does not document");
        TreeSet<String> phantom = new TreeSet<>(documented);
        phantom.removeAll(server);
        assertEquals(Set.of(), phantom, "operations /openapi documents that the server does not have");
    }

    @Test
    void protectedOperationsDocumentTheErrorsEveryRequestCanMeetAsProblems() {
        operations.forEach((route, op) -> {
            Map<String, ApiResponse> responses = op.getResponses();
            boolean isPublic = op.getSecurity() != null && op.getSecurity().isEmpty();
            List<String> required = isPublic ? List.of("400") : NEVER_FORBIDDEN.contains(op.getOperationId())
                    ? List.of("400", "401", "500", "503") : List.of("400", "401", "403", "500", "503");
            for (String status : required) {
                assertTrue(responses.containsKey(status), route + " does not document " + status);
            }
            if (op.getRequestBody() != null) {
                for (String status : List.of("408", "413", "415")) {
                    assertTrue(responses.containsKey(status), route + " takes a body but does not document " + status);
                }
            }
            responses.forEach((status, reference) -> {
                ApiResponse response = OpenApiDocument.resolve(api, reference);
                if (status.startsWith("4") || (status.startsWith("5") && !isPublic)) {
                    MediaType problem = response.getContent() == null ? null : response.getContent().get("application/problem+json");
                    assertNotNull(problem, route + " " + status + " is not application/problem+json");
                    assertEquals("#/components/schemas/Problem", problem.getSchema().get$ref(), route + " " + status);
                    assertFalse(problem.getExamples() == null || problem.getExamples().isEmpty(), route + " " + status + " has no example");
                }
            });
        });
    }

    /**
     * An operation by name ({@code xByName}) answers as its twin by id ({@code x}) does, so both
     * document the same statuses, by the same response components, and the same query parameters
     * (by name plus {@code version}, which an id route has in its path): a change made to one and
     * not carried to the other fails here.
     */
    @Test
    void everyOperationByNameDocumentsWhatItsTwinByIdDoes() {
        Map<String, Operation> byOperationId = operations.values().stream()
                .collect(Collectors.toMap(Operation::getOperationId, op -> op));
        List<String> named = byOperationId.keySet().stream().filter(id -> id.endsWith("ByName")).sorted().toList();
        assertTrue(named.size() >= 11, named::toString);
        for (String name : named) {
            Operation byName = byOperationId.get(name);
            Operation twin = byOperationId.get(name.substring(0, name.length() - "ByName".length()));
            assertNotNull(twin, name + " has no twin by id");
            assertEquals(responseRefs(twin), responseRefs(byName), name + ": statuses and their components");
            Set<String> query = queryParameters(byName);
            query.remove("version");
            assertEquals(queryParameters(twin), query, name + ": query parameters");
        }
    }

    private static Map<String, String> responseRefs(Operation op) {
        Map<String, String> refs = new java.util.TreeMap<>();
        op.getResponses().forEach((status, response) -> refs.put(status, String.valueOf(response.get$ref())));
        return refs;
    }

    private static Set<String> queryParameters(Operation op) {
        Set<String> names = new TreeSet<>();
        for (Parameter parameter : op.getParameters() == null ? List.<Parameter>of() : op.getParameters()) {
            String ref = parameter.get$ref();
            Parameter resolved = ref == null ? parameter
                    : api.getComponents().getParameters().get(ref.substring(ref.lastIndexOf('/') + 1));
            if ("query".equals(resolved.getIn())) {
                names.add(resolved.getName());
            }
        }
        return names;
    }

    @Test
    void theProblemCodesAreExactlyTheCodesTheServerHas() throws Exception {
        Set<String> server = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
        for (Field field : Problems.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                server.add((String) field.get(null));
            }
        }
        @SuppressWarnings("unchecked")
        List<String> documented = (List<String>) (List<?>) api.getComponents().getSchemas().get("ErrorCode").getEnum();
        assertEquals(server, new TreeSet<>(documented));
        api.getComponents().getResponses().forEach((name, response) -> {
            @SuppressWarnings("unchecked")
            List<String> codes = (List<String>) response.getExtensions().get("x-codes");
            assertNotNull(codes, name + " has no x-codes");
            assertTrue(server.containsAll(codes), name + " names codes the server does not have: " + codes);
            response.getContent().get("application/problem+json").getExamples().forEach((example, value) ->
                    assertTrue(codes.contains(example), name + " has an example for " + example + ", not one of its codes"));
        });
    }

    private static ResourceConfig application() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        InMemoryBackend backend = new InMemoryBackend();
        Metrics metrics = new Metrics();
        return StandaloneServer.application(Kernel.over(backend, metrics),
                new SmallRyeTokenVerifier(generator.generateKeyPair().getPublic(), JwtSettings.defaults()), List.of(), metrics,
                TrustedProxies.none());
    }
}
