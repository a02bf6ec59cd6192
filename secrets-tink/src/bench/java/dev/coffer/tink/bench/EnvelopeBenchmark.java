package dev.coffer.tink.bench;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.tink.TinkEnvelope;
import dev.coffer.tink.root.RootKeys;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What envelope encryption costs over plain Tink: one {@code seal} + {@code open} of a value
 * through {@link TinkEnvelope} (fresh data key, value encrypted under it, data key wrapped by the
 * tenant key; then both undone) against one encrypt + decrypt of the same bytes with a bare Tink
 * AES256-GCM keyset, in the same run. The tenant keyset is cached (warm), as it is on the read path
 * of a running server. Goal: envelope / bare at most 2.5.
 *
 * <p>Run: {@code ./mvnw -B -pl secrets-tink -am -Pbench verify -DskipTests}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnvelopeBenchmark {
    @Param({"64", "4096"})
    int valueSize;

    private TinkEnvelope envelope;
    private ValueBinding binding;
    private SecretValue value;
    private Aead bare;
    private byte[] plaintext;
    private byte[] associatedData;

    @Setup
    public void setUp() throws GeneralSecurityException {
        envelope = TinkEnvelope.builder().rootKey(RootKeys.ephemeral()).tenantKeyStore(new InMemoryTenantKeyStore()).build();
        binding = new ValueBinding(SecretPath.of("acme", "prod", "payments/stripe-api-key"), 7);
        plaintext = new byte[valueSize];
        for (int i = 0; i < plaintext.length; i++) {
            plaintext[i] = (byte) (i * 31);
        }
        value = SecretValue.of(plaintext);
        associatedData = binding.associatedData();
        // The tenant's key is created by its first seal: do it here, outside the measurement.
        envelope.open(envelope.seal(value, binding), binding).close();

        KeysetHandle keyset = KeysetHandle.newBuilder()
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary())
                .setConfiguration(AeadConfig2026.get())
                .build();
        bare = keyset.getPrimitive(AeadConfig2026.get(), Aead.class);
    }

    /** Seal and open through the envelope, with the binding's associated data. */
    @Benchmark
    public void envelopeSealOpen(Blackhole blackhole) {
        SealedValue sealed = envelope.seal(value, binding);
        try (SecretValue opened = envelope.open(sealed, binding)) {
            blackhole.consume(opened.length());
        }
    }

    /** The baseline: one Tink AES256-GCM encrypt and decrypt of the same bytes and associated data. */
    @Benchmark
    public byte[] bareTinkAesGcmEncryptDecrypt() throws GeneralSecurityException {
        return bare.decrypt(bare.encrypt(plaintext, associatedData), associatedData);
    }
}
