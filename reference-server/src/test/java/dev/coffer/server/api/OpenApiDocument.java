package dev.coffer.server.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** META-INF/openapi.yaml as {@code /openapi} serves it, parsed by swagger-parser, and its operations by route. */
final class OpenApiDocument {
    private OpenApiDocument() {}

    /** The document's text from the classpath, as {@link OpenApiResource} serves it. */
    static String text() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(OpenApiResource.DOCUMENT)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code text} parsed with references resolved. */
    static SwaggerParseResult parse(String text) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIV3Parser().readContents(text, null, options);
    }

    /** Every operation keyed {@code "METHOD /path"}, in document order. */
    static Map<String, Operation> operations(OpenAPI api) {
        Map<String, Operation> all = new LinkedHashMap<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, op) -> all.put(method.name() + " " + path, op)));
        return all;
    }

    /** {@code response}, or the component it refers to. */
    static ApiResponse resolve(OpenAPI api, ApiResponse response) {
        String ref = response.get$ref();
        return ref == null ? response : api.getComponents().getResponses().get(ref.substring(ref.lastIndexOf('/') + 1));
    }

    /** {@code schema}, or the component it refers to. */
    static Schema<?> resolve(OpenAPI api, Schema<?> schema) {
        String ref = schema.get$ref();
        return ref == null ? schema : api.getComponents().getSchemas().get(ref.substring(ref.lastIndexOf('/') + 1));
    }

    /** The path item of {@code "METHOD /path"}. */
    static PathItem item(OpenAPI api, String route) {
        return api.getPaths().get(route.substring(route.indexOf(' ') + 1));
    }
}
