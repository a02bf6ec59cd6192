package dev.coffer.server.api;

import static dev.coffer.server.api.QueryParams.requireBody;

import dev.coffer.server.api.dto.AddVersionRequest;
import dev.coffer.server.api.dto.AliasesBody;
import dev.coffer.server.api.dto.CreateSecretRequest;
import dev.coffer.server.api.dto.MoveAliasRequest;
import dev.coffer.server.api.dto.PageBody;
import dev.coffer.server.api.dto.SecretBody;
import dev.coffer.server.api.dto.SecretDetailsBody;
import dev.coffer.server.api.dto.SecretListItemBody;
import dev.coffer.server.api.dto.SecretValueBody;
import dev.coffer.server.api.dto.UpdateSecretRequest;
import dev.coffer.server.api.dto.VersionBody;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretListItem;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionSelector;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
import java.util.List;
import java.util.Objects;

/**
 * {@code /v1/secrets}: secrets, versions, aliases and reads. Environments cannot contain {@code _}
 * and ids start with {@code sec_}, so a GET of {@code /v1/secrets/prod/...} is always a read by
 * name and one of {@code /v1/secrets/sec_.../...} always an id route. Any other id answers 404
 * {@code SECRET_NOT_FOUND} on every id route: the one-segment routes take any segment as an id
 * (no read by name has one segment), the longer ones take anything that starts with {@code sec_},
 * and a POST to a longer path that is not an id (there is no write by name) is one too.
 */
@Path("v1/secrets")
@Produces(MediaType.APPLICATION_JSON)
public class SecretsResource {
    /** An id in a route of two or more segments: anything else there is a name ({@code <environment>/<path>}). */
    private static final String ID = "{id: sec_[^/]*}";
    /** An id as the only segment: no name has one segment, so any segment is an id (the kernel finds none for a bad one). */
    private static final String ANY_ID = "{id: [^/]+}";
    private static final String NAME = "{name: [^/]+/.+}";

    private final SecretManager manager;

