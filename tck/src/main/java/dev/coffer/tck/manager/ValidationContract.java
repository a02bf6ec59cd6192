package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.Conditions;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.InstantBounds;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input gets a precise error and changes nothing: paths, value sizes, metadata fields,
 * selectors, page requests, the bounds of durations and instants, the plain-text rule. Text that
 * keeps the rules comes back from every store exactly as sent. Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class ValidationContract extends ManagerContractBase {

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "prod/../etc/passwd", "prod/./db", "prod/a//b", "prod/a/", "prod/", "/db",
        "prod_eu/db", "Prod/db", "1prod/db", "prod/db password", "prod/db:x", "prod"})
    void invalidPathsAreRejectedWithInvalidPath(String environmentAndPath) {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_PATH, () -> SecretPath.parse(tenant(), environmentAndPath));
        assertNothingCreated();
    }

    @Test
    void pathsLongerThan512CharactersAreRejected() {
        String longest = "a/".repeat(255) + "ab";
        assertEquals(SecretPath.MAX_PATH_LENGTH, longest.length());
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_PATH, () -> SecretPath.parse(tenant(), "prod/" + longest + "c"));

        Secret secret = createSecret("prod/" + longest);
        String value = TestValues.text();
        addCurrent(secret.id(), value);
        assertEquals(value, readCurrent(path("prod/" + longest)));
    }

    @Test
    void valueOneByteOverSixtyFourKibIsTooLarge() {
        Secret secret = createSecret("prod/big");
        String tooLarge = TestValues.remember(oversized(SecretValue.MAX_BYTES + 1));
        Expect.thrown(InvalidRequestException.class, ErrorCode.VALUE_TOO_LARGE, () -> SecretValue.ofUtf8(tooLarge));
        Expect.thrown(InvalidRequestException.class, ErrorCode.VALUE_TOO_LARGE,
                () -> SecretValue.of(new byte[SecretValue.MAX_BYTES + 1]));
        assertTrue(manager().versions(admin(), secret.id()).isEmpty());
    }

    @Test
    void valueOfExactlySixtyFourKibRoundTrips() {
        Secret secret = createSecret("prod/big");
        String largest = TestValues.remember(oversized(SecretValue.MAX_BYTES));
        assertEquals(1, addCurrent(secret.id(), largest).number());
        try (SecretContent content = manager().read(admin(), secret.path(), VersionSelector.current());
                SecretValue expected = SecretValue.ofUtf8(largest)) {
            assertEquals(SecretValue.MAX_BYTES, content.value().length());
            assertEquals(expected, content.value());
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
            assertTrue(Arrays.equals(bytes, content.value().bytes()));
        }
    }

    @Test
    void emptyValueRoundTrips() {
        Secret secret = createSecret("prod/empty-value");
        try (SecretValue value = SecretValue.of(new byte[0])) {
            manager().addVersion(admin(), secret.id(), NewVersion.current(value));
        }
        try (SecretContent content = manager().read(admin(), secret.path(), VersionSelector.current())) {
            assertEquals(0, content.value().length());
        }
    }

    @Test
    void malformedMetadataIsRejectedWithInvalidArgument() {
        SecretPath path = path("prod/meta");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> NewSecret.builder(path, "Payments Team").build());
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> NewSecret.builder(path, null).build());
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> NewSecret.builder(path, TEAM).description("x".repeat(1025)).build());
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> NewSecret.builder(path, TEAM).labels(Map.of("Bad Key", "v")).build());
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> NewSecret.builder(path, TEAM).rotationPeriod(java.time.Duration.ZERO).build());
        assertNothingCreated();
    }

    @Test
    void malformedSelectorsAndVersionRequestsAreRejected() {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> VersionSelector.alias("Current"));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> VersionSelector.number(0));
        try (SecretValue value = TestValues.value()) {
            Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                    () -> new NewVersion(value, VersionStatus.PREVIOUS, null));
        }
    }

    @Test
    void malformedPageRequestsAreRejected() {
        createSecret("prod/paged");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> PageRequest.first(0));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> PageRequest.first(PageRequest.MAX_LIMIT + 1));
        Expect.thrown(InvalidRequestException.class,
                () -> manager().list(admin(), SecretFilter.all(), new PageRequest("not-a-token-the-store-issued", 10)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PT59M59S", "PT0.001S", "P3650DT1S", "P999999999999D"})
    void rotationPeriodsOutsideOneHourToTenYearsAreRefusedAndChangeNothing(String written) {
        Duration period = Duration.parse(written);
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> NewSecret.builder(path("prod/rotation"), TEAM).rotationPeriod(period).build());
        assertNothingCreated();
        Secret secret = createSecret("prod/rotation");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> SecretUpdate.none().withRotationPeriod(period));
        assertEquals(null, manager().describe(admin(), secret.id()).secret().rotationPeriod());
    }

    @Test
    void rotationPeriodsAtTheBoundsAreKept() {
        Secret secret = manager().create(admin(),
                NewSecret.builder(path("prod/rotation-bounds"), TEAM).rotationPeriod(Secret.MIN_ROTATION_PERIOD).build());
        assertEquals(Secret.MIN_ROTATION_PERIOD, manager().describe(admin(), secret.id()).secret().rotationPeriod());
        manager().update(admin(), secret.id(), SecretUpdate.none().withRotationPeriod(Secret.MAX_ROTATION_PERIOD));
        Secret updated = manager().describe(admin(), secret.id()).secret();
        assertEquals(Secret.MAX_ROTATION_PERIOD, updated.rotationPeriod());
        assertEquals(updated.createdAt().plus(Secret.MAX_ROTATION_PERIOD), updated.rotationDueAt().orElseThrow());
    }

    @Test
    void expiresAtOutsideTheBoundsIsRefusedAndAddsNoVersion() {
        Secret secret = createSecret("prod/expiry-bounds");
        for (Instant at : List.of(InstantBounds.EARLIEST.minusSeconds(1), InstantBounds.LATEST.plusSeconds(1), Instant.MAX, Instant.MIN)) {
            try (SecretValue value = TestValues.value()) {
                Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                        () -> new NewVersion(value, VersionStatus.CURRENT, at));
            }
        }
        assertTrue(manager().versions(admin(), secret.id()).isEmpty());
    }

    @Test
    void expiresAtAtTheBoundsRoundTrips() {
        Secret secret = createSecret("prod/expiry-edges");
        for (Instant at : List.of(InstantBounds.EARLIEST, InstantBounds.LATEST)) {
            try (SecretValue value = TestValues.value()) {
                manager().addVersion(admin(), secret.id(), new NewVersion(value, VersionStatus.CURRENT, at));
            }
            try (SecretContent content = manager().read(admin(), secret.path(), VersionSelector.current())) {
                assertEquals(at, content.expiresAt());
            }
        }
    }

    /** NUL, tab, newline, ESC, DEL, a C1 control, lone surrogates, noncharacters (also beyond the BMP). */
    @ParameterizedTest(name = "bad character {index}")
    @ValueSource(strings = {"\u0000", "\t", "\n", "\u001b", "\u007f", "\u0085", "\ud800", "\udc00", "\ufffe", "\ufdd0", "\ud83f\udfff"})
    void textFieldsRefuseControlCharactersLoneSurrogatesAndNoncharacters(String bad) {
        String text = "a" + bad + "b";
        SecretPath path = path("prod/text");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> NewSecret.builder(path, TEAM).description(text).build());
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> NewSecret.builder(path, TEAM).labels(Map.of("tier", text)).build());
        assertNothingCreated();
        Secret secret = createSecret("prod/text");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> SecretUpdate.none().withDescription(text));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> SecretUpdate.none().withLabels(Map.of("tier", text)));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> Conditions.none().withSourceCluster(text));
        assertEquals("", manager().describe(admin(), secret.id()).secret().description());
    }

    @Test
    void unicodeTextComesBackFromTheStoreAsSent() {
        String text = "Zürich 🔑 密钥 \ufffd שלום";
        Secret secret = manager().create(admin(), NewSecret.builder(path("prod/unicode"), TEAM)
                .description(text).labels(Map.of("city", text)).build());
        Secret described = manager().describe(admin(), secret.id()).secret();
        assertEquals(text, described.description());
        assertEquals(text, described.labels().get("city"));
        assertEquals(text, manager().list(admin(), SecretFilter.all(), PageRequest.first()).items().get(0).secret().description());
        putPolicy(Policy.allow("unicode-cluster", List.of("user:u"), List.of("secrets:read"), List.of("prod/*"))
                .withConditions(Conditions.none().withSourceCluster(text)));
        assertEquals(List.of(text), manager().getPolicy(admin(), "unicode-cluster").orElseThrow().conditions().sourceCluster());
    }

    @Test
    void aTextValueWithALoneSurrogateIsRefusedNotReplaced() {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> SecretValue.ofUtf8("x\ud800y"));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> SecretValue.ofUtf8(new char[] {'x', '\udc00'}));
        try (SecretValue pair = SecretValue.ofUtf8("\ud83d\udd11")) {
            assertEquals(4, pair.length());
        }
    }

    private void assertNothingCreated() {
        assertTrue(manager().list(admin(), SecretFilter.all(), PageRequest.first()).items().isEmpty(), "a secret was created");
    }

    /** Text of exactly {@code bytes} UTF-8 bytes that starts with a fresh, remembered test value. */
    private static String oversized(int bytes) {
        String head = TestValues.text();
        return head + "x".repeat(bytes - head.length());
    }
}
