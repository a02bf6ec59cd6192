package dev.coffer.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.rotation.RunState;
import dev.coffer.tck.support.MutableClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the rotation observer exposes: runs by rotator and result, the step histogram by outcome,
 * seconds since the last success on the observer's clock, and tags held to bounded sets.
 */
class RotationMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final RotationMetrics metrics = new RotationMetrics(registry, clock);

    private Scrape scrape() {
        return Scrape.parse(registry.scrape());
    }

    @Test
    void runsAreCountedByRotatorAndResultAndSuccessStartsTheSinceGauge() {
        metrics.runEnded("generated", RunState.FINISHED);
        metrics.runEnded("generated", RunState.FAILED);
        metrics.runEnded("generated", RunState.FAILED);
        assertEquals(1.0, scrape().value("coffer_rotation_runs_total", Map.of("rotator", "generated", "result", "finished")));
        assertEquals(2.0, scrape().value("coffer_rotation_runs_total", Map.of("rotator", "generated", "result", "failed")));
        clock.advance(Duration.ofSeconds(90));
        assertEquals(90.0, scrape().value("coffer_rotation_last_success_seconds", Map.of("rotator", "generated")));
        metrics.runEnded("generated", RunState.FINISHED);
        assertEquals(0.0, scrape().value("coffer_rotation_last_success_seconds", Map.of("rotator", "generated")));
        assertTrue(scrape().named("coffer_rotation_last_success_seconds").stream().noneMatch(s -> "other".equals(s.labels().get("rotator"))));
    }

    @Test
    void stepsAreTimedByOutcomeAndUnknownStepsAndTooManyCodesFoldIntoOther() {
        metrics.stepRan("postgresql", "apply", Duration.ofMillis(300), null);
        metrics.stepRan("postgresql", "apply", Duration.ofSeconds(2), "LOGIN_REFUSED");
        metrics.stepRan("postgresql", "sneaky-step", Duration.ofMillis(1), null);
        for (int i = 0; i < RotationMetrics.CODES + 5; i++) {
            metrics.stepRan("postgresql", "test", Duration.ofMillis(1), "CODE_" + i);
        }
        Scrape s = scrape();
        assertEquals(1.0, s.value("coffer_rotation_step_seconds_count", Map.of("rotator", "postgresql", "step", "apply", "outcome", "ok")));
        assertEquals(1.0, s.value("coffer_rotation_step_seconds_count",
                Map.of("rotator", "postgresql", "step", "apply", "outcome", "LOGIN_REFUSED")));
        assertEquals(1.0, s.value("coffer_rotation_step_seconds_count", Map.of("rotator", "postgresql", "step", "other", "outcome", "ok")));
        assertTrue(s.value("coffer_rotation_step_seconds_count", Map.of("rotator", "postgresql", "step", "test", "outcome", "other")) >= 5.0);
        assertTrue(s.named("coffer_rotation_step_seconds_bucket").stream().anyMatch(x -> "120.0".equals(x.labels().get("le"))),
                "buckets reach two minutes");
    }

    @Test
    void theOverdueGaugeIsMinusOneUntilSet() {
        assertEquals(-1.0, scrape().value("coffer_rotation_overdue_secrets", Map.of()));
        metrics.overdue(3);
        assertEquals(3.0, scrape().value("coffer_rotation_overdue_secrets", Map.of()));
    }

    @Test
    void rotatorNamesPastTheLimitAreOther() {
        for (int i = 0; i < RotationMetrics.ROTATORS + 2; i++) {
            metrics.runEnded("rotator-" + i, RunState.CANCELLED);
        }
        assertEquals(2.0, scrape().value("coffer_rotation_runs_total", Map.of("rotator", "other", "result", "cancelled")));
    }
}
