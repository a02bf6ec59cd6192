package dev.coffer.spi.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionStatusTest {
    private static final Aliases ALIASES = new Aliases(Map.of("current", 3, "previous", 2, "canary", 4));

    @ParameterizedTest
    @CsvSource({
        "ENABLED, 3, CURRENT",
        "ENABLED, 2, PREVIOUS",
        "ENABLED, 4, PENDING",
        "ENABLED, 1, PENDING",
        "DISABLED, 2, DISABLED",
        "DISABLED, 1, DISABLED",
        "DESTROYED, 1, DESTROYED",
    })
    void statusIsDerivedFromStateAndAliases(VersionState state, int number, VersionStatus expected) {
        assertEquals(expected, VersionStatus.derive(state, number, ALIASES));
    }
}
