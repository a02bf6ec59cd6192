package dev.coffer.tck.support;

import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An {@link Envelope} decorator that records every {@link Envelope#shred} call (the binding and
 * the key id of the sealed value it was given) and passes every call on unchanged. It lets the
 * contract check crypto-shredding over an envelope whose {@code shred} does nothing visible (as
 * the in-memory {@code JdkEnvelope}'s, whose keys all travel in the {@link SealedValue}).
 * Thread-safe. {@code KernelFixture} wraps the envelope it is given in one.
 *
 * <pre>{@code
 * RecordingEnvelope envelope = new RecordingEnvelope(new JdkEnvelope(keys));
 * ... manager.destroy(ctx, id, 2) ...
 * envelope.shreddedVersions(path);   // [2]
 * }</pre>
 */
public final class RecordingEnvelope implements Envelope {
    /** One {@code shred} call: what it was asked to release. */
    public record Shred(ValueBinding binding, String keyId) {}

    private final Envelope delegate;
    private final List<Shred> shreds = new ArrayList<>();

    /** Records the shred calls made through it to {@code delegate}. */
    public RecordingEnvelope(Envelope delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public SealedValue seal(SecretValue value, ValueBinding binding) {
        return delegate.seal(value, binding);
    }

    @Override
    public SecretValue open(SealedValue sealed, ValueBinding binding) {
        return delegate.open(sealed, binding);
    }

    @Override
    public void shred(SealedValue sealed, ValueBinding binding) {
        synchronized (shreds) {
            shreds.add(new Shred(binding, sealed == null ? null : sealed.keyId()));
        }
        delegate.shred(sealed, binding);
    }

    /** Every shred call so far, oldest first. */
    public List<Shred> shreds() {
        synchronized (shreds) {
            return List.copyOf(shreds);
        }
    }

    /** The version numbers shredded for {@code path} so far, in call order, one entry per call. */
    public List<Integer> shreddedVersions(SecretPath path) {
        return shreds().stream().filter(s -> s.binding().path().equals(path)).map(s -> s.binding().version()).toList();
    }
}
