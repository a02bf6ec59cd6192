package dev.coffer.server.metrics;

import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.model.SecretValue;
import java.util.Objects;

/** Times {@link Envelope#open} as {@code coffer_decrypt_seconds}. */
public final class MeteredEnvelope implements Envelope {
    private final Envelope delegate;
    private final Histogram decrypt;

    public MeteredEnvelope(Envelope delegate, Metrics metrics) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.decrypt = metrics.histogram("coffer_decrypt_seconds", "Latency of opening a sealed value (tenant key + data key + value)", "");
    }

    @Override
    public SealedValue seal(SecretValue value, ValueBinding binding) {
        return delegate.seal(value, binding);
    }

    @Override
    public SecretValue open(SealedValue sealed, ValueBinding binding) {
        long start = System.nanoTime();
        try {
            return delegate.open(sealed, binding);
        } finally {
            decrypt.observeNanos(System.nanoTime() - start);
        }
    }

    @Override
    public void shred(SealedValue sealed, ValueBinding binding) {
        delegate.shred(sealed, binding);
    }
}
