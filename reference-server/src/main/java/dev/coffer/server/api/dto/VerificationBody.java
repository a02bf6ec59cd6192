package dev.coffer.server.api.dto;

import dev.coffer.spi.audit.AuditVerification;

/**
 * {@code POST /v1/audit/verify}.
 *
 * @param intact whether the whole chain verified
 * @param eventsChecked events checked
 * @param firstBrokenSeq first event that fails, 0 when intact
 * @param problem what was found, or absent
 */
public record VerificationBody(boolean intact, long eventsChecked, long firstBrokenSeq, String problem) {
    /** The body of {@code v}. */
    public static VerificationBody from(AuditVerification v) {
        return new VerificationBody(v.intact(), v.eventsChecked(), v.firstBrokenSeq(), v.problem());
    }
}
