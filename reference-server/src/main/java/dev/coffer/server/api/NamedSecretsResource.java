package dev.coffer.server.api;

import static dev.coffer.server.api.QueryParams.requireBody;

import dev.coffer.server.api.dto.AddVersionRequest;
import dev.coffer.server.api.dto.AliasesBody;
import dev.coffer.server.api.dto.MoveAliasRequest;
import dev.coffer.server.api.dto.PageBody;
import dev.coffer.server.api.dto.SecretBody;
import dev.coffer.server.api.dto.VersionBody;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.SecretVersion;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.Objects;

/**
 * Operations on a secret by name, the action before the name as in Vault
 * ({@code /v1/secret/destroy/:path}): {@code /v1/<action>/<environment>/<path>}. Everything after
 * the action is the name, so every valid path routes, also one that ends in {@code versions},
 * {@code aliases} or {@code restore}. They answer as the id routes under {@code /v1/secrets/{id}}
 * do, with two differences: the kernel resolves the name itself, so the audit shows only the
 * operation (no {@code SECRET_DESCRIBE} first), and a caller without rights on the path gets 403
 * whether a secret exists there or not (404 only reaches a caller with rights on the path).
 * Metadata by name ({@code GET|PATCH|DELETE /v1/metadata/...}) is {@link MetadataResource}.
 *
 * <pre>
 * POST /v1/versions/{environment}/{path}              add a version        GET: every version
 * POST /v1/aliases/{alias}/{environment}/{path}       move an alias by CAS
 * DELETE /v1/aliases/{alias}/{environment}/{path}?expectedVersion=N   remove an alias by CAS
 * POST /v1/disable|enable|destroy/{environment}/{path}?version=N
 * POST /v1/restore/{environment}/{path}               POST /v1/purge/{environment}/{path}
 * </pre>
 */
@Path("v1")
@Produces(MediaType.APPLICATION_JSON)
public class NamedSecretsResource {
    private static final String NAME = "{name: [^/]+/.+}";

    private final SecretManager manager;

    public NamedSecretsResource(SecretManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** Adds a version (CURRENT unless {@code status} is PENDING): 201. */
    @POST
    @Path("versions/" + NAME)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addVersion(@Context SecurityContext security, @Context UriInfo uri, AddVersionRequest body) {
        AccessContext ctx = Callers.context(security);
        SecretRef secret = named(uri, ctx, "v1/versions");
        requireBody(body);
        SecretVersion added;
        try (SecretValue value = body.toValue()) {
            added = manager.addVersion(ctx, secret, new NewVersion(value, body.toStatus(), body.toExpiresAt()));
        }
        return Response.status(Response.Status.CREATED).entity(VersionBody.from(added)).build();
    }

    /** Every version, oldest first. */
    @GET
    @Path("versions/" + NAME)
    public PageBody<VersionBody> versions(@Context SecurityContext security, @Context UriInfo uri) {
        AccessContext ctx = Callers.context(security);
        return PageBody.of(manager.versions(ctx, named(uri, ctx, "v1/versions")).stream().map(VersionBody::from).toList());
    }

    /** Moves an alias by compare-and-set: 409 {@code VERSION_CONFLICT} when it points elsewhere. */
    @POST
    @Path("aliases/{alias: [^/]+}/" + NAME)
    @Consumes(MediaType.APPLICATION_JSON)
    public AliasesBody moveAlias(@Context SecurityContext security, @Context UriInfo uri, @PathParam("alias") String alias,
            MoveAliasRequest body) {
        AccessContext ctx = Callers.context(security);
        SecretRef secret = new SecretRef.ByPath(NamedPaths.after(uri, ctx.tenant(), "v1/aliases", 1));
        requireBody(body);
        return AliasesBody.from(manager.moveAlias(ctx, secret, alias, body.target(), body.expected()));
    }

    /** Removes an alias by compare-and-set on {@code expectedVersion}, as {@code DELETE /v1/secrets/{id}/aliases/{alias}}. */
    @DELETE
    @Path("aliases/{alias: [^/]+}/" + NAME)
    public AliasesBody removeAlias(@Context SecurityContext security, @Context UriInfo uri, @PathParam("alias") String alias,
            @QueryParam("expectedVersion") String expectedVersion) {
        AccessContext ctx = Callers.context(security);
        SecretRef secret = new SecretRef.ByPath(NamedPaths.after(uri, ctx.tenant(), "v1/aliases", 1));
        return AliasesBody.from(manager.removeAlias(ctx, secret, alias, QueryParams.optionalInt("expectedVersion", expectedVersion)));
    }

    /** Disables version {@code version}. */
    @POST
    @Path("disable/" + NAME)
    public VersionBody disable(@Context SecurityContext security, @Context UriInfo uri, @QueryParam("version") String version) {
        AccessContext ctx = Callers.context(security);
        return VersionBody.from(manager.disable(ctx, named(uri, ctx, "v1/disable"), version(version)));
    }

    /** Enables disabled version {@code version}. */
    @POST
    @Path("enable/" + NAME)
    public VersionBody enable(@Context SecurityContext security, @Context UriInfo uri, @QueryParam("version") String version) {
        AccessContext ctx = Callers.context(security);
        return VersionBody.from(manager.enable(ctx, named(uri, ctx, "v1/enable"), version(version)));
    }

    /** Destroys version {@code version} for good. */
    @POST
    @Path("destroy/" + NAME)
    public VersionBody destroy(@Context SecurityContext security, @Context UriInfo uri, @QueryParam("version") String version) {
        AccessContext ctx = Callers.context(security);
        return VersionBody.from(manager.destroy(ctx, named(uri, ctx, "v1/destroy"), version(version)));
    }

    /** Cancels a scheduled deletion. */
    @POST
    @Path("restore/" + NAME)
    public SecretBody restore(@Context SecurityContext security, @Context UriInfo uri) {
        AccessContext ctx = Callers.context(security);
        return SecretBody.from(manager.restore(ctx, named(uri, ctx, "v1/restore")));
    }

    /** Deletes a secret for good once its recovery window has passed: 204. */
    @POST
    @Path("purge/" + NAME)
    public Response purge(@Context SecurityContext security, @Context UriInfo uri) {
        AccessContext ctx = Callers.context(security);
        manager.purge(ctx, named(uri, ctx, "v1/purge"));
        return Response.noContent().build();
    }

    private static SecretRef named(UriInfo uri, AccessContext ctx, String route) {
        return new SecretRef.ByPath(NamedPaths.of(uri, ctx.tenant(), route));
    }

    /** The required {@code version} query parameter: the name takes the whole path, so the number cannot be in it. */
    private static int version(String version) {
        Integer number = QueryParams.integer("version", version);
        if (number == null) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "query parameter 'version' is required");
        }
        return number;
    }
}
