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
}
