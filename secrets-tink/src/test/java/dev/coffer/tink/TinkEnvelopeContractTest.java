package dev.coffer.tink;

import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.tck.EnvelopeContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Runs the TCK's {@link EnvelopeContract} against {@link TinkEnvelope} over a local-keyset root. */
class TinkEnvelopeContractTest extends EnvelopeContract {
    @TempDir
    Path dataDir;

    @Override
    protected Envelope newEnvelope() {
        return TinkEnvelope.withLocalRoot(dataDir, new InMemoryTenantKeyStore());
    }
}
