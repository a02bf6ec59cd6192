package dev.coffer.server.api.dto;

import dev.coffer.server.internal.Instants;
import dev.coffer.spi.audit.AuditSummary;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /v1/audit/summary}: who read what and why.
 *
 * @param since start
 * @param until end (inclusive)
 * @param readsByPrincipal reads per principal
 * @param readsBySecret reads per {@code <environment>/<path>}
 * @param breakGlassReads reads under break-glass grants
 * @param deniedReads refused reads per principal
 * @param rotationsByOwnerTeam moves of {@code current} per owner team
 * @param pastRotationPeriod secrets overdue for rotation
 */
public record AuditSummaryBody(String since, String until, Map<String, Long> readsByPrincipal, Map<String, Long> readsBySecret,
        List<AuditEventBody> breakGlassReads, Map<String, Long> deniedReads, Map<String, Long> rotationsByOwnerTeam,
        List<OverdueBody> pastRotationPeriod) {

    /** The body of {@code s}. */
    public static AuditSummaryBody from(AuditSummary s) {
        return new AuditSummaryBody(Instants.format(s.since()), Instants.format(s.until()),
                new TreeMap<>(s.readsByPrincipal()), new TreeMap<>(s.readsBySecret()),
                s.breakGlassReads().stream().map(AuditEventBody::from).toList(), new TreeMap<>(s.deniedReads()),
                new TreeMap<>(s.rotationsByOwnerTeam()),
                s.pastRotationPeriod().stream()
                        .map(o -> new OverdueBody(o.secretId(), o.path(), o.ownerTeam(), Instants.format(o.dueAt())))
                        .toList());
    }

    /**
     * A secret overdue for rotation.
     *
     * @param secretId id
     * @param path {@code <environment>/<path>}
     * @param ownerTeam owner team
     * @param dueAt when rotation was due
     */
    public record OverdueBody(String secretId, String path, String ownerTeam, String dueAt) {}
}
