package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} refuses contradictory or malformed trust, token and rotation flags before starting anything. */
class ServeFlagsTest {
    @TempDir
    Path tmp;

    @Test
    void trustingForwardedForWithoutTrustedProxiesIsAUsageError() {
        String err = refused("serve", "--trust-forwarded-for");
        assertTrue(err.contains("--trust-forwarded-for needs --trusted-proxy"), err);
    }

    @Test
    void trustedProxiesWithoutTrustingForwardedForIsAUsageError() {
        String err = refused("serve", "--trusted-proxy", "10.0.0.0/8");
        assertTrue(err.contains("--trusted-proxy has no effect without --trust-forwarded-for"), err);
    }

    @Test
    void aTrustedProxyMustBeAnAddressOrNetwork() {
        String err = refused("serve", "--trust-forwarded-for", "--trusted-proxy", "proxy.example");
        assertTrue(err.contains("--trusted-proxy"), err);
    }

    @Test
    void tokenBoundsMustBeDurations() {
        assertTrue(refused("serve", "--max-token-lifetime", "forever").contains("--max-token-lifetime"));
        assertTrue(refused("serve", "--clock-skew", "1h").contains("clock skew"));
    }

    @Test
    void rotationWorkersMustBeBetweenOneAndSixtyFour() {
        assertTrue(refused("serve", "--rotation-workers", "0").contains("--rotation-workers must be at least 1; --no-rotation"));
        assertTrue(refused("serve", "--rotation-workers", "65").contains("--rotation-workers must be between 1 and 64"));
        assertTrue(refused("serve", "--rotation-workers", "many").contains("--rotation-workers"));
    }

    @Test
    void rotationClaimLeaseMustBeBetweenOneSecondAndOneHour() {
        assertTrue(refused("serve", "--rotation-claim-lease", "500ms").contains("--rotation-claim-lease must be between 1s and 1h, got 0.5s"));
        assertTrue(refused("serve", "--rotation-claim-lease", "2h").contains("--rotation-claim-lease must be between 1s and 1h, got 2h"));
        assertTrue(refused("serve", "--rotation-claim-lease", "30").contains("--rotation-claim-lease"));
    }

    @Test
    void rotationIntervalMustBeBetweenOneSecondAndFiveMinutes() {
        assertTrue(refused("serve", "--rotation-interval", "100ms").contains("--rotation-interval must be between 1s and 5m, got 0.1s"));
        assertTrue(refused("serve", "--rotation-interval", "10m").contains("--rotation-interval must be between 1s and 5m, got 10m"));
        assertTrue(refused("serve", "--rotation-interval", "often").contains("--rotation-interval"));
    }

    @Test
    void httpThreadsMustBeBetweenSixteenAndTwoThousand() {
        assertTrue(refused("serve", "--http-threads", "15").contains("--http-threads must be between 16 and 2000, got 15"));
        assertTrue(refused("serve", "--http-threads", "2001").contains("--http-threads must be between 16 and 2000, got 2001"));
        assertTrue(refused("serve", "--http-threads", "lots").contains("--http-threads"));
    }

    @Test
    void dbPoolSizeMustBeBetweenTwoAndTwoHundred() {
        assertTrue(refused("serve", "--db-pool-size", "1").contains("--db-pool-size must be between 2 and 200, got 1"));
        assertTrue(refused("serve", "--db-pool-size", "201").contains("--db-pool-size must be between 2 and 200, got 201"));
        assertTrue(refused("serve", "--db-pool-size", "ten").contains("--db-pool-size"));
    }

    private String refused(String... args) {
        Path data = tmp.resolve("data");
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data";
        all[args.length + 1] = data.toString();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Coffer.run(all);
        } finally {
            System.setErr(err);
        }
        assertEquals(ExitCodes.USAGE, exit);
        assertFalse(Files.exists(data), "nothing may start on a usage error");
        return captured.toString(StandardCharsets.UTF_8);
    }
}
