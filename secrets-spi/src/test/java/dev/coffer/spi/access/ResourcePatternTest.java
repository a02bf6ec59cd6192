package dev.coffer.spi.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.SecretPath;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResourcePatternTest {
    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "*,                  prod/a,           true",
        "*,                  prod/a/b/c,       true",
        "prod/*,             prod/a,           true",
        "prod/*,             prod/a/b,         true",
        "prod/*,             dev/a,            false",
        "prod/payments/*,    prod/payments,    false",
        "prod/+,             prod/a,           true",
        "prod/+,             prod/a/b,         false",
        "+/payments/db,      dev/payments/db,  true",
        "+/payments/db,      dev/payments/web, false",
        "prod/a,             prod/a,           true",
        "prod/a,             prod/a/b,         false",
        "prod/+/key,         prod/x/key,       true",
        "prod/+/*,           prod/x,           false",
        "prod/+/*,           prod/x/y/z,       true",
    })
    void matchesPaths(String pattern, String path, boolean expected) {
        assertEquals(expected, ResourcePattern.parse(pattern).matches(SecretPath.parse("t", path)));
    }

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
        "*,             prod/*,        true",
        "prod/*,        prod/a/*,      true",
        "prod/a/*,      prod/*,        false",
        "prod/+,        prod/a,        true",
        "prod/+,        prod/*,        false",
        "prod/*,        prod/+,        true",
        "prod/a,        prod/+,        false",
        "prod/+/b,      prod/+/b,      true",
    })
    void coversPatterns(String a, String b, boolean expected) {
        assertEquals(expected, ResourcePattern.parse(a).covers(ResourcePattern.parse(b)));
    }

    @ParameterizedTest(name = "{0} overlaps {1}: {2}")
    @CsvSource({
        "prod/a,        prod/*,     true",
        "prod/a/b,      prod/+,     false",
        "prod/+,        dev/+,      false",
        "+/x,           prod/+,     true",
        "prod/a,        prod/b,     false",
        "*,             dev/q,      true",
    })
    void overlapsPatterns(String a, String b, boolean expected) {
        assertEquals(expected, ResourcePattern.parse(a).overlaps(ResourcePattern.parse(b)));
        assertEquals(expected, ResourcePattern.parse(b).overlaps(ResourcePattern.parse(a)), "overlap is symmetric");
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod/*/a", "prod//a", "prod/a b", "", "prod/../x", "prod/**"})
    void rejectsMalformedPatterns(String pattern) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> ResourcePattern.parse(pattern));
        assertEquals(ErrorCode.INVALID_POLICY, e.code());
    }
}
