package dev.coffer.spi.audit;

/**
 * The result of verifying the audit log for one tenant. The whole chain is always checked (one
 * removed or rewritten event anywhere breaks it for everyone); the figures count only the
 * tenant's own events, so a tenant's auditor learns nothing about other tenants' traffic.
 *
 * @param intact whether the chain and its checkpoints verified
 * @param tenant the tenant the figures are for
 * @param eventsChecked how many of the tenant's events were checked
 * @param firstSeq the seq of the tenant's oldest event checked; 0 when none
 * @param lastSeq the seq of the tenant's newest event checked; 0 when none
 * @param checkpointsChecked how many checkpoints were found authentic and matched
 * @param firstBrokenSeq the seq of the first event that fails to verify: an altered event, the
 *        first event after a gap left by removed events, or the first event missing behind a
 *        checkpoint; 0 when intact
 * @param problem what was found (seq numbers only, never another tenant's data), or {@code null} when intact
 */
public record AuditVerification(boolean intact, String tenant, long eventsChecked, long firstSeq, long lastSeq,
        long checkpointsChecked, long firstBrokenSeq, String problem) {

    /** A chain that verified. */
    public static AuditVerification ok(String tenant, long eventsChecked, long firstSeq, long lastSeq, long checkpointsChecked) {
        return new AuditVerification(true, tenant, eventsChecked, firstSeq, lastSeq, checkpointsChecked, 0, null);
    }

    /** A chain broken at {@code seq}. */
    public static AuditVerification broken(String tenant, long eventsChecked, long firstSeq, long lastSeq,
            long checkpointsChecked, long seq, String problem) {
        return new AuditVerification(false, tenant, eventsChecked, firstSeq, lastSeq, checkpointsChecked, seq, problem);
    }
}
