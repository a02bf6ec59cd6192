package dev.coffer.tck.rotation;

import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.spi.rotation.generated.GeneratedRotator;
import dev.coffer.spi.rotation.generated.PasswordPolicy;
import dev.coffer.spi.rotation.generated.PasswordPolicy.CharClass;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@link RotatorContract} against {@link GeneratedRotator} making passwords of 20 characters of
 * three classes without look-alikes. Its "downstream" is the policy: a value is accepted when it meets it.
 */
class GeneratedPasswordRotatorTest extends RotatorContract {
    private static final PasswordPolicy POLICY =
            PasswordPolicy.of(20, EnumSet.of(CharClass.LOWER, CharClass.UPPER, CharClass.DIGIT), "0O1lI", null);

    @Override
    protected RotatorFixture newFixture() {
        return new RotatorFixture() {
            @Override
            public Rotator newRotator() {
                return new GeneratedRotator();
            }

            @Override
            public Map<String, String> params() {
                return Map.of("length", "20", "require", "lower,upper,digit", "exclude", "0O1lI");
            }

            @Override
            public SecretValue currentValue() {
                return SecretValue.ofUtf8(POLICY.generate(new SecureRandom()));
            }

            @Override
            public boolean accepts(SecretValue value) {
                return POLICY.violation(value.asUtf8()).isEmpty();
            }

            @Override
            public Optional<SecretValue> refusedPendingValue() {
                // 20 characters, but with '-' (no symbols allowed) and no digit
                return Optional.of(SecretValue.ofUtf8("tck-refused-abcdefgh"));
            }

            @Override
            public List<InvalidParams> invalidParams() {
                return GeneratedInvalidParams.ALL;
            }
        };
    }
}
