package dev.coffer.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.TokenMinter.TokenRequest;
import dev.coffer.server.auth.TokenRejectedException.Reason;
import dev.coffer.spi.access.Principal;
import dev.coffer.tck.support.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verified-token cache on really signed RS256 tokens, with a verifier whose clock the test moves. */
class VerifiedTokensTest {
    /** No skew: a token is refused the second its exp arrives, so "after exp" is exact. */
    private static final JwtSettings NO_SKEW = new JwtSettings(JwtSettings.DEFAULT_ISSUER, JwtSettings.DEFAULT_AUDIENCE,
            new TokenBounds(TokenBounds.DEFAULT_MAX_LIFETIME, Duration.ZERO));

    private static KeyPair pair;
    private static KeyPair other;

    private MutableClock clock;
    private TokenMinter minter;
    private Counting verifier;

    /** Our own wrapper around the real verifier: counts how often a token is really verified. */
    static final class Counting implements TokenVerifier {
        final AtomicInteger calls = new AtomicInteger();
        private final TokenVerifier real;

        Counting(TokenVerifier real) {
            this.real = real;
        }

        @Override
        public JsonWebToken verify(String token) throws TokenRejectedException {
            calls.incrementAndGet();
            return real.verify(token);
        }

        @Override
        public Clock clock() {
            return real.clock();
        }
    }

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        pair = generator.generateKeyPair();
        other = generator.generateKeyPair();
    }

    @BeforeEach
    void fresh() {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        minter = new TokenMinter(pair.getPrivate(), NO_SKEW, clock);
        verifier = new Counting(new SmallRyeTokenVerifier(pair.getPublic(), NO_SKEW, clock));
    }

    @Test
    void theSameTokenAgainIsNotVerifiedAgain() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(verifier);
        String token = minter.mint(TokenRequest.subject("alice").groups(List.of("payments")).tenant("acme").cluster("eu-1"));

        VerifiedTokens.Caller first = tokens.verify(token);
        VerifiedTokens.Caller second = tokens.verify(token);

        assertEquals(1, verifier.calls.get());
        assertSame(first, second);
        assertEquals(new Principal("user:alice", "acme", Set.of("payments"), false, "eu-1"), second.principal());
        assertEquals(clock.instant().plus(Duration.ofHours(1)), second.expiresAt());
    }

    @Test
    void aCachedTokenIsRefusedOnceItsExpiryArrives() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(verifier);
        String token = minter.mint(TokenRequest.subject("alice").ttl(Duration.ofMinutes(10)));
        tokens.verify(token);

        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertEquals("user:alice", tokens.verify(token).principal().id());
        assertEquals(1, verifier.calls.get(), "a second before exp it is still served from the cache");

        clock.advance(Duration.ofSeconds(1));
        TokenRejectedException refused = assertThrows(TokenRejectedException.class, () -> tokens.verify(token));
        assertEquals(Reason.EXPIRED, refused.reason());
        assertEquals(2, verifier.calls.get(), "at exp the cache does not answer: the verifier does, and refuses");
        assertEquals(0, tokens.size(), "the expired entry is gone");
        assertThrows(TokenRejectedException.class, () -> tokens.verify(token));
        assertEquals(3, verifier.calls.get());
    }

    @Test
    void withinTheClockSkewAfterExpTheVerifierDecidesAndNothingIsCached() throws Exception {
        JwtSettings skewed = new JwtSettings(JwtSettings.DEFAULT_ISSUER, JwtSettings.DEFAULT_AUDIENCE,
                new TokenBounds(TokenBounds.DEFAULT_MAX_LIFETIME, Duration.ofSeconds(30)));
        Counting counting = new Counting(new SmallRyeTokenVerifier(pair.getPublic(), skewed, clock));
        VerifiedTokens tokens = new VerifiedTokens(counting);
        // Issued 10 minutes ago by the real clock, so jose4j (system clock) sees it 10 s past exp as well.
        Instant issued = clock.instant().minus(Duration.ofMinutes(10));
        String token = new TokenMinter(pair.getPrivate(), skewed, Clock.fixed(issued, java.time.ZoneOffset.UTC))
                .mint(TokenRequest.subject("alice").ttl(Duration.ofMinutes(10).minusSeconds(10)));

        assertEquals("user:alice", tokens.verify(token).principal().id());
        assertEquals("user:alice", tokens.verify(token).principal().id());
        assertEquals(2, counting.calls.get(), "past exp, each use is verified afresh");
        assertEquals(0, tokens.size());

        clock.advance(Duration.ofSeconds(20));
        assertEquals(Reason.EXPIRED, assertThrows(TokenRejectedException.class, () -> tokens.verify(token)).reason());
    }

    @Test
    void aForgedSignatureOverTheClaimsOfACachedTokenIsRefused() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(verifier);
        String token = minter.mint(TokenRequest.subject("admin").groups(List.of("coffer-admins")));
        tokens.verify(token);
        String[] parts = token.split("\\.");

        // The same header and claims, signed by another key.
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        jws.setKey(other.getPrivate());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        String forged = jws.getCompactSerialization();
        assertEquals(parts[1], forged.split("\\.")[1], "the forgery carries exactly the cached token's claims");
        // The real signature with one character changed.
        char last = parts[2].charAt(parts[2].length() - 2);
        String tampered = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2)
                + (last == 'A' ? 'B' : 'A') + parts[2].charAt(parts[2].length() - 1);

        for (String bad : List.of(forged, tampered)) {
            assertEquals(Reason.BAD_SIGNATURE, assertThrows(TokenRejectedException.class, () -> tokens.verify(bad)).reason());
        }
        assertEquals(3, verifier.calls.get());
        assertEquals(1, tokens.size(), "only the real token is cached");
        assertEquals("user:admin", tokens.verify(token).principal().id());
        assertEquals(3, verifier.calls.get());
    }

    @Test
    void aRefusedTokenIsNeverCached() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(verifier);
        // Verifies, but its claims name no valid principal: refused by the mapping, after the verifier.
        String posingAsGroup = minter.mint(TokenRequest.subject("group:coffer-admins"));
        String wrongAudience = new TokenMinter(pair.getPrivate(), new JwtSettings(JwtSettings.DEFAULT_ISSUER, "elsewhere"), clock)
                .mint(TokenRequest.subject("alice"));
        for (int i = 0; i < 3; i++) {
            assertEquals(Reason.BAD_PRINCIPAL, assertThrows(TokenRejectedException.class, () -> tokens.verify(posingAsGroup)).reason());
            assertEquals(Reason.BAD_AUDIENCE, assertThrows(TokenRejectedException.class, () -> tokens.verify(wrongAudience)).reason());
        }
        assertEquals(6, verifier.calls.get(), "every presentation of a refused token meets the verifier");
        assertEquals(0, tokens.size());
    }

    @Test
    void theCacheStaysWithinItsBound() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(verifier, 8);
        List<String> minted = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String token = minter.mint(TokenRequest.subject("user-" + i));
            minted.add(token);
            assertEquals("user:user-" + i, tokens.verify(token).principal().id());
            assertTrue(tokens.size() <= 8, "size " + tokens.size() + " after " + (i + 1) + " tokens");
        }
        // Evicted or not, each token still stands for its own principal.
        for (int i = 0; i < minted.size(); i++) {
            assertEquals("user:user-" + i, tokens.verify(minted.get(i)).principal().id());
        }
        assertTrue(tokens.size() <= 8);
        assertEquals(8, tokens.maximumSize());
    }

    @Test
    void tokensOfDifferentPrincipalsNeverCross() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(verifier);
        List<String> minted = List.of(
                minter.mint(TokenRequest.subject("alice").groups(List.of("payments"))),
                minter.mint(TokenRequest.subject("alice").groups(List.of("payments", "coffer-admins"))),
                minter.mint(TokenRequest.subject("bob").tenant("acme")),
                minter.mint(TokenRequest.subject("service:prod:api").cluster("eu-1").mfa(true)));
        List<Principal> expected = List.of(
                new Principal("user:alice", "default", Set.of("payments"), false, null),
                new Principal("user:alice", "default", Set.of("payments", "coffer-admins"), false, null),
                new Principal("user:bob", "acme", Set.of(), false, null),
                new Principal("service:prod:api", "default", Set.of(), true, "eu-1"));
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < minted.size(); i++) {
                assertEquals(expected.get(i), tokens.verify(minted.get(i)).principal());
            }
        }
        assertEquals(minted.size(), verifier.calls.get());
    }

    @Test
    void itPrintsNoTokenAndRefusesAnUnboundedSize() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(verifier);
        String token = minter.mint(TokenRequest.subject("alice"));
        tokens.verify(token);
        String text = tokens + " " + tokens.verify(token);
        for (String part : token.split("\\.")) {
            assertFalse(text.contains(part), text);
        }
        assertThrows(IllegalArgumentException.class, () -> new VerifiedTokens(verifier, 0));
        assertThrows(IllegalArgumentException.class, () -> new VerifiedTokens(verifier, VerifiedTokens.MAX_MAXIMUM_SIZE + 1));
    }
}
