package dev.coffer.server.metrics;

import dev.coffer.spi.rotation.RotationObserver;
import dev.coffer.spi.rotation.RunState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rotation engine's metrics, as the engine's {@link RotationObserver}:
 *
 * <ul>
 *   <li>{@code coffer_rotation_runs_total{rotator,result}}: runs ended, {@code result} one of
 *       {@code finished}, {@code failed}, {@code abandoned}, {@code cancelled}, {@code discarded};</li>
 *   <li>{@code coffer_rotation_step_seconds{rotator,step,outcome}}: rotator steps, a histogram with
 *       buckets from 10 ms to 2 min (a step talks to a database or a webhook); {@code outcome} is
 *       {@code ok} or the step's reason code ({@code LOGIN_REFUSED}, ...);</li>
 *   <li>{@code coffer_rotation_last_success_seconds{rotator}}: seconds since this process last saw
 *       a run of that rotator finish (no series before the first);</li>
 *   <li>{@code coffer_rotation_overdue_secrets}: secrets whose rotation is overdue, as
 *       {@link #overdue(long)} last set it (the scheduler counts them every minute; -1 before the
 *       first count or when it cannot count).</li>
 * </ul>
 *
 * <p>Rotator names and reason codes come from installed code, not from callers, but are still
 * held to {@value #ROTATORS} and {@value #CODES} distinct values ({@link BoundedTagValues}); steps
 * and results are fixed words. No tag holds a secret's id, path or value.
 *
 * <pre>{@code
 * RotationMetrics observer = new RotationMetrics(metrics);
 * StandardSecretManager.builder()...rotationObserver(observer)...build();
 * }</pre>
 */
public final class RotationMetrics implements RotationObserver {
    /** Micrometer name of the run counter ({@code coffer_rotation_runs_total}). */
    public static final String RUNS = "coffer.rotation.runs";
    /** Micrometer name of the step timer ({@code coffer_rotation_step_seconds}). */
    public static final String STEP = "coffer.rotation.step";
    /** Micrometer name of the time-since-success gauge ({@code coffer_rotation_last_success_seconds}). */
    public static final String LAST_SUCCESS = "coffer.rotation.last.success";
    /** Micrometer name of the overdue gauge ({@code coffer_rotation_overdue_secrets}). */
    public static final String OVERDUE = "coffer.rotation.overdue.secrets";
    /** The most rotator names reported as themselves. */
    static final int ROTATORS = 16;
    /** The most reason codes reported as themselves. */
    static final int CODES = 32;

    private static final Duration[] STEP_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};
    private static final Set<String> STEPS = Set.of("create", "apply", "test", "finish", "retire", "discard");

    private final MeterRegistry registry;
    private final Clock clock;
    private final BoundedTagValues rotators = new BoundedTagValues(ROTATORS);
    private final BoundedTagValues codes = new BoundedTagValues(CODES);
    private final Map<String, AtomicLong> lastSuccessMillis = new ConcurrentHashMap<>();
    private final AtomicLong overdue = new AtomicLong(-1);

    /** Metrics into {@code metrics}' registry, on the system clock. */
    public RotationMetrics(Metrics metrics) {
        this(metrics.registry(), Clock.systemUTC());
    }

    /** Metrics into {@code registry}, times since success measured on {@code clock}. */
    public RotationMetrics(MeterRegistry registry, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        Gauge.builder(OVERDUE, overdue, AtomicLong::get)
                .description("Secrets whose rotation is overdue (due moment plus window passed without a rotation); -1 until counted")
                .register(registry);
    }

    @Override
    public void stepRan(String rotator, String step, Duration took, String errorCode) {
        try {
            Timer.builder(STEP)
                    .description("Duration of rotator steps, by outcome (ok or the step's reason code)")
                    .serviceLevelObjectives(STEP_BUCKETS)
                    .tag("rotator", rotators.of(rotator))
                    .tag("step", step != null && STEPS.contains(step) ? step : BoundedTagValues.OTHER)
                    .tag("outcome", errorCode == null ? "ok" : codes.of(errorCode))
                    .register(registry)
                    .record(took == null || took.isNegative() ? Duration.ZERO : took);
        } catch (RuntimeException e) {
            // An observer must not throw into the engine; a metric lost is not worth a rotation.
        }
    }

    @Override
    public void runEnded(String rotator, RunState state) {
        try {
            String name = rotators.of(rotator);
            Counter.builder(RUNS)
                    .description("Rotation runs ended, by result")
                    .tag("rotator", name)
                    .tag("result", state == null ? BoundedTagValues.NONE : state.name().toLowerCase(Locale.ROOT))
                    .register(registry)
                    .increment();
            if (state == RunState.FINISHED) {
                lastSuccessMillis.computeIfAbsent(name, this::sinceGauge).set(clock.millis());
            }
        } catch (RuntimeException e) {
            // As above: never into the engine.
        }
    }

    /** Sets the overdue gauge ({@code -1}: unknown). */
    public void overdue(long count) {
        overdue.set(count);
    }

    /** The last value {@link #overdue(long)} set. */
    public long overdue() {
        return overdue.get();
    }

    private AtomicLong sinceGauge(String rotator) {
        AtomicLong last = new AtomicLong(clock.millis());
        Gauge.builder(LAST_SUCCESS, last, l -> Math.max(0, clock.millis() - l.get()) / 1000.0)
                .description("Seconds since this process last saw a rotation run of the rotator finish")
                .baseUnit("seconds")
                .tag("rotator", rotator)
                .register(registry);
        return last;
    }

    /** The moment of the last success of {@code rotator}, for tests. */
    Instant lastSuccess(String rotator) {
        AtomicLong last = lastSuccessMillis.get(rotators.of(rotator));
        return last == null ? null : Instant.ofEpochMilli(last.get());
    }
}
