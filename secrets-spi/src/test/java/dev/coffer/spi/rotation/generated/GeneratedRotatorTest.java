package dev.coffer.spi.rotation.generated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationContext;
import dev.coffer.spi.rotation.RotationException;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.rotation.Rotators;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeneratedRotatorTest {
    private final GeneratedRotator rotator = new GeneratedRotator();

    @Test
    void isFoundByServiceLoaderUnderTheNameGenerated() {
        Rotators found = Rotators.discover(getClass().getClassLoader());

        assertInstanceOf(GeneratedRotator.class, found.require("generated"));
        assertEquals(Secret.ROTATION_GENERATED, rotator.name());
    }

    @Test
    void noParamsMake32CharacterPasswordsHoldingAllFourClasses() {
        for (int i = 0; i < 300; i++) {
            String v = create(Map.of());
            assertEquals(32, v.length());
            assertTrue(v.chars().anyMatch(c -> c >= 'a' && c <= 'z'), "a lower-case letter");
            assertTrue(v.chars().anyMatch(c -> c >= 'A' && c <= 'Z'), "an upper-case letter");
            assertTrue(v.chars().anyMatch(c -> c >= '0' && c <= '9'), "a digit");
            assertTrue(v.chars().anyMatch(c -> PasswordPolicy.DEFAULT_SYMBOLS.indexOf(c) >= 0), "a symbol");
            assertTrue(v.chars().allMatch(c -> Character.isLetterOrDigit(c) || PasswordPolicy.DEFAULT_SYMBOLS.indexOf(c) >= 0));
        }
    }

    @Test
    void theDefaultSymbolsLeaveOutQuotesBackslashBacktickSpaceAndDollar() {
        for (char c : "\"'\\` $".toCharArray()) {
            assertEquals(-1, PasswordPolicy.DEFAULT_SYMBOLS.indexOf(c), () -> "symbol " + (int) c);
        }
    }

    @Test
    void aRequiredClassLeftWithOneCharacterStillAppearsInEveryPassword() {
        // eight characters drawn from 26 letters and one digit: without the guarantee most would hold no '7'
        Map<String, String> params = Map.of("length", "8", "require", "lower,digit", "exclude", "012345689");
        for (int i = 0; i < 500; i++) {
            String v = create(params);
            assertEquals(8, v.length());
            assertTrue(v.indexOf('7') >= 0, "the only digit left appears");
            assertTrue(v.chars().noneMatch(c -> "012345689".indexOf(c) >= 0), "no excluded digit");
            assertTrue(v.chars().allMatch(c -> c == '7' || (c >= 'a' && c <= 'z')), "only lower and digit");
        }
    }

    @Test
    void customSymbolsAreTheOnlySymbolsUsed() {
        Map<String, String> params = Map.of("length", "64", "require", "symbol,upper", "symbols", "-_.");
        for (int i = 0; i < 100; i++) {
            String v = create(params);
            assertTrue(v.chars().allMatch(c -> "-_.".indexOf(c) >= 0 || (c >= 'A' && c <= 'Z')));
            assertTrue(v.chars().anyMatch(c -> "-_.".indexOf(c) >= 0));
        }
    }

    @Test
    void everyAllowedCharacterIsChosenEquallyOften() throws NoSuchAlgorithmException {
        // a seeded generator makes this test repeatable; chi-squared over the 10 digits, 9 degrees of freedom
        SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
        seeded.setSeed(20261201L);
        PasswordPolicy digits = PasswordPolicy.of(1000, java.util.EnumSet.of(PasswordPolicy.CharClass.DIGIT), null, null);
        long[] counts = new long[10];
        int total = 0;
        for (int i = 0; i < 100; i++) {
            for (char c : digits.generate(seeded)) {
                counts[c - '0']++;
                total++;
            }
        }
        double expected = total / 10.0;
        double sum = 0;
        for (long n : counts) {
            sum += (n - expected) * (n - expected) / expected;
        }
        double chi2 = sum;
        assertTrue(chi2 < 27.88, () -> "chi-squared " + chi2 + " exceeds the 0.1% critical value 27.88 for 9 df");
    }

    @Test
    void positionsOfTheGuaranteedCharactersAreShuffled() {
        // the first character would always be the required digit if the guaranteed picks were not shuffled
        Map<String, String> params = Map.of("length", "8", "require", "digit,upper");
        boolean sawLetterFirst = false;
        boolean sawDigitFirst = false;
        for (int i = 0; i < 200 && !(sawLetterFirst && sawDigitFirst); i++) {
            char first = create(params).charAt(0);
            sawLetterFirst |= Character.isLetter(first);
            sawDigitFirst |= Character.isDigit(first);
        }
        assertTrue(sawLetterFirst && sawDigitFirst);
    }

    @ParameterizedTest
    @CsvSource({"16,base64,24", "32,base64,44", "32,base64url,43", "32,hex,64", "4096,hex,8192"})
    void randomBytesAreWrittenInTheirEncoding(int bytes, String encoding, int length) {
        String v = create(Map.of("bytes", String.valueOf(bytes), "encoding", encoding));

        assertEquals(length, v.length());
        byte[] decoded = switch (encoding) {
            case "base64" -> Base64.getDecoder().decode(v);
            case "base64url" -> Base64.getUrlDecoder().decode(v);
            default -> HexFormat.of().parseHex(v);
        };
        assertEquals(bytes, decoded.length);
    }

    @Test
    void bytesWithoutAnEncodingAreBase64() {
        assertEquals(24, create(Map.of("bytes", "16")).length());
    }

    @Test
    void twoCreatesMakeDifferentValues() {
        assertFalse(create(Map.of()).equals(create(Map.of())));
    }

    /** params as k=v;k=v | the message, naming the param and the rule. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            lenght=20                       | param lenght is not a param of the generated rotator; it takes length, require, exclude, symbols (a password) or bytes, encoding (random bytes)
            length=7                        | param length must be between 8 and 1024, got 7
            length=1025                     | param length must be between 8 and 1024, got 1025
            length=twenty                   | param length must be a whole number between 8 and 1024 written in decimal digits
            length=+20                      | param length must be a whole number between 8 and 1024 written in decimal digits
            length=020                      | param length must be a whole number between 8 and 1024 written in decimal digits
            length=99999999999              | param length must be a whole number between 8 and 1024 written in decimal digits
            require=lower,emoji             | param require is a comma list of lower, upper, digit, symbol; item 2 is none of them
            require=                        | param require is a comma list of lower, upper, digit, symbol; item 1 is none of them
            require=digit;exclude=0123456789 | param exclude removes every character of the required class digit, so no password can contain one
            require=symbol;symbols=ab       | param symbols must be printable ASCII characters other than letters, digits and space; the character at position 1 is not
            require=symbol;symbols=--       | param symbols must not repeat a character; the character at position 2 repeats an earlier one
            require=lower;symbols=-_        | param symbols is given but param require leaves out symbol, so no symbol would be used
            bytes=15                        | param bytes must be between 16 and 4096, got 15
            bytes=4097                      | param bytes must be between 16 and 4096, got 4097
            bytes=32;encoding=base32        | param encoding must be base64, base64url or hex
            bytes=32;length=20              | param bytes (random bytes) cannot be combined with the password param length
            encoding=hex                    | param encoding needs param bytes (how many random bytes to encode)
            """)
    void validateRefusesWithInvalidRotationPolicyNamingTheParam(String params, String message) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> rotator.validate(parse(params)));

        assertEquals(ErrorCode.INVALID_ROTATION_POLICY, e.code());
        assertEquals(message, e.getMessage());
    }

    @Test
    void validateRefusesAnExcludeListLongerThan128() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> rotator.validate(Map.of("exclude", "!".repeat(129))));

        assertEquals("param exclude lists at most 128 characters, got 129", e.getMessage());
    }

    @Test
    void validateAcceptsTheBoundsAndTheDefaults() {
        rotator.validate(Map.of());
        rotator.validate(Map.of("length", "8", "require", "lower, UPPER ,digit,symbol"));
        rotator.validate(Map.of("length", "1024", "exclude", "!".repeat(128)));
        rotator.validate(Map.of("bytes", "16", "encoding", "base64url"));
        rotator.validate(Map.of("bytes", "4096", "encoding", "hex"));
    }

    @Test
    void testPassesAValueItCreated() {
        Map<String, String> params = Map.of("length", "12", "require", "upper,digit");
        String v = create(params);

        rotator.test(context(params, v));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            length=12;require=upper,digit | ABCDEFGHIJK7X       | it has 13 characters, the policy wants 12
            length=12;require=upper,digit | ABCDEFGHIJKL        | it has no character of the required class digit
            length=12;require=upper,digit | ABCDEFGHIJ7x        | the character at position 12 is not allowed by the policy
            length=12;exclude=7           | ABCDEFGHIJ7x        | the character at position 11 is not allowed by the policy
            bytes=16;encoding=hex         | 00112233445566778899aabbccddee | it holds 15 bytes, the policy wants 16
            bytes=16;encoding=hex         | 00112233445566778899AABBCCDDEEFF | it is not written the way hex is generated
            bytes=16;encoding=hex         | zz112233445566778899aabbccddeeff | it is not hex text
            """)
    void testRefusesAValueThatDoesNotMeetTheParamsWithPolicyMismatchAndNoValue(String params, String value, String why) {
        RotationException e = assertThrows(RotationException.class, () -> rotator.test(context(parse(params), value)));

        assertEquals("POLICY_MISMATCH", e.reason());
        assertTrue(e.valueRejected(), "a fresh value is needed next time");
        assertEquals("the pending value of tck-acme:prod/app/key does not meet the generated rotator's params: " + why,
                e.getMessage());
        assertFalse(e.toString().contains(value));
    }

    @Test
    void testRefusesBytesThatAreNotUtf8() {
        RotationException e = assertThrows(RotationException.class,
                () -> rotator.test(context(Map.of(), SecretValue.of(new byte[] {(byte) 0xff, (byte) 0xfe}))));

        assertTrue(e.getMessage().endsWith("it is not UTF-8 text"), e.getMessage());
    }

    @Test
    void applyDoesNothingAndNeedsNoDownstream() {
        rotator.apply(context(Map.of(), create(Map.of())));
    }

    @Test
    void thePolicyDescribesItselfWithoutItsCharacters() {
        PasswordPolicy p = PasswordPolicy.of(16, java.util.EnumSet.of(PasswordPolicy.CharClass.LOWER), "xyz", null);

        assertEquals("PasswordPolicy[length=16, require=[LOWER], exclude=3 chars, symbols=27 chars]", p.toString());
    }

    // --- helpers ---

    private String create(Map<String, String> params) {
        try (SecretValue v = rotator.create(context(params, (SecretValue) null))) {
            return v.asUtf8();
        }
    }

    private static Map<String, String> parse(String params) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : params.split(";")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        return out;
    }

    private static RotationContext context(Map<String, String> params, String pending) {
        return context(params, SecretValue.ofUtf8(pending));
    }

    private static RotationContext context(Map<String, String> params, SecretValue pending) {
        RotationPolicy policy = RotationPolicy.builder("generated", RotationSchedule.parse("30d")).params(params).build();
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        Secret secret = new Secret("sec_test", SecretPath.of("tck-acme", "prod", "app/key"), "team", "", "generated",
                null, Map.of(), now, now, null, null);
        RotationRun run = RotationRun.started("rot_test", "tck-acme", "sec_test", "generated", "service:coffer:rotation", now).build();
        return new RotationContext() {
            public Secret secret() { return secret; }
            public RotationPolicy policy() { return policy; }
            public RotationRun run() { return run; }
            public OptionalInt currentVersion() { return OptionalInt.empty(); }
            public Optional<SecretValue> currentValue() { return Optional.empty(); }
            public Optional<SecretValue> previousValue() { return Optional.empty(); }
            public SecretValue pendingValue() {
                if (pending == null) {
                    throw new IllegalStateException("no pending value in create");
                }
                return pending;
            }
            public SecretValue referencedSecret(String param) { throw new IllegalStateException("none"); }
            public Instant now() { return now; }
        };
    }
}
