package dev.coffer.config.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.coffer.spi.model.VersionSelector;
import org.junit.jupiter.api.Test;

class SecretMappingTest {
    @Test
    void plainPathReadsCurrent() {
        SecretMapping m = SecretMapping.parse("db.password", "prod/payments/db-password");
        assertEquals("prod", m.environment());
        assertEquals("payments/db-password", m.path());
        assertEquals(VersionSelector.current(), m.selector());
        assertEquals("prod/payments/db-password#current", m.target());
    }

    @Test
    void aliasAndVersionSelectors() {
        assertEquals(VersionSelector.alias("next"), SecretMapping.parse("p", "prod/a#next").selector());
        assertEquals(VersionSelector.number(3), SecretMapping.parse("p", "prod/a/b.c@3").selector());
        assertEquals("a/b.c", SecretMapping.parse("p", "prod/a/b.c@3").path());
    }

    @Test
    void aReferenceFollowsTheMappingRulesAndItsErrorsStartWhereItIsWritten() {
        SecretMapping m = SecretMapping.reference("DB_PASSWORD", "variable DB_PASSWORD", " prod/payments/db@2 ");
        assertEquals("DB_PASSWORD", m.property());
        assertEquals("prod/payments/db@2", m.target());
        assertEquals(SecretMapping.parse("DB_PASSWORD", "prod/payments/db@2"), m);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SecretMapping.reference("x", "expression ${coffer::prod/a#b@1}", "prod/a#b@1"));
        assertEquals("expression ${coffer::prod/a#b@1} has both #alias and @version; choose one", e.getMessage());
    }

    @Test
    void onlyAliasNextFallsBackToCurrent() {
        assertEquals(true, SecretMapping.parse("p", "prod/a#next").fallsBackToCurrent());
        assertEquals(false, SecretMapping.parse("p", "prod/a").fallsBackToCurrent());
        assertEquals(false, SecretMapping.parse("p", "prod/a#previous").fallsBackToCurrent());
        assertEquals(false, SecretMapping.parse("p", "prod/a#next-blue").fallsBackToCurrent());
        assertEquals(false, SecretMapping.parse("p", "prod/a@2").fallsBackToCurrent());
        assertEquals(SecretMapping.parse("p", "prod/a"), SecretMapping.parse("p", "prod/a#next").atCurrent());
    }

    @Test
    void missingPathIsRefusedWithThePropertyAndText() {
        assertEquals("coffer.map.db='prod': a secret path has no path after the environment; write <environment>/<path>"
                        + "; write <environment>/<path>[#alias|@version]",
                message("db", "prod"));
    }

    @Test
    void preciseMessages() {
        assertEquals("coffer.map.db='prod/a#x@2' has both #alias and @version; choose one", message("db", "prod/a#x@2"));
        assertEquals("coffer.map.db='prod/a@two': version 'two' after @ is not a number; write e.g. @3", message("db", "prod/a@two"));
        assertEquals("coffer.map.db='Prod/a': environment must match [a-z][a-z0-9-]{0,62}; write <environment>/<path>[#alias|@version]",
                message("db", "Prod/a"));
        assertEquals("coffer.map.db='prod/a//b': path segment 2 is empty; segments are joined by single slashes; write <environment>/<path>[#alias|@version]",
                message("db", "prod/a//b"));
        assertEquals("coffer.map.db='prod/a@0': version must be at least 1, got 0; write <environment>/<path>[#alias|@version]",
                message("db", "prod/a@0"));
        assertEquals("coffer.map. names no property; write coffer.map.<property>=<environment>/<path>[#alias|@version]",
                message("", "prod/a"));
    }

    private static String message(String property, String text) {
        return assertThrows(IllegalArgumentException.class, () -> SecretMapping.parse(property, text)).getMessage();
    }
}
