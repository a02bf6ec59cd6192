package dev.coffer.server.api.dto;

import dev.coffer.spi.access.Conditions;
import java.util.List;

/**
 * A policy's conditions.
 *
 * @param mfa the caller must have used a second factor
 * @param ticketRequired the request must carry a ticket ({@code X-Coffer-Ticket})
 * @param sourceCidr networks the caller must come from
 * @param sourceCluster clusters the caller must run in
 */
public record ConditionsBody(Boolean mfa, Boolean ticketRequired, List<String> sourceCidr, List<String> sourceCluster) {

    /** The API conditions. */
    public Conditions toConditions() {
        return new Conditions(Boolean.TRUE.equals(mfa), Boolean.TRUE.equals(ticketRequired), sourceCidr, sourceCluster);
    }

    /** The body of {@code c}. */
    public static ConditionsBody from(Conditions c) {
        return new ConditionsBody(c.mfa(), c.ticketRequired(), c.sourceCidr(), c.sourceCluster());
    }
}
