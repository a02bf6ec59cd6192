package dev.coffer.server.api.problem;

import dev.coffer.spi.error.SecretsException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Maps every {@link SecretsException} to a problem with the status of its code
 * ({@link dev.coffer.spi.error.ErrorCode#httpStatus()}). Kernel messages name paths and versions
 * and never values, so they are the problem's detail.
 */
@Provider
public final class SecretsExceptionMapper implements ExceptionMapper<SecretsException> {
    @Override
    public Response toResponse(SecretsException e) {
        return Problems.response(e.code(), e.getMessage());
    }
}
