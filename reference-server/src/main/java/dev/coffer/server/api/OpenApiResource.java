package dev.coffer.server.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** {@code /openapi}: the OpenAPI 3.0 document of this API (static, maintained beside the resources). */
@Path("openapi")
public class OpenApiResource {
    /** Where the document lives on the classpath. */
    public static final String DOCUMENT = "/META-INF/openapi.yaml";

    private final String document;

    public OpenApiResource() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is missing from the classpath");
            }
            this.document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document, YAML. */
    @GET
    @Produces("application/yaml")
    public String openapi() {
        return document;
    }
}
