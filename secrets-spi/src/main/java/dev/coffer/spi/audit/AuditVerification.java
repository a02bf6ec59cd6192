package dev.coffer.spi.audit;

/**
 * The result of walking the hash chain.
 *
 * @param intact whether every event verified
 * @param eventsChecked how many events were checked
 * @param firstBrokenSeq the seq of the first event that fails to verify: an altered event, or the
 *        first event after a gap left by removed events; 0 when intact
 * @param problem what was found, or {@code null} when intact
 */
public record AuditVerification(boolean intact, long eventsChecked, long firstBrokenSeq, String problem) {
    /** A chain that verified. */
    public static AuditVerification ok(long eventsChecked) {
        return new AuditVerification(true, eventsChecked, 0, null);
    }

    /** A chain broken at {@code seq}. */
    public static AuditVerification broken(long eventsChecked, long seq, String problem) {
        return new AuditVerification(false, eventsChecked, seq, problem);
    }
}
