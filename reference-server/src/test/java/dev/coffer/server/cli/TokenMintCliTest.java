package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.standalone.DataDir;
import dev.coffer.server.standalone.SigningKeys;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void theLifetimeIsStatedInTheUnitsItWasGivenIn(@TempDir Path dir) {
        Path data = dir.resolve("data");
        SigningKeys.loadOrCreate(DataDir.prepare(data));
        CliRun run = CliRun.run(Map.of(), null, "token", "mint", "--subject", "svc:api", "--ttl", "30d", "--data", data.toString());
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertTrue(run.err().contains("token for svc:api, valid for 30d"), run.err());
        assertTrue(!run.err().contains("PT"), run.err());
    }
}
