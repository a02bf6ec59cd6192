package dev.coffer.server.api;

import dev.coffer.server.api.dto.PageBody;
import dev.coffer.server.api.dto.RotationStatusBody;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.rotation.RotationFilter;
import dev.coffer.spi.rotation.RotationManager;
import dev.coffer.spi.rotation.RotationStatus;
import dev.coffer.spi.rotation.RunState;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Objects;

/** {@code /v1/rotations}: the rotation statuses of the caller's tenant that the caller may see, by secret id. */
@Path("v1/rotations")
@Produces(MediaType.APPLICATION_JSON)
public class RotationsResource {
    private final RotationManager rotations;

    public RotationsResource(RotationManager rotations) {
        this.rotations = Objects.requireNonNull(rotations, "rotations");
    }

    /**
     * Lists statuses; {@code state} keeps secrets whose latest run is in that state ({@code FAILED},
     * {@code APPLIED}, ...), {@code overdue=true} the overdue ones.
     */
    @GET
    public PageBody<RotationStatusBody> list(@Context SecurityContext security, @QueryParam("state") String state,
            @QueryParam("overdue") String overdue, @QueryParam("pageToken") String pageToken, @QueryParam("limit") String limit) {
        RotationFilter filter = new RotationFilter(QueryParams.enumValue("state", state, RunState.class), flag("overdue", overdue));
        Page<RotationStatus> page = rotations.list(Callers.context(security), filter, QueryParams.page(pageToken, limit));
        return new PageBody<>(page.items().stream().map(RotationStatusBody::from).toList(), page.nextPageToken());
    }

    private static boolean flag(String name, String value) {
        if (value == null || value.isBlank() || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "query parameter '" + name + "' must be true or false");
    }
}
