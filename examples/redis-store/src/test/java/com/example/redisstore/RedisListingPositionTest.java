package com.example.redisstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.SecretPath;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Listing members and page tokens, without Redis: byte order is the SPI's order, tokens are bounded and checked. */
class RedisListingPositionTest {
    @Test
    void memberByteOrderIsEnvironmentThenPathInStringOrder() {
        List<SecretPath> spiOrder = List.of(SecretPath.of("t", "prod", "db"), SecretPath.of("t", "prod", "db-x"),
                SecretPath.of("t", "prod", "db.x"), SecretPath.of("t", "prod", "db/x"), SecretPath.of("t", "prod", "dbA"),
                SecretPath.of("t", "prod", "db_x"), SecretPath.of("t", "prod-eu", "a"), SecretPath.of("t", "prod0", "a"));
        for (int i = 1; i < spiOrder.size(); i++) {
            byte[] before = ListingPosition.of(spiOrder.get(i - 1)).member();
            byte[] after = ListingPosition.of(spiOrder.get(i)).member();
            assertTrue(Arrays.compareUnsigned(before, after) < 0,
                    spiOrder.get(i - 1) + " must sort before " + spiOrder.get(i) + " as Redis compares members");
        }
    }

    @Test
    void theLongestPositionGivesATokenWithin1024CharactersThatRoundTrips() {
        SecretPath longest = SecretPath.of("t", "e" + "x".repeat(62), "p".repeat(SecretPath.MAX_PATH_LENGTH));
        String token = ListingPosition.of(longest).token();

        assertTrue(token.length() <= 1024, () -> "token of " + token.length() + " characters");
        assertEquals(ListingPosition.of(longest), ListingPosition.ofToken(token));
    }

    @Test
    void tokensThisStoreDidNotIssueAreRefused() {
        String noSeparator = "rl1." + Base64.getUrlEncoder().withoutPadding().encodeToString("prod".getBytes(StandardCharsets.UTF_8));
        String badPath = "rl1." + Base64.getUrlEncoder().withoutPadding().encodeToString("prod\0a//b".getBytes(StandardCharsets.UTF_8));
        String notUtf8 = "rl1." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {(byte) 0xC3, 0x28});
        String otherStore = Base64.getUrlEncoder().withoutPadding().encodeToString("secrets/1:prod/a".getBytes(StandardCharsets.UTF_8));
        for (String token : List.of("rl1.%%%", noSeparator, badPath, notUtf8, otherStore, "rl1." + "A".repeat(1100))) {
            assertThrows(InvalidRequestException.class, () -> ListingPosition.ofToken(token));
        }
    }
}
