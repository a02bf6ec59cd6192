package dev.coffer.server.api.dto;

import dev.coffer.spi.audit.AuditVerification;

/**
 * {@code POST /v1/audit/verify}: the whole chain and its checkpoints are checked; the figures are
 * the caller's tenant's only.
 *
 * @param intact whether the whole chain and its checkpoints verified
 * @param tenant the tenant the figures are for
 * @param eventsChecked the tenant's events checked
 * @param firstSeq the tenant's oldest event checked, 0 when none
 * @param lastSeq the tenant's newest event checked, 0 when none
 * @param checkpointsChecked checkpoints found authentic and matched
 * @param firstBrokenSeq first event that fails; absent when the chain is intact
 * @param problem what was found, or absent
 */
public record VerificationBody(boolean intact, String tenant, long eventsChecked, long firstSeq, long lastSeq,
        long checkpointsChecked, Long firstBrokenSeq, String problem) {
    /** The body of {@code v}. */
    public static VerificationBody from(AuditVerification v) {
        return new VerificationBody(v.intact(), v.tenant(), v.eventsChecked(), v.firstSeq(), v.lastSeq(), v.checkpointsChecked(),
                v.intact() ? null : v.firstBrokenSeq(), v.problem());
    }
}
