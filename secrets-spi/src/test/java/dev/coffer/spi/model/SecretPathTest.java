package dev.coffer.spi.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretPathTest {
    @Test
    void parseSplitsEnvironmentFromPath() {
        SecretPath path = SecretPath.parse("acme", "prod/payments/stripe-api-key");
        assertEquals("acme", path.tenant());
        assertEquals("prod", path.environment());
        assertEquals("payments/stripe-api-key", path.path());
        assertEquals("prod/payments/stripe-api-key", path.qualifiedName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod/a", "prod/a.b_c-D/9", "p-1/x", "dev/...x/y"})
    void acceptsValidPaths(String text) {
        assertEquals(text, SecretPath.parse("acme", text).qualifiedName());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "prod                | has no path after the environment",
        "prod/               | path must not be empty",
        "prod/a//b           | path segment 2 is empty",
        "prod/a/../b         | path segment 2 is '..'",
        "prod/./b            | path segment 1 is '.'",
        "prod/a b            | path segment 1 must match [A-Za-z0-9._-]+",
        "Prod/a              | environment must match",
        "pr_od/a             | environment must match",
        "1prod/a             | environment must match",
        "prod/a/             | path segment 2 is empty",
    })
    void rejectsInvalidPathsNamingTheRule(String text, String rule) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> SecretPath.parse("acme", text));
        assertEquals(ErrorCode.INVALID_PATH, e.code());
        assertTrue(e.getMessage().contains(rule), e.getMessage());
        // The rule and where it broke, never the refused text (it may be anything the caller pasted).
        assertFalse(text.length() > 5 && e.getMessage().contains(text.trim()), e.getMessage());
    }

    @Test
    void rejectsPathsLongerThan512Characters() {
        String ok = "a".repeat(512);
        assertEquals(ok, SecretPath.of("acme", "prod", ok).path());
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> SecretPath.of("acme", "prod", ok + "b"));
        assertTrue(e.getMessage().contains("at most 512"), e.getMessage());
    }

    @Test
    void rejectsBadTenant() {
        assertThrows(InvalidRequestException.class, () -> SecretPath.of("Acme", "prod", "a"));
        assertThrows(InvalidRequestException.class, () -> SecretPath.of(null, "prod", "a"));
    }

    @Test
    void messagesDoNotEchoControlCharacters() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> SecretPath.parse("acme", "prod/a\nINJECTED"));
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
