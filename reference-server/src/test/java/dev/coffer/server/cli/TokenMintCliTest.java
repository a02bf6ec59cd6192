package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code coffer token mint} mints only what the server accepts as a principal, and says how long a token may live. */
class TokenMintCliTest {

    @Test
    void aGroupSubjectIsRefusedBeforeAnythingIsSigned() {
        CliRun run = CliRun.run(Map.of(), null, "token", "mint", "--subject", "group:x", "--data", "no-such-data-dir");
        assertEquals(ExitCodes.USAGE, run.exit(), run.toString());
        assertEquals("", run.out(), "no token printed");
        assertTrue(run.err().contains("--subject: token subject may not be a group"), run.err());
        assertTrue(run.err().contains("--groups"), run.err());
    }

    @Test
    void theHelpStatesTheLifetimeBound() {
        CliRun run = CliRun.run(Map.of(), null, "token", "mint", "--help");
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        String usage = run.out().replaceAll("\\s+", " ");
        assertTrue(usage.contains("--max-token-lifetime (default 366d)"), usage);
        assertTrue(usage.contains("--ttl (default 1h)"), usage);
        assertTrue(usage.contains("never a group"), usage);
    }
}
