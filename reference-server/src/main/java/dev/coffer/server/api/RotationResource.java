package dev.coffer.server.api;

import static dev.coffer.server.api.QueryParams.requireBody;

import dev.coffer.server.api.dto.AliasesBody;
import dev.coffer.server.api.dto.RotateNowRequest;
import dev.coffer.server.api.dto.RotationPolicyBody;
import dev.coffer.server.api.dto.RotationRunBody;
import dev.coffer.server.api.dto.RotationStatusBody;
import dev.coffer.server.api.json.StrictJson;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.rotation.RotationManager;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Objects;

/**
 * {@code /v1/secrets/{id}/rotation}: a secret's rotation policy and runs. Setting or removing the
 * policy needs {@code secrets:admin}; running, cancelling and rolling back need {@code secrets:rotate};
 * the kernel authorizes and audits every call. The class path holds more literal text than
 * {@link SecretsResource}'s, so JAX-RS tries it first for these routes and the read-by-name route
 * never sees them.
 */
@Path("v1/secrets/{id: sec_[^/]*}/rotation")
@Produces(MediaType.APPLICATION_JSON)
public class RotationResource {
    private final RotationManager rotations;

    public RotationResource(RotationManager rotations) {
        this.rotations = Objects.requireNonNull(rotations, "rotations");
    }

    /** Sets or replaces the policy: 200 with the status. 400 {@code INVALID_ROTATION_POLICY} for an unknown rotator, a bad schedule or params it refuses. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public RotationStatusBody put(@Context SecurityContext security, @PathParam("id") String id, RotationPolicyBody body) {
        return RotationStatusBody.from(rotations.setPolicy(Callers.context(security), SecretRef.id(id), requireBody(body).toPolicy()));
    }

    /** The status: policy, last and next rotation, overdue, open and last run. 404 {@code ROTATION_NOT_CONFIGURED} without a policy. */
    @GET
    public RotationStatusBody get(@Context SecurityContext security, @PathParam("id") String id) {
        return RotationStatusBody.from(rotations.status(Callers.context(security), SecretRef.id(id)));
    }

    /** Removes the policy: 204. 409 {@code ROTATION_IN_PROGRESS} while a run is open. */
    @DELETE
    public Response delete(@Context SecurityContext security, @PathParam("id") String id) {
        rotations.removePolicy(Callers.context(security), SecretRef.id(id));
        return Response.noContent().build();
    }

    /**
     * Opens a run now, whatever the schedule: 202 with the run, which the engine drives from there.
     * The body is optional; {@code {"testOnly":true}} creates, applies and tests a value, then discards it.
     */
    @POST
    @Path("run")
    public Response run(@Context SecurityContext security, @PathParam("id") String id,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @HeaderParam(HttpHeaders.CONTENT_LENGTH) String length,
            InputStream body) throws IOException {
        RotateNowRequest request = optionalBody(body, contentType, length);
        boolean testOnly = request != null && request.isTestOnly();
        return Response.accepted(RotationRunBody.from(rotations.rotateNow(Callers.context(security), SecretRef.id(id), testOnly)))
                .build();
    }

    /** Asks the engine to cancel the open run: 202 with the run. 409 {@code ROTATION_NOT_RUNNING} without one (or once promoted). */
    @POST
    @Path("cancel")
    public Response cancel(@Context SecurityContext security, @PathParam("id") String id) {
        return Response.accepted(RotationRunBody.from(rotations.cancel(Callers.context(security), SecretRef.id(id)))).build();
    }

    /** Moves {@code current} back to {@code previous} while it is enabled: 200 with the aliases. 409 {@code ROLLBACK_UNAVAILABLE}. */
    @POST
    @Path("rollback")
    public AliasesBody rollback(@Context SecurityContext security, @PathParam("id") String id) {
        return AliasesBody.from(rotations.rollback(Callers.context(security), SecretRef.id(id)));
    }

    /**
     * A body that may be absent: none (no bytes) is {@code null}; one that is there must be JSON and
     * is read as strictly, and within the same limit, as every other body.
     */
    private static RotateNowRequest optionalBody(InputStream in, String contentType, String length) throws IOException {
        if (in == null || "0".equals(length == null ? null : length.trim())) {
            return null;
        }
        PushbackInputStream body = new PushbackInputStream(in, 1);
        int first = body.read();
        if (first < 0) {
            return null;
        }
        body.unread(first);
        MediaType type;
        try {
            type = contentType == null ? null : MediaType.valueOf(contentType);
        } catch (IllegalArgumentException e) {
            type = null;
        }
        if (type == null || !(MediaType.APPLICATION_JSON_TYPE.isCompatible(type) || type.getSubtype().endsWith("+json"))) {
            throw new NotSupportedException();
        }
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            declared = -1;
        }
        return StrictJson.read(body, declared, RotateNowRequest.class);
    }
}
