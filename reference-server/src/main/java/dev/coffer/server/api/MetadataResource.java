package dev.coffer.server.api;

import dev.coffer.server.api.dto.SecretBody;
import dev.coffer.server.api.dto.SecretDetailsBody;
import dev.coffer.server.api.dto.UpdateSecretRequest;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.model.SecretRef;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
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
    private static final String NAME = "{name: [^/]+/.+}";

    private final SecretManager manager;

    public MetadataResource(SecretManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** Metadata, versions and aliases of the secret at {@code <environment>/<path>}, checked like a create's path. */
    @GET
    @Path(NAME)
    public SecretDetailsBody describe(@Context SecurityContext security, @Context UriInfo uri) {
        AccessContext ctx = Callers.context(security);
        return SecretDetailsBody.from(manager.describe(ctx, NamedPaths.of(uri, ctx.tenant(), "v1/metadata")));
    }

    /**
     * Updates the metadata of the secret at {@code <environment>/<path>}, as
     * {@code PATCH /v1/secrets/{id}} does: absent fields kept, {@code labels} replaces every label,
     * {@code putLabels}/{@code removeLabels} merge atomically.
     */
    @PATCH
    @Path(NAME)
    @Consumes(MediaType.APPLICATION_JSON)
    public SecretBody update(@Context SecurityContext security, @Context UriInfo uri, UpdateSecretRequest body) {
        AccessContext ctx = Callers.context(security);
        SecretRef secret = new SecretRef.ByPath(NamedPaths.of(uri, ctx.tenant(), "v1/metadata"));
        return SecretBody.from(manager.update(ctx, secret, QueryParams.requireBody(body).toUpdate()));
    }

    /**
     * Schedules deletion of the secret at {@code <environment>/<path>} (202), or with
     * {@code force=true} deletes it at once without recovery (204), as {@code DELETE /v1/secrets/{id}}.
     */
    @DELETE
    @Path(NAME)
    public Response delete(@Context SecurityContext security, @Context UriInfo uri,
            @QueryParam("recoveryWindowDays") String recoveryWindowDays, @QueryParam("force") String force) {
        AccessContext ctx = Callers.context(security);
        SecretRef secret = new SecretRef.ByPath(NamedPaths.of(uri, ctx.tenant(), "v1/metadata"));
        return Deletions.delete(manager, ctx, secret, recoveryWindowDays, force);
    }
}
