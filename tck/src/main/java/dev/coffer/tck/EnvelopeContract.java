package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.IntegrityException;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.Concurrently.Outcome;
import dev.coffer.tck.support.ContractNames;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every {@link Envelope} must meet. Extend it in your test sources and return a
 * fresh envelope with its own, empty key material from {@link #newEnvelope()}:
 *
 * <pre>{@code
 * class TinkEnvelopeTest extends EnvelopeContract {
 *     @Override
 *     protected Envelope newEnvelope() {
 *         return TinkEnvelope.withLocalRoot(Files.createTempDirectory("tck"), new InMemoryTenantKeyStore());
 *     }
 * }
 * }</pre>
 *
 * <p>Proves round trips (text, binary, empty, 64 KiB), fresh randomness per seal, that a value
 * opens only under the binding it was sealed for, that altered, truncated or swapped bytes are
 * refused with {@link IntegrityException} ({@code INTEGRITY_FAILURE}) carrying no value — the
 * tamper cases are data, see {@link #tamperCases()} — and that the envelope is thread-safe across
 * tenants. Tamper cases on the wrapped key are skipped for envelopes whose wrapped key is empty.
 * If the envelope implements {@link AutoCloseable} it is closed after each test.
 *
 * <p>Every failure message begins with {@code [EnvelopeContract › testMethod]} ({@link ContractNames}) and
 * then states the rule that broke, the SPI method and the values involved, never a secret value.
 */
@ExtendWith({NoValueLeaks.class, ContractNames.class})
public abstract class EnvelopeContract {
    private static final SecretPath PATH = SecretPath.of("tck-acme", "prod", "payments/stripe-api-key");
    private static final ValueBinding BINDING = new ValueBinding(PATH, 3);
    private static final ValueBinding OTHER_TENANT_BINDING =
            new ValueBinding(SecretPath.of("tck-other", "prod", "payments/stripe-api-key"), 3);

    private Envelope envelope;

    /** A fresh envelope with its own empty key material, called once per test. */
    protected abstract Envelope newEnvelope();

    @BeforeEach
    final void openEnvelope() {
        envelope = Objects.requireNonNull(newEnvelope(), "newEnvelope() returned null");
    }

    @AfterEach
    final void closeEnvelope() throws Exception {
        if (envelope instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Test
    void textValueRoundTrips() {
        String text = TestValues.text();

        try (SecretValue opened = envelope.open(envelope.seal(SecretValue.ofUtf8(text), BINDING), BINDING)) {
            assertOpensTo(text, opened, () -> "rule: open(seal(v, b), b) returns v; a text value of "
                    + text.length() + " chars, binding " + BINDING);
        }
    }

    @Test
    void binaryValueRoundTrips() {
        byte[] bytes = new byte[512];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }

        try (SecretValue opened = envelope.open(envelope.seal(SecretValue.of(bytes), BINDING), BINDING)) {
            assertTrue(Arrays.equals(bytes, opened.bytes()), () -> "rule: open(seal(v, b), b) returns v byte for byte;"
                    + " a binary value of 512 bytes (every byte value), binding " + BINDING + "; opened "
                    + opened.length() + " bytes");
        }
    }

    @Test
    void emptyValueRoundTrips() {
        try (SecretValue opened = envelope.open(envelope.seal(SecretValue.of(new byte[0]), BINDING), BINDING)) {
            assertEquals(0, opened.length(), () -> "rule: open(seal(v, b), b) returns v; the empty value opens as"
                    + " 0 bytes, binding " + BINDING);
        }
    }

    @Test
    void largestValueRoundTrips() {
        String text = TestValues.text().repeat(SecretValue.MAX_BYTES / 20).substring(0, SecretValue.MAX_BYTES);

        try (SecretValue opened = envelope.open(envelope.seal(SecretValue.ofUtf8(text), BINDING), BINDING)) {
            assertEquals(SecretValue.MAX_BYTES, opened.length(), () -> "rule: open(seal(v, b), b) returns v; the"
                    + " largest value (SecretValue.MAX_BYTES = " + SecretValue.MAX_BYTES + " bytes) opens at full length,"
                    + " binding " + BINDING);
            assertOpensTo(text, opened, () -> "rule: open(seal(v, b), b) returns v; the largest value ("
                    + SecretValue.MAX_BYTES + " bytes), binding " + BINDING);
        }
    }

    @Test
    void twoSealsOfOneValueDiffer() {
        SecretValue value = TestValues.value();

        SealedValue first = envelope.seal(value, BINDING);
        SealedValue second = envelope.seal(value, BINDING);

        assertFalse(Arrays.equals(first.ciphertext(), second.ciphertext()),
                () -> "rule: seal uses fresh randomness; two seals of one value for binding " + BINDING
                        + " must differ in their ciphertext");
        assertNotEquals(first, second, () -> "rule: seal uses fresh randomness; two seals of one value for binding "
                + BINDING + " must be unequal sealed values");
    }

    @Test
    void sealedBytesDoNotContainThePlaintext() {
        String text = TestValues.text();

        SealedValue sealed = envelope.seal(SecretValue.ofUtf8(text), BINDING);

        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        assertFalse(contains(sealed.ciphertext(), plain), () -> "rule: seal encrypts; the sealed ciphertext must not"
                + " contain the plaintext's bytes (binding " + BINDING + ")");
        assertFalse(contains(sealed.wrappedKey(), plain), () -> "rule: seal encrypts; the sealed wrapped key must not"
                + " contain the plaintext's bytes (binding " + BINDING + ")");
        assertFalse(sealed.keyId().contains(text), () -> "rule: the sealed keyId must not contain the plaintext"
                + " (binding " + BINDING + ")");
    }

    @Test
    void sealLeavesTheCallersValueOpenAndUnchanged() {
        String text = TestValues.text();
        SecretValue value = SecretValue.ofUtf8(text);

        SealedValue sealed = envelope.seal(value, BINDING);

        assertFalse(value.isClosed(), () -> "rule: seal leaves the caller's SecretValue open; the caller owns it"
                + " and closes it (binding " + BINDING + ")");
        assertTrue(text.equals(value.asUtf8()), () -> "rule: seal leaves the caller's SecretValue unchanged (binding "
                + BINDING + ")");
        value.close();
        try (SecretValue opened = envelope.open(sealed, BINDING)) {
            assertOpensTo(text, opened, () -> "rule: the sealed value does not depend on the caller's copy; it still"
                    + " opens to the value after the caller closed its SecretValue (binding " + BINDING + ")");
        }
    }

    @Test
    void everyOpenReturnsAFreshValue() {
        String text = TestValues.text();
        SealedValue sealed = envelope.seal(SecretValue.ofUtf8(text), BINDING);

        SecretValue first = envelope.open(sealed, BINDING);
        first.close();
        SecretValue second = envelope.open(sealed, BINDING);

        assertTrue(first.isClosed(), () -> "rule: open returns a value the caller closes; the first opened value of "
                + BINDING + " reports closed after close()");
        assertFalse(second.isClosed(), () -> "rule: every open returns a fresh SecretValue; closing the first one"
                + " must not close the second open of " + BINDING);
        assertOpensTo(text, second, () -> "rule: every open returns a fresh SecretValue; the second open of "
                + BINDING + " still holds the value after the first was closed");
        second.close();
    }

    @Test
    void sealedValueArraysAreNotSharedWithLaterSeals() {
        String text = TestValues.text();
        SealedValue sealed = envelope.seal(SecretValue.ofUtf8(text), BINDING);
        SealedValue kept = sealed.copy();

        envelope.seal(TestValues.value(), BINDING);

        assertEquals(kept, sealed, () -> "rule: a later seal must not write into the arrays of an earlier sealed"
                + " value; ciphertext, wrapped key and keyId stay as returned (binding " + BINDING + ")");
        try (SecretValue opened = envelope.open(sealed, BINDING)) {
            assertOpensTo(text, opened, () -> "rule: an earlier sealed value still opens to its value after a later"
                    + " seal (binding " + BINDING + ")");
        }
    }

    /** Bindings that differ from the sealing binding in exactly one part. */
    static Stream<ValueBinding> otherBindings() {
        return Stream.of(
                new ValueBinding(PATH, 4),
                new ValueBinding(SecretPath.of("tck-acme", "prod", "payments/adyen-api-key"), 3),
                new ValueBinding(SecretPath.of("tck-acme", "staging", "payments/stripe-api-key"), 3),
                OTHER_TENANT_BINDING);
    }

    @ParameterizedTest(name = "opened as {0}")
    @MethodSource("otherBindings")
    void valueDoesNotOpenUnderAnotherBinding(ValueBinding other) {
        SealedValue sealed = envelope.seal(TestValues.value(), BINDING);
        if (other.path().tenant().equals(OTHER_TENANT_BINDING.path().tenant())) {
            envelope.seal(TestValues.value(), OTHER_TENANT_BINDING); // the other tenant has a key too
        }

        IntegrityException refused = Expect.thrown(IntegrityException.class, ErrorCode.INTEGRITY_FAILURE,
                () -> envelope.open(sealed, other),
                () -> "rule: a value opens only under the binding it was sealed for; open under " + other
                        + " of a value sealed for " + BINDING + " fails with IntegrityException INTEGRITY_FAILURE");

        assertTrue(refused.getMessage().contains(other.path().qualifiedName()),
                () -> "rule: the IntegrityException of open under another binding names the binding it was asked for ("
                        + other.path().qualifiedName() + "); its message was: " + refused.getMessage());
    }

    /** A way to spoil a sealed value; {@code donors} supplies other seals to borrow parts from. */
    @FunctionalInterface
    protected interface Tamper {
        SealedValue apply(SealedValue sealed, Donors donors);
    }

    /** Other seals a tamper case may borrow bytes from. */
    protected interface Donors {
        /** Another seal of another value for the same binding. */
        SealedValue sameBinding();

        /** A seal of another value for the same environment, path and version in another tenant. */
        SealedValue otherTenant();
    }

    /**
     * One tamper case.
     *
     * @param name what is done
     * @param needsWrappedKey whether the case only makes sense when the wrapped key is not empty
     * @param tamper how
     */
    protected record TamperCase(String name, boolean needsWrappedKey, Tamper tamper) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The tamper cases, as data. Every one must be refused with {@code INTEGRITY_FAILURE}. */
    protected static Stream<TamperCase> tamperCases() {
        return Stream.of(
                new TamperCase("ciphertext: one bit flipped in the first byte", false,
                        (s, d) -> withCiphertext(s, flip(s.ciphertext(), 0))),
                new TamperCase("ciphertext: one bit flipped in the middle byte", false,
                        (s, d) -> withCiphertext(s, flip(s.ciphertext(), s.ciphertext().length / 2))),
                new TamperCase("ciphertext: one bit flipped in the last byte", false,
                        (s, d) -> withCiphertext(s, flip(s.ciphertext(), s.ciphertext().length - 1))),
                new TamperCase("ciphertext: last byte cut off", false,
                        (s, d) -> withCiphertext(s, Arrays.copyOf(s.ciphertext(), s.ciphertext().length - 1))),
                new TamperCase("ciphertext: cut to half", false,
                        (s, d) -> withCiphertext(s, Arrays.copyOf(s.ciphertext(), s.ciphertext().length / 2))),
                new TamperCase("ciphertext: one byte appended", false,
                        (s, d) -> withCiphertext(s, Arrays.copyOf(s.ciphertext(), s.ciphertext().length + 1))),
                new TamperCase("ciphertext: empty", false,
                        (s, d) -> withCiphertext(s, new byte[0])),
                new TamperCase("ciphertext: taken from another seal of the same binding", true,
                        (s, d) -> withCiphertext(s, d.sameBinding().ciphertext())),
                new TamperCase("wrapped key: one bit flipped in the first byte", true,
                        (s, d) -> withWrappedKey(s, flip(s.wrappedKey(), 0))),
                new TamperCase("wrapped key: one bit flipped in the last byte", true,
                        (s, d) -> withWrappedKey(s, flip(s.wrappedKey(), s.wrappedKey().length - 1))),
                new TamperCase("wrapped key: last byte cut off", true,
                        (s, d) -> withWrappedKey(s, Arrays.copyOf(s.wrappedKey(), s.wrappedKey().length - 1))),
                new TamperCase("wrapped key: empty", true,
                        (s, d) -> withWrappedKey(s, new byte[0])),
                new TamperCase("wrapped key: taken from another seal of the same binding", true,
                        (s, d) -> withWrappedKey(s, d.sameBinding().wrappedKey())),
                new TamperCase("wrapped key: taken from another tenant's seal", true,
                        (s, d) -> withWrappedKey(s, d.otherTenant().wrappedKey())),
                new TamperCase("wrapped key and ciphertext: both taken from another tenant's seal", false,
                        (s, d) -> new SealedValue(d.otherTenant().ciphertext(), d.otherTenant().wrappedKey(), s.keyId())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperCases")
    void tamperedSealedValueIsRefused(TamperCase tamperCase) {
        SealedValue sealed = envelope.seal(TestValues.value(), BINDING);
        Assumptions.assumeFalse(tamperCase.needsWrappedKey() && sealed.wrappedKey().length == 0,
                "this envelope keeps no wrapped key in the sealed value");
        Donors donors = new Donors() {
            @Override
            public SealedValue sameBinding() {
                return envelope.seal(TestValues.value(), BINDING);
            }

            @Override
            public SealedValue otherTenant() {
                return envelope.seal(TestValues.value(), OTHER_TENANT_BINDING);
            }
        };
        SealedValue tampered = tamperCase.tamper().apply(sealed.copy(), donors);

        Expect.thrown(IntegrityException.class, ErrorCode.INTEGRITY_FAILURE, () -> envelope.open(tampered, BINDING),
                () -> "rule: open refuses a tampered sealed value with IntegrityException INTEGRITY_FAILURE; tamper case '"
                        + tamperCase + "', binding " + BINDING);
        try (SecretValue untouched = envelope.open(sealed, BINDING)) {
            assertFalse(untouched.isClosed(), () -> "rule: tampering with a copy leaves the original sealed value"
                    + " opening (tamper case '" + tamperCase + "', binding " + BINDING + ")");
        }
    }

    @Test
    void concurrentSealsAndOpensAcrossTenantsAllRoundTrip() {
        List<String> tenants = List.of("tck-acme", "tck-globex", "tck-initech");
        record Sealed(ValueBinding binding, SealedValue sealed, String text) {}

        List<Outcome<List<Sealed>>> outcomes = Concurrently.run(8, thread -> {
            List<Sealed> mine = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                String tenant = tenants.get((thread + i) % tenants.size());
                ValueBinding binding = new ValueBinding(SecretPath.of(tenant, "prod", "svc/t" + thread), i + 1);
                String text = TestValues.text();
                SealedValue sealed = envelope.seal(SecretValue.ofUtf8(text), binding);
                try (SecretValue opened = envelope.open(sealed, binding)) {
                    if (!text.equals(opened.asUtf8())) {
                        throw new AssertionError("rule: concurrent seals and opens across tenants each round-trip;"
                                + " open(seal(v, b), b) returned another value for binding " + binding);
                    }
                }
                mine.add(new Sealed(binding, sealed, text));
            }
            return mine;
        });

        List<Sealed> all = new ArrayList<>();
        for (Outcome<List<Sealed>> outcome : outcomes) {
            if (!outcome.succeeded()) {
                NoValueLeaks.assertNoValueIn(outcome.failure());
                throw new AssertionError("rule: concurrent seals and opens across tenants (8 threads x 25, tenants "
                        + tenants + ") all succeed; one failed: " + outcome.failure(), outcome.failure());
            }
            all.addAll(outcome.value());
        }
        assertEquals(200, all.size(), "rule: every one of the 8 x 25 concurrent seals returns a sealed value");
        for (Sealed s : all) {
            try (SecretValue opened = envelope.open(s.sealed(), s.binding())) {
                assertOpensTo(s.text(), opened, () -> "rule: a value sealed concurrently opens later too, to the same"
                        + " value; binding " + s.binding());
            }
        }
    }

    /**
     * Asserts {@code opened} holds {@code text}; the failure states {@code rule} and the lengths, never
     * the value (assertEquals would print both values, which the leak check then has to withhold).
     */
    private static void assertOpensTo(String text, SecretValue opened, Supplier<String> rule) {
        String got = opened.asUtf8();
        assertTrue(text.equals(got), () -> rule.get() + "; opened another value (" + got.length() + " chars, expected "
                + text.length() + ")");
    }

    private static SealedValue withCiphertext(SealedValue s, byte[] ciphertext) {
        return new SealedValue(ciphertext, s.wrappedKey(), s.keyId());
    }

    private static SealedValue withWrappedKey(SealedValue s, byte[] wrappedKey) {
        return new SealedValue(s.ciphertext(), wrappedKey, s.keyId());
    }

    private static byte[] flip(byte[] bytes, int index) {
        byte[] copy = bytes.clone();
        copy[index] ^= 0x01;
        return copy;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
