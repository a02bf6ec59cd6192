package dev.coffer.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.TokenRejectedException.Reason;
import dev.coffer.server.standalone.AdminBootstrap;
import dev.coffer.server.support.SignedClaims;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lifetime ({@code exp - iat}) and {@code iat} bounds on really signed tokens, at their edges. The
 * verifier judges {@code iat} by a fixed clock, so "just inside" and "just outside" are exact.
 */
class TokenBoundsTest {
    private static final Duration MAX = Duration.ofHours(2);
    private static final Duration SKEW = Duration.ofSeconds(45);

    private static KeyPair pair;
    private static Instant now;
    private static TokenVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        pair = generator.generateKeyPair();
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        verifier = new SmallRyeTokenVerifier(pair.getPublic(),
                new JwtSettings(JwtSettings.DEFAULT_ISSUER, JwtSettings.DEFAULT_AUDIENCE, new TokenBounds(MAX, SKEW)),
                Clock.fixed(now, ZoneOffset.UTC));
    }

    private static String token(Instant issuedAt, Duration lifetime) {
        return new TokenMinter(pair.getPrivate(), JwtSettings.defaults(), Clock.fixed(issuedAt, ZoneOffset.UTC))
                .mint(TokenMinter.TokenRequest.subject("alice").ttl(lifetime));
    }

    private static TokenRejectedException refused(String token) {
        return assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
    }

    @Test
    void aLifetimeOfExactlyTheMaximumPasses() throws Exception {
        assertEquals("alice", verifier.verify(token(now, MAX)).getSubject());
    }

    @Test
    void aSecondOverTheMaximumLifetimeIsRefused() {
        TokenRejectedException e = refused(token(now, MAX.plusSeconds(1)));
        assertEquals(Reason.LIFETIME, e.reason());
        assertEquals("token lifetime (exp - iat) exceeds the maximum of 2h", e.getMessage());
    }

    @Test
    void aLifetimeOf31700YearsIsRefused() {
        assertEquals(Reason.LIFETIME, refused(token(now, Duration.ofDays(365L * 31_700))).reason());
    }

    @Test
    void anOldIatDoesNotStretchTheLifetime() {
        // Issued long ago, still valid for an hour: its lifetime is what counts, not exp - now.
        assertEquals(Reason.LIFETIME, refused(token(now.minus(Duration.ofDays(30)), Duration.ofDays(30).plusHours(1))).reason());
    }

    @Test
    void anIatExactlyOneSkewAheadPasses() throws Exception {
        assertEquals("alice", verifier.verify(token(now.plus(SKEW), Duration.ofMinutes(10))).getSubject());
    }

    @Test
    void anIatOneSecondBeyondTheSkewIsRefused() {
        TokenRejectedException e = refused(token(now.plus(SKEW).plusSeconds(1), Duration.ofMinutes(10)));
        assertEquals(Reason.ISSUED_IN_FUTURE, e.reason());
        assertEquals("token is issued in the future (iat is later than now plus the 45s clock skew)", e.getMessage());
    }

    @Test
    void anIatTenYearsAheadIsRefused() {
        assertEquals(Reason.ISSUED_IN_FUTURE, refused(token(now.plus(Duration.ofDays(3650)), Duration.ofMinutes(10))).reason());
    }

    @Test
    void aTokenWithoutIatIsRefused() {
        String noIat = SignedClaims.sign(pair.getPrivate(), claims -> claims.unsetClaim("iat"));
        assertEquals(Reason.MISSING_CLAIMS, refused(noIat).reason());
    }

    @Test
    void theDefaultsAcceptTheBootstrapAdminToken() throws Exception {
        TokenVerifier defaults = new SmallRyeTokenVerifier(pair.getPublic(), JwtSettings.defaults());
        String admin = new TokenMinter(pair.getPrivate(), JwtSettings.defaults())
                .mint(TokenMinter.TokenRequest.subject("admin").groups(List.of(AdminBootstrap.ADMIN_GROUP)).ttl(AdminBootstrap.ADMIN_TOKEN_TTL));
        assertEquals("admin", defaults.verify(admin).getSubject());
        assertTrue(TokenBounds.DEFAULT_MAX_LIFETIME.compareTo(AdminBootstrap.ADMIN_TOKEN_TTL) >= 0);
    }

    @Test
    void boundsThemselvesAreBounded() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBounds(Duration.ZERO, SKEW));
        assertThrows(IllegalArgumentException.class, () -> new TokenBounds(MAX, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> new TokenBounds(MAX, Duration.ofHours(1)));
    }
}
