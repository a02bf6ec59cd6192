package dev.coffer.tink;

import dev.coffer.tink.root.RootKey;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A root key that counts its calls, optionally taking its time over each unwrap like a remote KMS
 * would, so that concurrent misses really overlap.
 */
final class CountingRootKey implements RootKey {
    private final RootKey delegate;
    private final Duration unwrapLatency;
    private final AtomicInteger wraps = new AtomicInteger();
    private final AtomicInteger unwraps = new AtomicInteger();

    CountingRootKey(RootKey delegate) {
        this(delegate, Duration.ZERO);
    }

    CountingRootKey(RootKey delegate, Duration unwrapLatency) {
        this.delegate = delegate;
        this.unwrapLatency = unwrapLatency;
    }

    int wraps() {
        return wraps.get();
    }

    int unwraps() {
        return unwraps.get();
    }

    @Override
    public String uri() {
        return delegate.uri();
    }

    @Override
    public byte[] wrap(byte[] plaintext, byte[] associatedData) {
        wraps.incrementAndGet();
        return delegate.wrap(plaintext, associatedData);
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] associatedData) throws GeneralSecurityException {
        unwraps.incrementAndGet();
        if (!unwrapLatency.isZero()) {
            try {
                Thread.sleep(unwrapLatency.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return delegate.unwrap(wrapped, associatedData);
    }
}
