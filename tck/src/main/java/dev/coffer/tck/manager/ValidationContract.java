package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.TestValues;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input gets a precise error and changes nothing: paths, value sizes, metadata fields,
 * selectors, page requests. Part of {@link dev.coffer.tck.SecretManagerContract}.
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

    private void assertNothingCreated() {
        assertTrue(manager().list(admin(), SecretFilter.all(), PageRequest.first()).items().isEmpty(), "a secret was created");
    }

    /** Text of exactly {@code bytes} UTF-8 bytes that starts with a fresh, remembered test value. */
    private static String oversized(int bytes) {
        String head = TestValues.text();
        return head + "x".repeat(bytes - head.length());
    }
}
