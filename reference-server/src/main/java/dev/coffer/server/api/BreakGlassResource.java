package dev.coffer.server.api;

import dev.coffer.server.api.dto.BreakGlassRequestBody;
import dev.coffer.server.api.dto.GrantBody;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.BreakGlassGrant;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Objects;

/** {@code POST /v1/break-glass/grants}: emergency read access for the caller. */
@Path("v1/break-glass/grants")
@Produces(MediaType.APPLICATION_JSON)
public class BreakGlassResource {
    private final SecretManager manager;

    public BreakGlassResource(SecretManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** Grants the caller break-glass access: 201 with the grant. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response grant(@Context SecurityContext security, BreakGlassRequestBody body) {
        BreakGlassGrant grant = manager.grantBreakGlass(Callers.context(security), QueryParams.requireBody(body).toRequest());
        return Response.status(Response.Status.CREATED).entity(GrantBody.from(grant)).build();
    }
}
