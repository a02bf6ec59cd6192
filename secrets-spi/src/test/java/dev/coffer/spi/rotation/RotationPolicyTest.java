package dev.coffer.spi.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RotationPolicyTest {
    private static final RotationSchedule MONTHLY = RotationSchedule.parse("30d");

    @Test
    void aNewPolicyHasTheDocumentedDefaults() {
        RotationPolicy p = RotationPolicy.builder("generated", MONTHLY).build();

        assertEquals(Duration.ofHours(1), p.window());
        assertEquals(Duration.ofHours(1), p.overlap());
        assertEquals(Duration.ZERO, p.canary());
        assertEquals(Map.of(), p.params());
        assertTrue(p.enabled());
        assertEquals(5, p.maxAttempts());
        assertTrue(p.isAutomatic());
    }

    @Test
    void theBoundsThemselvesAreAccepted() {
        RotationPolicy p = RotationPolicy.builder("generated", MONTHLY).window(Duration.ofMinutes(1))
                .overlap(Duration.ofDays(30)).canary(Duration.ofDays(7)).maxAttempts(20).build();
        RotationPolicy q = RotationPolicy.builder("generated", RotationSchedule.parse("0 3 * * 1"))
                .window(Duration.ofDays(7)).overlap(Duration.ZERO).maxAttempts(1).build();

        assertEquals(Duration.ofMinutes(1), p.window());
        assertEquals(Duration.ofDays(7), q.window());
    }

    @Test
    void aDurationWithAFractionOfASecondIsRefusedNotRounded() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> RotationPolicy.builder("generated", RotationSchedule.parse("30d")).overlap(Duration.ofMillis(90_500)).build());
        assertEquals(ErrorCode.INVALID_ROTATION_POLICY, e.code());
        assertTrue(e.getMessage().startsWith("overlap must be whole seconds"), e.getMessage());
    }

    @Test
    void paramsAreSortedAndCannotBeChanged() {
        RotationPolicy p = RotationPolicy.builder("generated", MONTHLY).param("require", "lower").param("length", "20").build();

        assertEquals(List.of("length", "require"), List.copyOf(p.params().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> p.params().put("x", "y"));
        assertEquals("20", p.param("length"));
    }

    @Test
    void manualOverlapAndDisabledPoliciesAreNotRunByTheEngine() {
        assertFalse(RotationPolicy.builder(RotationPolicy.MANUAL_OVERLAP, MONTHLY).build().isAutomatic());
        assertFalse(RotationPolicy.builder("generated", MONTHLY).enabled(false).build().isAutomatic());
    }

    @Test
    void toBuilderKeepsEveryField() {
        RotationPolicy p = RotationPolicy.builder("generated", MONTHLY).window(Duration.ofHours(3)).overlap(Duration.ofDays(2))
                .canary(Duration.ofMinutes(10)).param("length", "40").enabled(false).maxAttempts(7).build();

        assertEquals(p, p.toBuilder().build());
    }

    static Stream<Arguments> brokenRules() {
        Map<String, String> tooMany = new HashMap<>();
        for (int i = 0; i < 33; i++) {
            tooMany.put("p" + i, "v");
        }
        return Stream.of(
                rule("rotator must match [a-z][a-z0-9-]{0,62}, got 'Generated'", b -> RotationPolicy.builder("Generated", MONTHLY)),
                rule("rotator must match [a-z][a-z0-9-]{0,62}, got 'null'", b -> RotationPolicy.builder(null, MONTHLY)),
                rule("schedule is required", b -> RotationPolicy.builder("generated", null)),
                rule("window must be between PT1M and PT168H, got PT59S", b -> b.window(Duration.ofSeconds(59))),
                rule("window must be between PT1M and PT168H, got PT168H1S", b -> b.window(Duration.ofDays(7).plusSeconds(1))),
                rule("overlap must be between PT0S and PT720H, got PT-1S", b -> b.overlap(Duration.ofSeconds(-1))),
                rule("overlap must be between PT0S and PT720H, got PT720H1S", b -> b.overlap(Duration.ofDays(30).plusSeconds(1))),
                rule("canary must be between PT0S and PT168H, got PT168H1S", b -> b.canary(Duration.ofDays(7).plusSeconds(1))),
                rule("canary must be between PT0S and PT168H, got PT-1S", b -> b.canary(Duration.ofSeconds(-1))),
                rule("maxAttempts must be between 1 and 20, got 0", b -> b.maxAttempts(0)),
                rule("maxAttempts must be between 1 and 20, got 21", b -> b.maxAttempts(21)),
                rule("a rotation policy holds at most 32 params, got 33", b -> b.params(tooMany)),
                rule("param name must match [A-Za-z][A-Za-z0-9_.-]{0,63}, got '1length'", b -> b.param("1length", "20")),
                rule("param name must match [A-Za-z][A-Za-z0-9_.-]{0,63}, got 'a b'", b -> b.param("a b", "20")),
                rule("param length is longer than 1024 characters", b -> b.param("length", "x".repeat(1025))),
                rule("param exclude holds a control character", b -> b.param("exclude", "ab\ncd")),
                rule("window (PT2H) must not be longer than the schedule's period (1h)",
                        b -> RotationPolicy.builder("generated", RotationSchedule.parse("1h")).window(Duration.ofHours(2))));
    }

    private static Arguments rule(String message, UnaryOperator<RotationPolicy.Builder> change) {
        return Arguments.of(message, change);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("brokenRules")
    void everyRuleIsRefusedWithInvalidRotationPolicyNamingTheField(String message, UnaryOperator<RotationPolicy.Builder> change) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> change.apply(RotationPolicy.builder("generated", MONTHLY)).build());

        assertEquals(ErrorCode.INVALID_ROTATION_POLICY, e.code());
        assertEquals(message, e.getMessage());
    }

    @Test
    void aParamValueOfExactly1024CharactersAndAMissingValueAreAccepted() {
        Map<String, String> params = new HashMap<>();
        params.put("note", "x".repeat(1024));
        params.put("empty", null);
        RotationPolicy p = RotationPolicy.builder("generated", MONTHLY).params(params).build();

        assertEquals(1024, p.param("note").length());
        assertEquals("", p.param("empty"));
    }
}
