package dev.coffer.spi.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.IntegrityException;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.store.WrappedTenantKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JdkEnvelopeTest {
    private static final String VALUE = "sk_live_jdk-envelope-test-value";
    private static final ValueBinding BINDING = new ValueBinding(SecretPath.parse("acme", "prod/payments/stripe"), 3);

    private final InMemoryTenantKeyStore keys = new InMemoryTenantKeyStore();
    private final JdkEnvelope envelope = new JdkEnvelope(keys);

    @Test
    void openReturnsWhatWasSealed() {
        SealedValue sealed = seal(BINDING);
        try (SecretValue opened = envelope.open(sealed, BINDING)) {
            assertEquals(VALUE, opened.asUtf8());
        }
        assertEquals("jdk-aes256gcm:acme:1", sealed.keyId());
    }

    @Test
    void twoSealsOfOneValueDiffer() {
        SealedValue a = seal(BINDING);
        SealedValue b = seal(BINDING);
        assertFalse(Arrays.equals(a.ciphertext(), b.ciphertext()));
        assertFalse(Arrays.equals(a.wrappedKey(), b.wrappedKey()));
    }

    @Test
    void firstSealStoresTheTenantKeyWrappedNotInTheClear() {
        seal(BINDING);
        WrappedTenantKey stored = keys.find("acme").orElseThrow();
        assertEquals(1, stored.revision());
        // 12-byte nonce + 32-byte key + 16-byte tag: an AES-GCM envelope, not a bare key.
        assertEquals(60, stored.wrappedKeyset().length);
        assertTrue(keys.find("other").isEmpty());
    }

    static Stream<Arguments> otherBindings() {
        return Stream.of(
                Arguments.of("version", new ValueBinding(BINDING.path(), 4)),
                Arguments.of("path", new ValueBinding(SecretPath.parse("acme", "prod/payments/adyen"), 3)),
                Arguments.of("environment", new ValueBinding(SecretPath.parse("acme", "staging/payments/stripe"), 3)),
                Arguments.of("tenant", new ValueBinding(SecretPath.parse("globex", "prod/payments/stripe"), 3)));
    }

    @ParameterizedTest(name = "another {0}")
    @MethodSource("otherBindings")
    void sealedValueDoesNotOpenUnderAnotherBinding(String what, ValueBinding other) {
        SealedValue sealed = seal(BINDING);
        seal(other); // the other tenant has a key too, so the failure is the binding, not a missing key
        assertIntegrityFailure(() -> envelope.open(sealed, other), other);
    }

    static Stream<Arguments> tamperedValues() {
        List<Arguments> cases = List.of(
                Arguments.of("ciphertext byte flipped", (UnaryOperator<SealedValue>) s ->
                        new SealedValue(flip(s.ciphertext(), s.ciphertext().length / 2), s.wrappedKey(), s.keyId())),
                Arguments.of("nonce byte flipped", (UnaryOperator<SealedValue>) s ->
                        new SealedValue(flip(s.ciphertext(), 0), s.wrappedKey(), s.keyId())),
                Arguments.of("tag byte flipped", (UnaryOperator<SealedValue>) s ->
                        new SealedValue(flip(s.ciphertext(), s.ciphertext().length - 1), s.wrappedKey(), s.keyId())),
                Arguments.of("wrapped key byte flipped", (UnaryOperator<SealedValue>) s ->
                        new SealedValue(s.ciphertext(), flip(s.wrappedKey(), 20), s.keyId())),
                Arguments.of("ciphertext truncated", (UnaryOperator<SealedValue>) s ->
                        new SealedValue(Arrays.copyOf(s.ciphertext(), 10), s.wrappedKey(), s.keyId())),
                Arguments.of("wrapped key truncated", (UnaryOperator<SealedValue>) s ->
                        new SealedValue(s.ciphertext(), Arrays.copyOf(s.wrappedKey(), 27), s.keyId())),
                Arguments.of("empty", (UnaryOperator<SealedValue>) s -> new SealedValue(new byte[0], new byte[0], s.keyId())),
                Arguments.of("wrapped key swapped with ciphertext", (UnaryOperator<SealedValue>) s ->
                        new SealedValue(s.wrappedKey(), s.ciphertext(), s.keyId())));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperedValues")
    void tamperedSealedValueDoesNotOpen(String what, UnaryOperator<SealedValue> tamper) {
        SealedValue tampered = tamper.apply(seal(BINDING));
        assertIntegrityFailure(() -> envelope.open(tampered, BINDING), BINDING);
    }

    @Test
    void wrappedKeyOfAnotherSealDoesNotOpenThisCiphertext() {
        SealedValue a = seal(BINDING);
        SealedValue b = seal(BINDING);
        assertIntegrityFailure(() -> envelope.open(new SealedValue(a.ciphertext(), b.wrappedKey(), a.keyId()), BINDING), BINDING);
    }

    @Test
    void unknownTenantDoesNotOpen() {
        SealedValue sealed = seal(BINDING);
        ValueBinding stranger = new ValueBinding(SecretPath.parse("initech", "prod/payments/stripe"), 3);
        assertIntegrityFailure(() -> envelope.open(sealed, stranger), stranger);
        assertTrue(keys.find("initech").isEmpty(), "open must not create tenant keys");
    }

    @Test
    void anotherEnvelopeInstanceCannotOpenSinceKeysDieWithTheirRoot() {
        SealedValue sealed = seal(BINDING);
        JdkEnvelope restarted = new JdkEnvelope(keys);
        assertIntegrityFailure(() -> restarted.open(sealed, BINDING), BINDING);
    }

    @Test
    void concurrentFirstSealsOfATenantAgreeOnOneKey() throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<SealedValue>> seals = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                seals.add(pool.submit(() -> {
                    start.await();
                    return seal(BINDING);
                }));
            }
            start.countDown();
            Set<String> keyIds = new HashSet<>();
            for (Future<SealedValue> f : seals) {
                SealedValue sealed = f.get();
                keyIds.add(sealed.keyId());
                try (SecretValue opened = envelope.open(sealed, BINDING)) {
                    assertEquals(VALUE, opened.asUtf8());
                }
            }
            assertEquals(Set.of("jdk-aes256gcm:acme:1"), keyIds);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sealDoesNotConsumeOrAlterTheCallersValue() {
        try (SecretValue value = SecretValue.ofUtf8(VALUE)) {
            envelope.seal(value, BINDING);
            assertEquals(VALUE, value.asUtf8());
        }
    }

    private SealedValue seal(ValueBinding binding) {
        try (SecretValue value = SecretValue.ofUtf8(VALUE)) {
            return envelope.seal(value, binding);
        }
    }

    private static void assertIntegrityFailure(org.junit.jupiter.api.function.Executable open, ValueBinding binding) {
        IntegrityException e = assertThrows(IntegrityException.class, open);
        assertEquals(ErrorCode.INTEGRITY_FAILURE, e.code());
        assertTrue(e.getMessage().contains(binding.toString()), e.getMessage());
        assertFalse(e.toString().contains(VALUE));
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            assertFalse(String.valueOf(c.getMessage()).contains(VALUE));
        }
    }

    private static byte[] flip(byte[] bytes, int index) {
        byte[] copy = bytes.clone();
        copy[index] ^= 0x01;
        return copy;
    }

    @Test
    void valueBytesAreNotInTheCiphertext() {
        SealedValue sealed = seal(BINDING);
        String asText = new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1);
        assertFalse(asText.contains(VALUE));
        // nonce + ciphertext + tag
        assertEquals(12 + VALUE.length() + 16, sealed.ciphertext().length);
    }
}
