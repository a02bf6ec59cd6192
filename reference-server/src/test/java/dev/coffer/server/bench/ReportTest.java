package dev.coffer.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The report's ratios (issue 16's definitions) and how it prints rows that failed or were not measured. */
class ReportTest {
    private static Row row(String key, String name, double perSecond, double p50, double p99) {
        return new Row(key, name, "16", perSecond, p50, p99, 0.5, Double.NaN, 0.1, "", null);
    }

    @Test
    void theTwoRatiosDivideTheAuditedReadsByTheirCeilings() {
        Report report = new Report(List.of("machine"), List.of(
                row(Report.KEY_H2, "H2 audited read", 2630, 4.8, 16),
                row(Report.KEY_FLOOR, "401 floor", 12135, 1.1, 10),
                row(Report.KEY_PG, "PostgreSQL audited read", 1107, 10, 28),
                row(Report.KEY_PGBENCH, "pgbench", 5258, Double.NaN, Double.NaN)));
        assertEquals(2630.0 / 12135, report.throughputRatio(Report.KEY_H2, Report.KEY_FLOOR).orElseThrow(), 1e-12);
        assertEquals(1107.0 / 5258, report.throughputRatio(Report.KEY_PG, Report.KEY_PGBENCH).orElseThrow(), 1e-12);
        String md = report.markdown();
        assertTrue(md.contains("- PostgreSQL audited reads/s / pgbench select+insert ceiling: 0.21 (goal >= 0.5)"), md);
        assertTrue(md.contains("- H2 audited reads/s / 401 floor: 0.22 (goal >= 0.5)"), md);
        assertTrue(md.contains("| H2 audited read | 16 | 2,630 | 4.80 | 16.00 | 0.500 | — | 0.100 |  |"), md);
        assertTrue(!md.contains("FAILED"), md);
    }

    @Test
    void aFailedOrMissingRowGivesNoRatio() {
        Report report = new Report(List.of(), List.of(
                row(Report.KEY_H2, "H2 audited read", 2630, 4.8, 16),
                new Row(Report.KEY_FLOOR, "401 floor", "16", 12135, 1, 10, 0.1, Double.NaN, 0.1, "", "3 unexpected status, 0 socket errors")));
        assertEquals(Optional.empty(), report.throughputRatio(Report.KEY_H2, Report.KEY_FLOOR), "the floor failed");
        assertEquals(Optional.empty(), report.throughputRatio(Report.KEY_PG, Report.KEY_PGBENCH), "no PostgreSQL rows");
        String md = report.markdown();
        assertTrue(md.contains("**FAILED: 3 unexpected status, 0 socket errors**"), md);
        assertTrue(md.contains("H2 audited reads/s / 401 floor: n/a (a row is missing or failed)"), md);
        assertTrue(md.contains("**1 row(s) FAILED**: 401 floor (16)"), md);
        assertEquals(1, report.failures().size());
    }

    @Test
    void theLatencyRatioIsLargeOverNormalForP50AndP99() {
        Report report = new Report(List.of(), List.of(
                row(Report.KEY_SMALL, "random of 1000", 400, 2.0, 5.0),
                row(Report.KEY_LARGE, "random of 100000", 380, 2.5, 6.0)));
        assertEquals(1.25, report.latencyRatio(false).orElseThrow(), 1e-12);
        assertEquals(1.2, report.latencyRatio(true).orElseThrow(), 1e-12);
        assertTrue(report.markdown().contains("large / normal secret count: p50 1.25, p99 1.20 (goal within 1.5)"));
    }

    @Test
    void aRatioNeedsAPositiveDenominatorAndMeasuredFigures() {
        assertEquals(Optional.empty(), Report.ratio(Optional.of(1.0), Optional.of(0.0)));
        assertEquals(Optional.empty(), Report.ratio(Optional.of(Double.NaN), Optional.of(2.0)));
        assertEquals(Optional.empty(), Report.ratio(Optional.empty(), Optional.of(2.0)));
        assertEquals(Optional.of(0.5), Report.ratio(Optional.of(1.0), Optional.of(2.0)));
    }

    @Test
    void unmeasuredFiguresPrintAsADashAndPipesInNotesCannotBreakTheTable() {
        assertEquals("—", Report.number(Double.NaN, 2));
        assertEquals("12,135", Report.number(12135.4, 0));
        Report report = new Report(List.of(), List.of(new Row(null, "x", "1", 1, 1, 1, 1, 1, 1, "a | b", null)));
        assertTrue(report.markdown().contains("| a / b |"), report.markdown());
    }
}
