package dev.coffer.tck.rotation;

import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.spi.rotation.generated.GeneratedRotator;
import dev.coffer.spi.rotation.generated.RandomBytes;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@link RotatorContract} against {@link GeneratedRotator} making 32 random bytes in base64url.
 * Its "downstream" is the spec: a value is accepted when it is 32 bytes of base64url.
 */
class GeneratedBytesRotatorTest extends RotatorContract {
    private static final RandomBytes SPEC = RandomBytes.of(32, RandomBytes.Encoding.BASE64URL);

    @Override
    protected RotatorFixture newFixture() {
        return new RotatorFixture() {
            @Override
            public Rotator newRotator() {
                return new GeneratedRotator();
            }

            @Override
            public Map<String, String> params() {
                return Map.of("bytes", "32", "encoding", "base64url");
            }

            @Override
            public SecretValue currentValue() {
                return SecretValue.ofUtf8(SPEC.generate(new SecureRandom()));
            }

            @Override
            public boolean accepts(SecretValue value) {
                return SPEC.violation(value.asUtf8()).isEmpty();
            }

            @Override
            public Optional<SecretValue> refusedPendingValue() {
                // base64url of 31 bytes, not 32
                return Optional.of(SecretValue.ofUtf8("A".repeat(41) + "Q"));
            }

            @Override
            public List<InvalidParams> invalidParams() {
                return GeneratedInvalidParams.ALL;
            }
        };
    }
}
