package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.Conditions;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.InstantBounds;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input gets a precise error and changes nothing: paths, value sizes, metadata fields,
 * selectors, page requests, secret ids (at most 64 characters), the bounds of durations and
 * instants, the plain-text rule. Text that
 * keeps the rules comes back from every store exactly as sent. Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class ValidationContract extends ManagerContractBase {

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "prod/../etc/passwd", "prod/./db", "prod/a//b", "prod/a/", "prod/", "/db",
        "prod_eu/db", "Prod/db", "1prod/db", "prod/db password", "prod/db:x", "prod"})
    void invalidPathsAreRejectedWithInvalidPath(String environmentAndPath) {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_PATH, () -> SecretPath.parse(tenant(), environmentAndPath),
                () -> "rule: SecretPath.parse refuses the malformed path \"" + environmentAndPath + "\" with INVALID_PATH");
        assertNothingCreated(() -> "the malformed path \"" + environmentAndPath + "\"");
    }

    @Test
    void pathsLongerThan512CharactersAreRejected() {
        String longest = "a/".repeat(255) + "ab";
        assertEquals(SecretPath.MAX_PATH_LENGTH, longest.length(), "test setup: the longest path has SecretPath.MAX_PATH_LENGTH chars");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_PATH, () -> SecretPath.parse(tenant(), "prod/" + longest + "c"),
                () -> "rule: SecretPath.parse refuses a path of " + (SecretPath.MAX_PATH_LENGTH + 1) + " chars (limit "
                        + SecretPath.MAX_PATH_LENGTH + ") with INVALID_PATH");

        Secret secret = createSecret("prod/" + longest);
        String value = TestValues.text();
        addCurrent(secret.id(), value);
        assertReads(value, admin(), path("prod/" + longest), VersionSelector.current(),
                () -> "rule: a path of exactly " + SecretPath.MAX_PATH_LENGTH + " chars is kept: the value added as its"
                        + " current version reads back");
    }

    @Test
    void valueOneByteOverSixtyFourKibIsTooLarge() {
        Secret secret = createSecret("prod/big");
        String tooLarge = TestValues.remember(oversized(SecretValue.MAX_BYTES + 1));
        Expect.thrown(InvalidRequestException.class, ErrorCode.VALUE_TOO_LARGE, () -> SecretValue.ofUtf8(tooLarge),
                () -> "rule: SecretValue.ofUtf8 refuses text of " + (SecretValue.MAX_BYTES + 1) + " UTF-8 bytes (limit "
                        + SecretValue.MAX_BYTES + ") with VALUE_TOO_LARGE");
        Expect.thrown(InvalidRequestException.class, ErrorCode.VALUE_TOO_LARGE,
                () -> SecretValue.of(new byte[SecretValue.MAX_BYTES + 1]),
                () -> "rule: SecretValue.of refuses " + (SecretValue.MAX_BYTES + 1) + " bytes (limit "
                        + SecretValue.MAX_BYTES + ") with VALUE_TOO_LARGE");
        assertTrue(manager().versions(admin(), secret.id()).isEmpty(),
                () -> "rule: refused oversize values add no version; SecretManager.versions of " + secret.path()
                        + " is empty");
    }

    @Test
    void valueOfExactlySixtyFourKibRoundTrips() {
        Secret secret = createSecret("prod/big");
        String largest = TestValues.remember(oversized(SecretValue.MAX_BYTES));
        assertEquals(1, addCurrent(secret.id(), largest).number(),
                () -> "rule: SecretManager.addVersion of a value of exactly " + SecretValue.MAX_BYTES + " bytes to "
                        + secret.path() + " is accepted as version 1");
        try (SecretContent content = manager().read(admin(), secret.path(), VersionSelector.current());
                SecretValue expected = SecretValue.ofUtf8(largest)) {
            assertEquals(SecretValue.MAX_BYTES, content.value().length(),
                    () -> "rule: SecretManager.read of " + secret.path() + " returns all " + SecretValue.MAX_BYTES
                            + " bytes of the largest value");
            assertEquals(expected, content.value(), // SecretValue.toString is redacted: the failure shows no value
                    () -> "rule: SecretManager.read of " + secret.path() + " returns the " + SecretValue.MAX_BYTES
                            + "-byte value exactly as added");
        }
    }

    @Test
    void binaryValuesRoundTrip() {
        Secret secret = createSecret("prod/binary");
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        try (SecretValue value = SecretValue.of(bytes)) {
            manager().addVersion(admin(), secret.id(), NewVersion.current(value));
        }
        try (SecretContent content = manager().read(admin(), secret.path(), VersionSelector.current())) {
            assertTrue(Arrays.equals(bytes, content.value().bytes()),
                    () -> "rule: SecretManager.read of " + secret.path() + " returns a binary value (bytes 0..255) byte"
                            + " for byte as added");
        }
    }

    @Test
    void emptyValueRoundTrips() {
        Secret secret = createSecret("prod/empty-value");
        try (SecretValue value = SecretValue.of(new byte[0])) {
            manager().addVersion(admin(), secret.id(), NewVersion.current(value));
        }
        try (SecretContent content = manager().read(admin(), secret.path(), VersionSelector.current())) {
            assertEquals(0, content.value().length(),
                    () -> "rule: SecretManager.read of " + secret.path() + " returns the empty value as added (0 bytes)");
        }
    }

    @Test
    void malformedMetadataIsRejectedWithInvalidArgument() {
        SecretPath path = path("prod/meta");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> NewSecret.builder(path, "Payments Team").build(),
                () -> "rule: NewSecret.build refuses a malformed owner team (\"Payments Team\") with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> NewSecret.builder(path, null).build(),
                () -> "rule: NewSecret.build refuses a missing owner team (null) with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> NewSecret.builder(path, TEAM).description("x".repeat(1025)).build(),
                () -> "rule: NewSecret.build refuses a description of 1025 chars (limit 1024) with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> NewSecret.builder(path, TEAM).labels(Map.of("Bad Key", "v")).build(),
                () -> "rule: NewSecret.build refuses a malformed label key (\"Bad Key\") with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> NewSecret.builder(path, TEAM).rotationPeriod(java.time.Duration.ZERO).build(),
                () -> "rule: NewSecret.build refuses a rotation period of PT0S with INVALID_ARGUMENT");
        assertNothingCreated(() -> "malformed metadata for " + path);
    }

    @Test
    void malformedSelectorsAndVersionRequestsAreRejected() {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> VersionSelector.alias("Current"),
                () -> "rule: VersionSelector.alias refuses a malformed alias name (\"Current\") with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> VersionSelector.number(0),
                () -> "rule: VersionSelector.number refuses version 0 (numbers start at 1) with INVALID_ARGUMENT");
        try (SecretValue value = TestValues.value()) {
            Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                    () -> new NewVersion(value, VersionStatus.PREVIOUS, null),
                    () -> "rule: a NewVersion is CURRENT or PENDING; status PREVIOUS is refused with INVALID_ARGUMENT");
        }
    }

    @Test
    void malformedPageRequestsAreRejected() {
        createSecret("prod/paged");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> PageRequest.first(0),
                () -> "rule: PageRequest.first refuses a limit of 0 with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> PageRequest.first(PageRequest.MAX_LIMIT + 1),
                () -> "rule: PageRequest.first refuses a limit of " + (PageRequest.MAX_LIMIT + 1) + " (MAX_LIMIT "
                        + PageRequest.MAX_LIMIT + ") with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class,
                () -> manager().list(admin(), SecretFilter.all(), new PageRequest("not-a-token-the-store-issued", 10)),
                () -> "rule: SecretManager.list refuses a page token it never issued (not-a-token-the-store-issued) with"
                        + " InvalidRequestException");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PT59M59S", "PT0.001S", "P3650DT1S", "P999999999999D"})
    void rotationPeriodsOutsideOneHourToTenYearsAreRefusedAndChangeNothing(String written) {
        Duration period = Duration.parse(written);
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> NewSecret.builder(path("prod/rotation"), TEAM).rotationPeriod(period).build(),
                () -> "rule: NewSecret.build refuses a rotation period outside " + Secret.MIN_ROTATION_PERIOD + ".."
                        + Secret.MAX_ROTATION_PERIOD + " (" + written + ") with INVALID_ARGUMENT");
        assertNothingCreated(() -> "rotation period " + written);
        Secret secret = createSecret("prod/rotation");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> SecretUpdate.none().withRotationPeriod(period),
                () -> "rule: SecretUpdate.withRotationPeriod refuses a rotation period outside " + Secret.MIN_ROTATION_PERIOD
                        + ".." + Secret.MAX_ROTATION_PERIOD + " (" + written + ") with INVALID_ARGUMENT");
        assertEquals(null, manager().describe(admin(), secret.id()).secret().rotationPeriod(),
                () -> "rule: a refused rotation period (" + written + ") changes nothing: " + secret.path()
                        + " keeps no rotation period (SecretManager.describe)");
    }

    @Test
    void rotationPeriodsAtTheBoundsAreKept() {
        Secret secret = manager().create(admin(),
                NewSecret.builder(path("prod/rotation-bounds"), TEAM).rotationPeriod(Secret.MIN_ROTATION_PERIOD).build());
        assertEquals(Secret.MIN_ROTATION_PERIOD, manager().describe(admin(), secret.id()).secret().rotationPeriod(),
                () -> "rule: SecretManager.create keeps a rotation period at the lower bound (" + Secret.MIN_ROTATION_PERIOD
                        + ") for " + secret.path());
        manager().update(admin(), secret.id(), SecretUpdate.none().withRotationPeriod(Secret.MAX_ROTATION_PERIOD));
        Secret updated = manager().describe(admin(), secret.id()).secret();
        assertEquals(Secret.MAX_ROTATION_PERIOD, updated.rotationPeriod(),
                () -> "rule: SecretManager.update keeps a rotation period at the upper bound (" + Secret.MAX_ROTATION_PERIOD
                        + ") for " + secret.path());
        assertEquals(updated.createdAt().plus(Secret.MAX_ROTATION_PERIOD), updated.rotationDueAt().orElseThrow(),
                () -> "rule: a secret never rotated is due createdAt + rotation period (" + updated.createdAt() + " + "
                        + Secret.MAX_ROTATION_PERIOD + ") for " + secret.path());
    }

    @Test
    void expiresAtOutsideTheBoundsIsRefusedAndAddsNoVersion() {
        Secret secret = createSecret("prod/expiry-bounds");
        for (Instant at : List.of(InstantBounds.EARLIEST.minusSeconds(1), InstantBounds.LATEST.plusSeconds(1), Instant.MAX, Instant.MIN)) {
            try (SecretValue value = TestValues.value()) {
                Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                        () -> new NewVersion(value, VersionStatus.CURRENT, at),
                        () -> "rule: a NewVersion refuses expiresAt " + at + " outside " + InstantBounds.EARLIEST + ".."
                                + InstantBounds.LATEST + " with INVALID_ARGUMENT");
            }
        }
        assertTrue(manager().versions(admin(), secret.id()).isEmpty(),
                () -> "rule: refused expiry times add no version; SecretManager.versions of " + secret.path() + " is empty");
    }

    @Test
    void expiresAtAtTheBoundsRoundTrips() {
        Secret secret = createSecret("prod/expiry-edges");
        for (Instant at : List.of(InstantBounds.EARLIEST, InstantBounds.LATEST)) {
            try (SecretValue value = TestValues.value()) {
                manager().addVersion(admin(), secret.id(), new NewVersion(value, VersionStatus.CURRENT, at));
            }
            try (SecretContent content = manager().read(admin(), secret.path(), VersionSelector.current())) {
                assertEquals(at, content.expiresAt(),
                        () -> "rule: an expiresAt at the bound " + at + " is kept: SecretManager.read of " + secret.path()
                                + " at current reports it");
            }
        }
    }

    /** NUL, tab, newline, ESC, DEL, a C1 control, lone surrogates, noncharacters (also beyond the BMP). */
    @ParameterizedTest(name = "bad character {index}")
    @ValueSource(strings = {"\u0000", "\t", "\n", "\u001b", "\u007f", "\u0085", "\ud800", "\udc00", "\ufffe", "\ufdd0", "\ud83f\udfff"})
    void textFieldsRefuseControlCharactersLoneSurrogatesAndNoncharacters(String bad) {
        String text = "a" + bad + "b";
        SecretPath path = path("prod/text");
        String badChars = codePoints(bad);
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> NewSecret.builder(path, TEAM).description(text).build(),
                () -> "rule: NewSecret.build refuses a description containing " + badChars + " with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> NewSecret.builder(path, TEAM).labels(Map.of("tier", text)).build(),
                () -> "rule: NewSecret.build refuses a label value containing " + badChars + " with INVALID_ARGUMENT");
        assertNothingCreated(() -> "text containing " + badChars);
        Secret secret = createSecret("prod/text");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> SecretUpdate.none().withDescription(text),
                () -> "rule: SecretUpdate.withDescription refuses a description containing " + badChars + " with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> SecretUpdate.none().withLabels(Map.of("tier", text)),
                () -> "rule: SecretUpdate.withLabels refuses a label value containing " + badChars + " with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> Conditions.none().withSourceCluster(text),
                () -> "rule: Conditions.withSourceCluster refuses a cluster name containing " + badChars
                        + " with INVALID_ARGUMENT");
        assertEquals("", manager().describe(admin(), secret.id()).secret().description(),
                () -> "rule: refused text (" + badChars + ") changes nothing: " + secret.path() + " keeps the empty"
                        + " description (SecretManager.describe)");
    }

    @Test
    void unicodeTextComesBackFromTheStoreAsSent() {
        String text = "Zürich 🔑 密钥 \ufffd שלום";
        Secret secret = manager().create(admin(), NewSecret.builder(path("prod/unicode"), TEAM)
                .description(text).labels(Map.of("city", text)).build());
        Secret described = manager().describe(admin(), secret.id()).secret();
        assertEquals(text, described.description(),
                () -> "rule: SecretManager.describe of " + secret.path() + " returns a Unicode description exactly as sent");
        assertEquals(text, described.labels().get("city"),
                () -> "rule: SecretManager.describe of " + secret.path() + " returns a Unicode label value (city) exactly"
                        + " as sent");
        assertEquals(text, manager().list(admin(), SecretFilter.all(), PageRequest.first()).items().get(0).secret().description(),
                () -> "rule: SecretManager.list returns the Unicode description of " + secret.path() + " exactly as sent");
        putPolicy(Policy.allow("unicode-cluster", List.of("user:u"), List.of("secrets:read"), List.of("prod/*"))
                .withConditions(Conditions.none().withSourceCluster(text)));
        assertEquals(List.of(text), manager().getPolicy(admin(), "unicode-cluster").orElseThrow().conditions().sourceCluster(),
                "rule: SecretManager.getPolicy of unicode-cluster returns a Unicode source-cluster condition exactly as put");
    }

    @Test
    void aTextValueWithALoneSurrogateIsRefusedNotReplaced() {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> SecretValue.ofUtf8("x\ud800y"),
                () -> "rule: SecretValue.ofUtf8(String) refuses text with a lone high surrogate (U+D800) with"
                        + " INVALID_ARGUMENT instead of replacing it");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> SecretValue.ofUtf8(new char[] {'x', '\udc00'}),
                () -> "rule: SecretValue.ofUtf8(char[]) refuses text with a lone low surrogate (U+DC00) with"
                        + " INVALID_ARGUMENT instead of replacing it");
        try (SecretValue pair = SecretValue.ofUtf8("\ud83d\udd11")) {
            assertEquals(4, pair.length(), "rule: SecretValue.ofUtf8 encodes a surrogate pair (U+1F511) as 4 UTF-8 bytes");
        }
    }

    /** Asserts the tenant has no secret; {@code refused} names the input that was refused. */
    private void assertNothingCreated(Supplier<String> refused) {
        List<String> listed = manager().list(admin(), SecretFilter.all(), PageRequest.first()).items().stream()
                .map(item -> item.path().qualifiedName()).toList();
        assertTrue(listed.isEmpty(), () -> "rule: refused input (" + refused.get() + ") creates no secret;"
                + " SecretManager.list shows " + listed);
    }

    /** The code points of {@code text} as U+XXXX, for messages (the characters themselves may not print). */
    private static String codePoints(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            out.append(out.length() == 0 ? "" : " ").append(String.format("U+%04X", (int) text.charAt(i)));
        }
        return out.toString();
    }

    /** Text of exactly {@code bytes} UTF-8 bytes that starts with a fresh, remembered test value. */
    private static String oversized(int bytes) {
        String head = TestValues.text();
        return head + "x".repeat(bytes - head.length());
    }
    @Test
    void secretIdsOfUpTo64CharactersAreLookedUpAndLongerOnesRefused() {
        createSecret("prod/validation/id-limit");
        String sixtyFour = "sec_" + "a".repeat(60);
        String sixtyFive = sixtyFour + "a";
        for (String id : List.of("sec_unknown", sixtyFour)) {
            Supplier<String> rule = () -> "rule: a secret id of at most 64 characters is looked up; an unknown one of "
                    + id.length() + " characters (" + id + ") fails SecretManager.describe with SECRET_NOT_FOUND";
            Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> manager().describe(admin(), id), rule);
            Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                    () -> manager().disable(admin(), SecretRef.id(id), 1),
                    () -> rule.get().replace("SecretManager.describe", "SecretManager.disable (version 1)"));
        }
        for (String id : List.of(sixtyFive, "sec_" + "a".repeat(200))) {
            Supplier<String> rule = () -> "rule: a secret id longer than 64 characters is refused before any lookup; "
                    + id + " (" + id.length() + " characters) fails SecretManager.describe with INVALID_ARGUMENT";
            Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> manager().describe(admin(), id), rule);
            Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                    () -> manager().disable(admin(), SecretRef.id(id), 1),
                    () -> rule.get().replace("SecretManager.describe", "SecretManager.disable (version 1)"));
        }
    }
}
