package dev.coffer.tck.memory;

import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.tck.EnvelopeContract;

/** Runs {@link EnvelopeContract} against {@link JdkEnvelope} over a fresh {@link InMemoryTenantKeyStore}. */
class JdkEnvelopeTest extends EnvelopeContract {
    @Override
    protected Envelope newEnvelope() {
        return new JdkEnvelope(new InMemoryTenantKeyStore());
    }
}
