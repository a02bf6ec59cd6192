package dev.coffer.server.api;

import dev.coffer.server.api.dto.PageBody;
import dev.coffer.server.api.dto.PolicyBody;
import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Objects;

/** {@code /v1/policies}: the caller's tenant's policies. */
@Path("v1/policies")
@Produces(MediaType.APPLICATION_JSON)
public class PoliciesResource {
    private final SecretManager manager;

    public PoliciesResource(SecretManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** Every policy, by name. */
    @GET
    public PageBody<PolicyBody> list(@Context SecurityContext security) {
        return PageBody.of(manager.listPolicies(Callers.context(security)).stream().map(PolicyBody::from).toList());
    }

    /** A policy by name; 404 {@code POLICY_NOT_FOUND}. */
    @GET
    @Path("{name}")
    public PolicyBody get(@Context SecurityContext security, @PathParam("name") String name) {
        return manager.getPolicy(Callers.context(security), name).map(PolicyBody::from)
                .orElseThrow(() -> new NotFoundException(ErrorCode.POLICY_NOT_FOUND, "no policy '" + Messages.printable(name) + "'"));
    }

    /** Creates or replaces a policy. */
    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public PolicyBody put(@Context SecurityContext security, @PathParam("name") String name, PolicyBody body) {
        return PolicyBody.from(manager.putPolicy(Callers.context(security), QueryParams.requireBody(body).toPolicy(name)));
    }

    /** Deletes a policy: 204. */
    @DELETE
    @Path("{name}")
    public Response delete(@Context SecurityContext security, @PathParam("name") String name) {
        manager.deletePolicy(Callers.context(security), name);
        return Response.noContent().build();
    }
}
