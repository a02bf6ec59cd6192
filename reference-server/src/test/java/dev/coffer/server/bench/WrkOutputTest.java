package dev.coffer.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The wrk parser on output captured from wrk 4 on the project's machine (test resources bench/wrk-*.txt), each followed by bash's times. */
class WrkOutputTest {
    private static String sample(String name) throws IOException {
        try (InputStream in = WrkOutputTest.class.getResourceAsStream("/bench/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aCleanAuthenticatedRunGivesRequestsPercentilesAndChildrenCpu() throws IOException {
        LoadResult r = WrkOutput.parse(sample("wrk-ok.txt"), true);
        assertEquals(1655, r.requests());
        assertEquals(8.08, r.seconds(), 1e-9);
        assertEquals(71.25, r.p50Ms(), 1e-9);
        assertEquals(224.15, r.p99Ms(), 1e-9);
        assertEquals(0, r.unexpected());
        assertEquals(0, r.socketErrors());
        assertEquals(108.0, r.driverCpuMs(), 1e-6, "the second times line: the children's 0.010s user + 0.098s system");
        assertEquals(1655 / 8.08, r.perSecond(), 1e-9);
        assertTrue(r.clean());
    }

    @Test
    void socketErrorsAndNon2xxFailTheWindow() throws IOException {
        LoadResult r = WrkOutput.parse(sample("wrk-errors.txt"), true);
        assertEquals(1463, r.requests());
        assertEquals(13, r.unexpected());
        assertEquals(39689, r.socketErrors(), "connect 0 + read 0 + write 39689 + timeout 0");
        assertEquals(58.90, r.p50Ms(), 1e-9);
        assertEquals(385.27, r.p99Ms(), 1e-9);
        assertFalse(r.clean());
        assertEquals("13 unexpected status, 39689 socket errors", r.failure());
    }

    @Test
    void theFloorExpectsEveryResponseToBeNon2xx() throws IOException {
        String text = sample("wrk-401.txt");
        LoadResult floor = WrkOutput.parse(text, false);
        assertEquals(889, floor.requests());
        assertEquals(0, floor.unexpected(), "all 889 were non-2xx, as a 401 floor must be");
        assertTrue(floor.clean());
        assertEquals(40.67, floor.p50Ms(), 1e-9);
        assertEquals(465.08, floor.p99Ms(), 1e-9);
        LoadResult asReads = WrkOutput.parse(text, true);
        assertEquals(889, asReads.unexpected(), "the same output read as authenticated reads: every response is wrong");
        assertFalse(asReads.clean());
    }

    @Test
    void secondsAndMicrosecondsAreConvertedToMilliseconds() {
        String text = """
                Running 3s test @ http://127.0.0.1:1
                  Latency Distribution
                     50%  812.00us
                     75%    1.00ms
                     90%    1.10s
                     99%    1.30s
                  69 requests in 3.07s, 15.90KB read
                Requests/sec:     22.49
                """;
        LoadResult r = WrkOutput.parse(text, true);
        assertEquals(0.812, r.p50Ms(), 1e-9);
        assertEquals(1300.0, r.p99Ms(), 1e-9);
        assertTrue(Double.isNaN(r.driverCpuMs()), "no times lines: the CPU is not known");
    }

    @Test
    void outputWithoutARequestCountIsRefusedWithItsFirstLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WrkOutput.parse("unable to connect to 127.0.0.1:35923 Connection refused\n0m0.000s 0m0.002s\n", true));
        assertEquals("wrk printed no request count: unable to connect to 127.0.0.1:35923 Connection refused", e.getMessage());
    }

    @Test
    void outputWithoutTheLatencyDistributionIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WrkOutput.parse("  100 requests in 1.00s, 1KB read\nRequests/sec: 100\n", true));
        assertTrue(e.getMessage().contains("--latency"), e.getMessage());
    }
}
