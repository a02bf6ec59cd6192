package dev.coffer.server.cli;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditSummary;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Collectors;

/** The audit summary as text for people: one titled table per question, no hashes. */
final class AuditText {
    private AuditText() {}

    /** {@code audit summary}. */
    static String summary(AuditSummary s) {
        StringBuilder out = new StringBuilder("Audit summary from ").append(s.since()).append(" to ").append(s.until()).append('\n');
        section(out, "Reads by principal", counts("PRINCIPAL", "READS", s.readsByPrincipal()));
        section(out, "Reads by secret", counts("SECRET", "READS", s.readsBySecret()));
        Table breakGlass = new Table("TIME", "PRINCIPAL", "SECRET", "VERSION", "REASON", "TICKET");
        for (AuditEvent e : s.breakGlassReads()) {
            breakGlass.row(e.createdAt(), e.principal(), e.environment() + "/" + e.path(), e.version(), e.reason(), e.ticket());
        }
        section(out, "Break-glass reads", breakGlass);
        section(out, "Denied reads (" + s.deniedReadCount() + ")", counts("PRINCIPAL", "DENIED", s.deniedReads()));
        section(out, "Rotations by owner team", counts("OWNER TEAM", "ROTATIONS", s.rotationsByOwnerTeam()));
        Table overdue = new Table("SECRET", "OWNER TEAM", "DUE SINCE");
        s.pastRotationPeriod().forEach(o -> overdue.row(o.path(), o.ownerTeam(), o.dueAt()));
        section(out, "Past their rotation period", overdue);
        return out.toString().stripTrailing();
    }

    /** Largest count first, then by name. */
    private static Table counts(String what, String count, Map<String, Long> counts) {
        Table table = new Table(what, count);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> table.row(e.getKey(), e.getValue()));
        return table;
    }

    private static void section(StringBuilder out, String title, Table table) {
        out.append('\n').append(title).append(":\n");
        out.append(table.isEmpty() ? "  none" : table.toString().lines().map(l -> "  " + l).collect(Collectors.joining("\n")));
        out.append('\n');
    }
}
