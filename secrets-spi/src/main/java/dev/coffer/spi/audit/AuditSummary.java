package dev.coffer.spi.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Answers "who read what and why" for a period.
 *
 * @param since start of the period
 * @param until end of the period, inclusive (the time of the summary)
 * @param readsByPrincipal successful reads (normal and break-glass) per principal id
 * @param readsBySecret successful reads per {@code <environment>/<path>}
 * @param breakGlassReads every read made under a break-glass grant, with reason and ticket
 * @param deniedReads read attempts refused by policy, per principal id
 * @param rotationsByOwnerTeam moves of alias {@code current} per owning team
 * @param pastRotationPeriod secrets whose rotation period has elapsed since their last rotation
 */
public record AuditSummary(
        Instant since,
        Instant until,
        Map<String, Long> readsByPrincipal,
        Map<String, Long> readsBySecret,
        List<AuditEvent> breakGlassReads,
        Map<String, Long> deniedReads,
        Map<String, Long> rotationsByOwnerTeam,
        List<OverdueRotation> pastRotationPeriod) {

    public AuditSummary {
        readsByPrincipal = Map.copyOf(readsByPrincipal);
        readsBySecret = Map.copyOf(readsBySecret);
        breakGlassReads = List.copyOf(breakGlassReads);
        deniedReads = Map.copyOf(deniedReads);
        rotationsByOwnerTeam = Map.copyOf(rotationsByOwnerTeam);
        pastRotationPeriod = List.copyOf(pastRotationPeriod);
    }

    /** Total denied read attempts. */
    public long deniedReadCount() {
        return deniedReads.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * A secret overdue for rotation.
     *
     * @param secretId id
     * @param path {@code <environment>/<path>}
     * @param ownerTeam owning team
     * @param dueAt when rotation was due
     */
    public record OverdueRotation(String secretId, String path, String ownerTeam, Instant dueAt) {}
}
