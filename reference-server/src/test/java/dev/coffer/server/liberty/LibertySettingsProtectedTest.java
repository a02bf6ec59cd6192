package dev.coffer.server.liberty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.TokenBounds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code coffer.protected-environments}: a comma-separated list of environment names. */
class LibertySettingsProtectedTest {
    @Test
    void protectedEnvironmentsAreCommaSeparated() {
        assertEquals(List.of("prod", "staging"), LibertySettings.environments(" prod, staging ,"));
        assertEquals(List.of(), LibertySettings.environments(""));
    }

    @Test
    void aProtectedEnvironmentMustBeAnEnvironmentName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LibertySettings(Path.of("d"), null, null,
                null, 10, null, true, new TokenBounds(Duration.ofDays(1), Duration.ofSeconds(30)), List.of("Prod")));
        assertTrue(e.getMessage().startsWith(LibertySettings.PROTECTED_ENVIRONMENTS), e.getMessage());
    }
}
