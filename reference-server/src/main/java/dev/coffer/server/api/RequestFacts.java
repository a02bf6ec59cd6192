package dev.coffer.server.api;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Principal;
import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * Request properties the filters share, and the headers a caller uses to state a reason and a
 * ticket. The container-specific layer (Jetty standalone, a servlet filter on Liberty) puts the
 * caller's address in {@link #SOURCE_IP}; {@link RequestIdFilter} puts the id in {@link #REQUEST_ID}.
 */
public final class RequestFacts {
    /** Request property: the request id. */
    public static final String REQUEST_ID = "dev.coffer.requestId";
    /** Request property: the caller's address. */
    public static final String SOURCE_IP = "dev.coffer.sourceIp";
    /** Header: correlates the request with logs and audit. */
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    /** Header: why the caller acts (recorded in audit). */
    public static final String REASON_HEADER = "X-Coffer-Reason";
    /** Header: the change or incident ticket (for {@code ticketRequired} conditions and audit). */
    public static final String TICKET_HEADER = "X-Coffer-Ticket";

    private RequestFacts() {}

    /**
     * The access context of {@code principal} for this request.
     *
     * @throws dev.coffer.spi.error.InvalidRequestException when reason or ticket are too long or hold control characters
     */
    public static AccessContext contextFor(Principal principal, ContainerRequestContext request) {
        return new AccessContext(principal, (String) request.getProperty(SOURCE_IP), (String) request.getProperty(REQUEST_ID),
                request.getHeaderString(REASON_HEADER), request.getHeaderString(TICKET_HEADER));
    }
}