    public SecretsResource(SecretManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /**
     * The id of a one-segment route. A segment can hold a '/' only as {@code %2F}: a name sent
     * escaped whole (External Secrets' webhook provider query-escapes its key), which would otherwise
     * be looked up as an id and answered 404, and a client that takes 404 for "deleted" would act on it.
     */
    private static String oneSegmentId(String id) {
        if (id.indexOf('/') >= 0) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "a secret id holds no '/' and this one held an"
                    + " escaped slash (%2F): to read or change a secret by name use /v1/secrets/<environment>/<path>"
                    + " with its slashes unescaped");
        }
        return id;
    }

    /** Creates a secret (metadata only): 201 with its id. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@Context SecurityContext security, @Context UriInfo uri, CreateSecretRequest body) {
        AccessContext ctx = Callers.context(security);
        Secret secret = manager.create(ctx, requireBody(body).toNewSecret(ctx.tenant()));
        return Response.created(uri.getAbsolutePathBuilder().path(secret.id()).build()).entity(SecretBody.from(secret)).build();
    }

    /**
     * Lists metadata the caller may see, each item with its pending deletion and current version.
     * {@code label=key=value} (repeatable) keeps secrets carrying every such label.
     */
    @GET
    public PageBody<SecretListItemBody> list(@Context SecurityContext security, @QueryParam("environment") String environment,
            @QueryParam("prefix") String prefix, @QueryParam("label") List<String> labels,
            @QueryParam("pageToken") String pageToken, @QueryParam("limit") String limit) {
        AccessContext ctx = Callers.context(security);
        Page<SecretListItem> page = manager.list(ctx,
                new SecretFilter(blankToNull(environment), blankToNull(prefix), QueryParams.labels("label", labels)),
                QueryParams.page(pageToken, limit));
        return new PageBody<>(page.items().stream().map(SecretListItemBody::from).toList(), page.nextPageToken());
    }

    /** Metadata, versions and aliases; no values. */
    @GET
    @Path(ANY_ID)
    public SecretDetailsBody describe(@Context SecurityContext security, @PathParam("id") String id) {
        return SecretDetailsBody.from(manager.describe(Callers.context(security), oneSegmentId(id)));
    }

    /**
     * Updates metadata; absent fields are kept. {@code labels} replaces the whole label map;
     * {@code putLabels}/{@code removeLabels} merge into it atomically instead (one or the other).
     */
    @PATCH
    @Path(ANY_ID)
    @Consumes(MediaType.APPLICATION_JSON)
    public SecretBody update(@Context SecurityContext security, @PathParam("id") String id, UpdateSecretRequest body) {
        return SecretBody.from(manager.update(Callers.context(security), oneSegmentId(id), requireBody(body).toUpdate()));
    }

    /**
     * Schedules deletion after a recovery window (default 30 days): 202. With {@code force=true}
     * deletes at once, without recovery (test data; {@code secrets:admin}; refused with 403
     * {@code ENVIRONMENT_PROTECTED} in a protected environment): 204.
     */
    @DELETE
    @Path(ANY_ID)
    public Response scheduleDeletion(@Context SecurityContext security, @PathParam("id") String id,
            @QueryParam("recoveryWindowDays") String recoveryWindowDays, @QueryParam("force") String force) {
        return Deletions.delete(manager, Callers.context(security), SecretRef.id(oneSegmentId(id)), recoveryWindowDays, force);
    }

    /** Cancels a scheduled deletion. */
    @POST
    @Path(ID + "/restore")
    public SecretBody restore(@Context SecurityContext security, @PathParam("id") String id) {
        return SecretBody.from(manager.restore(Callers.context(security), id));
    }

    /**
     * Deletes a secret for good once its recovery window has passed (like AWS's deletion at the
     * end of the window, but explicit): 204. Versions, aliases and ciphertexts go; the audit
     * trail stays.
     */
    @POST
    @Path(ID + "/purge")
    public Response purge(@Context SecurityContext security, @PathParam("id") String id) {
        manager.purge(Callers.context(security), id);
        return Response.noContent().build();
    }

    /** Adds a version (CURRENT unless {@code status} is PENDING): 201. */
    @POST
    @Path(ID + "/versions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addVersion(@Context SecurityContext security, @Context UriInfo uri, @PathParam("id") String id,
            AddVersionRequest body) {
        AccessContext ctx = Callers.context(security);
        requireBody(body);
        SecretVersion added;
        try (SecretValue value = body.toValue()) {
            added = manager.addVersion(ctx, id, new NewVersion(value, body.toStatus(), body.toExpiresAt()));
        }
        return Response.created(uri.getAbsolutePathBuilder().path(Integer.toString(added.number())).build())
                .entity(VersionBody.from(added)).build();
    }

    /** Every version, oldest first. */
    @GET
    @Path(ID + "/versions")
    public PageBody<VersionBody> versions(@Context SecurityContext security, @PathParam("id") String id) {
        return PageBody.of(manager.versions(Callers.context(security), id).stream().map(VersionBody::from).toList());
    }

    /** Disables a version. */
    @POST
    @Path(ID + "/versions/{n: [0-9]{1,9}}/disable")
    public VersionBody disable(@Context SecurityContext security, @PathParam("id") String id, @PathParam("n") int n) {
        return VersionBody.from(manager.disable(Callers.context(security), id, n));
    }

    /** Enables a disabled version. */
    @POST
    @Path(ID + "/versions/{n: [0-9]{1,9}}/enable")
    public VersionBody enable(@Context SecurityContext security, @PathParam("id") String id, @PathParam("n") int n) {
        return VersionBody.from(manager.enable(Callers.context(security), id, n));
    }

    /** Destroys a version for good. */
    @POST
    @Path(ID + "/versions/{n: [0-9]{1,9}}/destroy")
    public VersionBody destroy(@Context SecurityContext security, @PathParam("id") String id, @PathParam("n") int n) {
        return VersionBody.from(manager.destroy(Callers.context(security), id, n));
    }

    /** Moves an alias by compare-and-set: 409 {@code VERSION_CONFLICT} when it points elsewhere. */
    @POST
    @Path(ID + "/aliases/{alias}")
    @Consumes(MediaType.APPLICATION_JSON)
    public AliasesBody moveAlias(@Context SecurityContext security, @PathParam("id") String id, @PathParam("alias") String alias,
            MoveAliasRequest body) {
        requireBody(body);
        return AliasesBody.from(manager.moveAlias(Callers.context(security), id, alias, body.target(), body.expected()));
    }

    /**
     * Removes an alias ({@code next} or a named one) by compare-and-set on {@code expectedVersion}
     * (absent: wherever it points): 200 with the aliases left; 409 {@code VERSION_CONFLICT} when it
     * points elsewhere, 404 {@code ALIAS_NOT_FOUND} when it is not set, 400 {@code INVALID_ARGUMENT}
     * for {@code current} and {@code previous}.
     */
    @DELETE
    @Path(ID + "/aliases/{alias}")
    public AliasesBody removeAlias(@Context SecurityContext security, @PathParam("id") String id,
            @PathParam("alias") String alias, @QueryParam("expectedVersion") String expectedVersion) {
        return AliasesBody.from(manager.removeAlias(Callers.context(security), id, alias, QueryParams.optionalInt(
                "expectedVersion", expectedVersion)));
    }

    /**
     * Reads a value by alias ({@code current} by default) or version number. The route takes any
     * {@code <first>/<rest>} (ids have no slash, and id routes with more literal text win), so a
     * name that breaks the path rules is a 400 {@code INVALID_PATH}, not a routing 404.
     */
    @GET
    @Path(NAME)
    public SecretValueBody read(@Context SecurityContext security, @Context UriInfo uri,
            @QueryParam("alias") String alias, @QueryParam("version") String version) {
        AccessContext ctx = Callers.context(security);
        SecretPath path = NamedPaths.of(uri, ctx.tenant(), "v1/secrets");
        Integer number = QueryParams.integer("version", version);
        if (number != null && alias != null) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "give either 'alias' or 'version', not both");
        }
        VersionSelector selector = number != null ? VersionSelector.number(number)
                : VersionSelector.alias(alias == null ? "current" : alias);
        try (SecretContent content = manager.read(ctx, path, selector)) {
            return SecretValueBody.from(content);
        }
    }

    /**
     * A POST to {@code <first>/<rest>} that no id route took. By name there are only reads, so
     * this was meant for an id route: 404 {@code SECRET_NOT_FOUND} when {@code <first>} is not an
     * id ({@code /v1/secrets/null/versions}), 404 {@code ROUTE_NOT_FOUND} when it is one and the
     * rest names no route. Nothing of the path is echoed.
     */
    @POST
    @Path(NAME)
    public Response postToName(@Context UriInfo uri) {
        String first = uri.getPathSegments().size() > 2 ? uri.getPathSegments().get(2).getPath() : "";
        if (first.startsWith("sec_")) {
            throw new jakarta.ws.rs.NotFoundException();
        }
        throw new NotFoundException(ErrorCode.SECRET_NOT_FOUND,
                "no secret has that id: ids start with sec_, and a secret is only read by name (GET), never written by name");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
