package dev.coffer.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** /proc/<pid>/stat: utime and stime counted after the command name, which may hold spaces and parentheses. */
class ProcCpuTest {
    @Test
    void ticksAreUtimePlusStimeCountedFromTheLastParenthesis() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 567 0 0 20 0 30 0 100 1000 100";
        assertEquals(1234 + 567, ProcCpu.ticks(stat));
    }

    @Test
    void thisProcessHasSpentCpuAndAGoneProcessHasNone() {
        Assumptions.assumeTrue(ProcCpu.available(), "Linux /proc");
        assertTrue(ProcCpu.selfMs() > 0);
        assertTrue(Double.isNaN(ProcCpu.processMs(Long.MAX_VALUE)));
        assertTrue(ProcCpu.postgresMs() >= 0);
    }

    @Test
    void theMeterCountsABackendThatStartsAndEndsInsideTheWindow() throws Exception {
        Assumptions.assumeTrue(ProcCpu.available(), "Linux /proc");
        Postgres pg = new Postgres("jdbc:postgresql://127.0.0.1:5432/", "postgres", null);
        Assumptions.assumeTrue(pg.unreachableReason() == null, "PostgreSQL at 127.0.0.1:5432");
        ProcCpu.PostgresMeter meter = ProcCpu.PostgresMeter.start();
        try (java.sql.Connection c = pg.connect("postgres"); java.sql.Statement s = c.createStatement()) {
            // Enough work for a few clock ticks, in a backend that did not exist when the meter started.
            s.execute("SELECT count(*) FROM generate_series(1, 5000000)");
        }
        Thread.sleep(300);
        double before = ProcCpu.postgresMs();
        double window = meter.stopMs();
        assertTrue(window >= 10, "the ended backend's CPU was counted: " + window + " ms (all postgres now: " + before + ")");
    }
}
