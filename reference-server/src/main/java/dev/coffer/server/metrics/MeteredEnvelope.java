package dev.coffer.server.metrics;

import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.model.SecretValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Times {@link Envelope#open} as {@code coffer_decrypt_seconds} and counts what fails in the
 * envelope, by operation and error code, as
 * {@code coffer_envelope_failures_total{operation="open|seal|shred",code=...}}: a KMS or key outage
 * is {@code KEY_UNAVAILABLE}, a ciphertext that does not open under its binding {@code INTEGRITY_FAILURE}.
 */
public final class MeteredEnvelope implements Envelope {
    private static final String FAILURES = "coffer.envelope.failures";
    private static final String FAILURES_HELP = "Envelope operations (open = decrypt, seal = encrypt, shred) that failed, by error code";

    private final Envelope delegate;
    private final MeterRegistry registry;
    private final Timer decrypt;

    public MeteredEnvelope(Envelope delegate, Metrics metrics) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.registry = metrics.registry();
        this.decrypt = Metrics.latency("coffer.decrypt", "Latency of opening a sealed value (tenant key + data key + value)")
                .register(registry);
        // The series alerts watch exist from the start, at 0.
        failures("open", "KEY_UNAVAILABLE");
        failures("open", "INTEGRITY_FAILURE");
        failures("seal", "KEY_UNAVAILABLE");
    }

    @Override
    public SealedValue seal(SecretValue value, ValueBinding binding) {
        try {
            return delegate.seal(value, binding);
        } catch (RuntimeException e) {
            failures("seal", FailureCode.of(e)).increment();
            throw e;
        }
    }

    @Override
    public SecretValue open(SealedValue sealed, ValueBinding binding) {
        long start = System.nanoTime();
        try {
            return delegate.open(sealed, binding);
        } catch (RuntimeException e) {
            failures("open", FailureCode.of(e)).increment();
            throw e;
        } finally {
            decrypt.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void shred(SealedValue sealed, ValueBinding binding) {
        try {
            delegate.shred(sealed, binding);
        } catch (RuntimeException e) {
            failures("shred", FailureCode.of(e)).increment();
            throw e;
        }
    }

    private Counter failures(String operation, String code) {
        return Counter.builder(FAILURES).description(FAILURES_HELP).tag("operation", operation).tag(FailureCode.TAG, code)
                .register(registry);
    }
}
