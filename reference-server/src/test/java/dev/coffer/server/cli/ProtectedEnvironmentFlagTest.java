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

/** {@code serve --protected-environment} takes environment names only, refused before anything starts. */
class ProtectedEnvironmentFlagTest {
    @TempDir
    Path tmp;

    @Test
    void aMalformedProtectedEnvironmentIsAUsageError() {
        Path data = tmp.resolve("data");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Coffer.run("serve", "--protected-environment", "prod", "--protected-environment", "Not_An_Env", "--data", data.toString());
        } finally {
            System.setErr(err);
        }
        assertEquals(ExitCodes.USAGE, exit);
        assertFalse(Files.exists(data), "nothing may start on a usage error");
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("--protected-environment"), printed);
    }
}
