package dev.coffer.tink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.IntegrityException;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import dev.coffer.tink.root.RootKeys;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tamper cases as data: each takes an honest seal for {@link #BINDING} and produces what an
 * attacker with write access to the stores could put in its place (and the binding it is opened
 * as). Every one must fail with {@code INTEGRITY_FAILURE}, with a message that names the binding
 * and holds no value.
 */
@ExtendWith(NoValueLeaks.class)
class TinkEnvelopeTamperTest {
    private static final SecretPath PATH = SecretPath.of("acme", "prod", "payments/stripe-api-key");
    private static final ValueBinding BINDING = new ValueBinding(PATH, 2);

    private TinkEnvelope envelope;
    private SealedValue honest;
    private Seals seals;

    /** What a tamper case gets to work with. */
    private record Seals(TinkEnvelope envelope, SealedValue honest) {
        SealedValue sealFor(ValueBinding binding) {
            return envelope.seal(TestValues.value(), binding);
        }
    }

    /**
     * One tamper case.
     *
     * @param name what is done
     * @param openAs the binding the result is opened as
     * @param tamper how the stored value is spoiled
     * @param reason a word the message must contain, saying why it does not open
     */
    private record Case(String name, ValueBinding openAs, Function<Seals, SealedValue> tamper, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        ValueBinding nextVersion = new ValueBinding(PATH, 3);
        ValueBinding otherPath = new ValueBinding(SecretPath.of("acme", "prod", "payments/adyen-api-key"), 2);
        ValueBinding otherEnvironment = new ValueBinding(SecretPath.of("acme", "staging", "payments/stripe-api-key"), 2);
        ValueBinding otherTenant = new ValueBinding(SecretPath.of("globex", "prod", "payments/stripe-api-key"), 2);
        return Stream.of(
                new Case("ciphertext and wrapped key moved to another version", nextVersion, Seals::honest, "moved"),
                new Case("ciphertext and wrapped key moved to another path", otherPath, Seals::honest, "moved"),
                new Case("ciphertext and wrapped key moved to another environment", otherEnvironment, Seals::honest, "moved"),
                new Case("ciphertext and wrapped key moved to another tenant", otherTenant, s -> {
                    s.sealFor(otherTenant); // the other tenant has a key of its own
                    return s.honest();
                }, "does not have"),
                new Case("ciphertext moved to another version that has its own wrapped key", nextVersion,
                        s -> new SealedValue(s.honest().ciphertext(), s.sealFor(nextVersion).wrappedKey(), s.honest().keyId()), "ciphertext"),
                new Case("wrapped key moved from another version", BINDING,
                        s -> new SealedValue(s.honest().ciphertext(), s.sealFor(nextVersion).wrappedKey(), s.honest().keyId()), "moved"),
                new Case("wrapped key taken from another tenant's value at the same path and version", BINDING,
                        s -> new SealedValue(s.honest().ciphertext(), s.sealFor(otherTenant).wrappedKey(), s.honest().keyId()), "does not have"),
                new Case("one bit flipped in the ciphertext's nonce", BINDING,
                        s -> withCiphertext(s.honest(), flip(s.honest().ciphertext(), 0)), "ciphertext"),
                new Case("one bit flipped in the ciphertext's body", BINDING,
                        s -> withCiphertext(s.honest(), flip(s.honest().ciphertext(), 20)), "ciphertext"),
                new Case("one bit flipped in the ciphertext's tag", BINDING,
                        s -> withCiphertext(s.honest(), flip(s.honest().ciphertext(), s.honest().ciphertext().length - 1)), "ciphertext"),
                new Case("one bit flipped in the wrapped key's prefix version byte", BINDING,
                        s -> withWrappedKey(s.honest(), flip(s.honest().wrappedKey(), 0)), "malformed"),
                new Case("one bit flipped in the wrapped key's key id", BINDING,
                        s -> withWrappedKey(s.honest(), flip(s.honest().wrappedKey(), 3)), "does not have"),
                new Case("one bit flipped in the wrapped key's body", BINDING,
                        s -> withWrappedKey(s.honest(), flip(s.honest().wrappedKey(), 30)), "altered"),
                new Case("ciphertext truncated to its nonce", BINDING,
                        s -> withCiphertext(s.honest(), Arrays.copyOf(s.honest().ciphertext(), 12)), "truncated"),
                new Case("ciphertext truncated by one byte", BINDING,
                        s -> withCiphertext(s.honest(), Arrays.copyOf(s.honest().ciphertext(), s.honest().ciphertext().length - 1)), "truncated"),
                new Case("ciphertext empty", BINDING,
                        s -> withCiphertext(s.honest(), new byte[0]), "truncated"),
                new Case("wrapped key truncated to its prefix", BINDING,
                        s -> withWrappedKey(s.honest(), Arrays.copyOf(s.honest().wrappedKey(), 5)), "altered"),
                new Case("wrapped key truncated to 4 bytes", BINDING,
                        s -> withWrappedKey(s.honest(), Arrays.copyOf(s.honest().wrappedKey(), 4)), "malformed"),
                new Case("wrapped key empty", BINDING,
                        s -> withWrappedKey(s.honest(), new byte[0]), "malformed"),
                new Case("ciphertext and wrapped key swapped", BINDING,
                        s -> new SealedValue(s.honest().wrappedKey(), s.honest().ciphertext(), s.honest().keyId()), "BINDING"));
    }

    @BeforeEach
    void sealOne() {
        envelope = TinkEnvelope.builder().rootKey(RootKeys.ephemeral()).tenantKeyStore(new InMemoryTenantKeyStore()).build();
        honest = envelope.seal(TestValues.value(), BINDING);
        seals = new Seals(envelope, honest);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tamperedValueIsRefusedWithAClearMessage(Case tamperCase) {
        SealedValue tampered = tamperCase.tamper().apply(seals);

        IntegrityException refused = Expect.thrown(IntegrityException.class, ErrorCode.INTEGRITY_FAILURE,
                () -> envelope.open(tampered, tamperCase.openAs()));

        assertTrue(refused.getMessage().startsWith("the sealed value of " + tamperCase.openAs() + " does not open"),
                refused::getMessage);
        if (!tamperCase.reason().equals("BINDING")) {
            assertTrue(refused.getMessage().contains(tamperCase.reason()), refused::getMessage);
        }
        try (SecretValue untouched = envelope.open(honest, BINDING)) {
            assertEquals(false, untouched.isClosed(), "the honest value still opens");
        }
    }

    @Test
    void everySingleBitFlipIsRefused() {
        SealedValue sealed = envelope.seal(SecretValue.of(new byte[64]), BINDING);
        int refused = 0;
        for (int i = 0; i < sealed.ciphertext().length * 8; i++) {
            SealedValue flipped = withCiphertext(sealed, flipBit(sealed.ciphertext(), i));
            Expect.thrown(IntegrityException.class, ErrorCode.INTEGRITY_FAILURE, () -> envelope.open(flipped, BINDING));
            refused++;
        }
        for (int i = 0; i < sealed.wrappedKey().length * 8; i++) {
            SealedValue flipped = withWrappedKey(sealed, flipBit(sealed.wrappedKey(), i));
            Expect.thrown(IntegrityException.class, ErrorCode.INTEGRITY_FAILURE, () -> envelope.open(flipped, BINDING));
            refused++;
        }
        assertEquals((sealed.ciphertext().length + sealed.wrappedKey().length) * 8, refused);
    }

    @Test
    void aValueOfATenantWithoutAKeyIsRefused() {
        ValueBinding stranger = new ValueBinding(SecretPath.of("initech", "prod", "payments/stripe-api-key"), 2);

        IntegrityException refused = Expect.thrown(IntegrityException.class, ErrorCode.INTEGRITY_FAILURE,
                () -> envelope.open(honest, stranger));

        assertTrue(refused.getMessage().contains("tenant 'initech' has no key"), refused::getMessage);
    }

    @Test
    void aValueSealedUnderAnotherRootDoesNotOpen() {
        TinkEnvelope stranger = TinkEnvelope.builder().rootKey(RootKeys.ephemeral()).tenantKeyStore(new InMemoryTenantKeyStore()).build();
        SealedValue foreign = stranger.seal(TestValues.value(), BINDING);

        Expect.thrown(IntegrityException.class, ErrorCode.INTEGRITY_FAILURE, () -> envelope.open(foreign, BINDING));
    }

    @Test
    void keyIdNamesTheTenantKeyThatWrappedTheDataKey() {
        int primary = envelope.rotation().describe("acme").primary().id();

        assertEquals("tink:acme:" + Integer.toUnsignedString(primary), honest.keyId());
    }

    private static SealedValue withCiphertext(SealedValue s, byte[] ciphertext) {
        return new SealedValue(ciphertext, s.wrappedKey(), s.keyId());
    }

    private static SealedValue withWrappedKey(SealedValue s, byte[] wrappedKey) {
        return new SealedValue(s.ciphertext(), wrappedKey, s.keyId());
    }

    private static byte[] flip(byte[] bytes, int index) {
        return flipBit(bytes, index * 8);
    }

    private static byte[] flipBit(byte[] bytes, int bit) {
        byte[] copy = bytes.clone();
        copy[bit / 8] ^= (byte) (1 << (bit % 8));
        return copy;
    }
}
