package dev.coffer.server.api;

import dev.coffer.server.api.dto.SecretDetailsBody;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.Objects;

/**
 * {@code /v1/metadata/{environment}/{path...}}: a secret's metadata, versions and aliases by name
 * (no values), the by-name twin of {@code GET /v1/secrets/{id}}, like Vault's
 * {@code /v1/secret/metadata/:path}. The kernel authorizes on the path before it looks anything
 * up: a caller without read, write, rotate or admin rights on the path gets 403 (and an audited
 * denial) whether or not a secret exists there, so the answer reveals nothing; 404 only reaches a
 * caller with rights on the path.
 */
@Path("v1/metadata")
@Produces(MediaType.APPLICATION_JSON)
public class MetadataResource {
    private final SecretManager manager;

    public MetadataResource(SecretManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** Metadata, versions and aliases of the secret at {@code <environment>/<path>}, checked like a create's path. */
    @GET
    @Path("{name: [^/]+/.+}")
    public SecretDetailsBody describe(@Context SecurityContext security, @Context UriInfo uri) {
        AccessContext ctx = Callers.context(security);
        return SecretDetailsBody.from(manager.describe(ctx, NamedPaths.of(uri, ctx.tenant(), "v1/metadata")));
    }
}
