package dev.coffer.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.coffer.spi.access.Principal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * What one {@link TokenVerifier} made of each token it accepted — the {@link Principal} its
 * claims name and the token's expiry — kept until that expiry, so a client that presents the same
 * bearer token again is not verified (RS256, claim parsing) again.
 *
 * <ul>
 *   <li>Keyed by the SHA-256 of the token, never the token: the cache holds no bearer credential,
 *       and nothing it prints (this class's {@code toString}, its keys) can be replayed.</li>
 *   <li>An entry is served only while the verifier's own {@link TokenVerifier#clock() clock} is
 *       before the token's {@code exp}; from then on the token is verified afresh (the verifier
 *       decides, within its clock skew) and not cached again. The size-bounded cache also drops
 *       the entry at {@code exp} by its own timer.</li>
 *   <li>A token the verifier refuses is never cached, so a token with the claims of a cached one
 *       but another signature (a forgery) is a different key and meets the verifier.</li>
 *   <li>Everything the verifier checks once and for all — signature, issuer, audience,
 *       {@code nbf}, the {@link TokenBounds} ({@code iat} not in the future, lifetime) — ran at the
 *       first verification; none of it changes while the token stays unexpired.</li>
 *   <li>One instance belongs to one verifier, and so to one verification key: a new key means a
 *       new verifier and a new, empty instance. The standalone server reads its key once at start
 *       ({@code jwt-public-key.pem}); nothing replaces it at run time.</li>
 *   <li>Holds no per-request facts: the request id, source address, reason and ticket are taken
 *       from each request ({@code RequestFacts.contextFor}).</li>
 * </ul>
 *
 * <pre>{@code
 * VerifiedTokens tokens = new VerifiedTokens(new SmallRyeTokenVerifier(publicKey, JwtSettings.defaults()));
 * VerifiedTokens.Caller caller = tokens.verify(bearer); // throws TokenRejectedException
 * }</pre>
 */
public final class VerifiedTokens {
    /** Tokens kept at most unless told otherwise: ~10 MB at worst, far more callers than one server sees at once. */
    public static final int DEFAULT_MAXIMUM_SIZE = 10_000;
    /** The largest bound accepted. */
    public static final int MAX_MAXIMUM_SIZE = 1_000_000;

    /**
     * What a verified token stands for.
     *
     * @param principal the caller its claims name ({@link ClaimMapping#principal})
     * @param expiresAt its {@code exp}, or {@code null} when it has none (such a token is never cached)
     */
    public record Caller(Principal principal, Instant expiresAt) {
        public Caller {
            Objects.requireNonNull(principal, "principal");
        }
    }

    private final TokenVerifier verifier;
    private final Clock clock;
    private final int maximumSize;
    private final Cache<TokenHash, Caller> cache;

    /** A cache of at most {@value #DEFAULT_MAXIMUM_SIZE} tokens in front of {@code verifier}. */
    public VerifiedTokens(TokenVerifier verifier) {
        this(verifier, DEFAULT_MAXIMUM_SIZE);
    }

    /**
     * A cache of at most {@code maximumSize} tokens in front of {@code verifier}.
     *
     * @throws IllegalArgumentException when {@code maximumSize} is not between 1 and {@value #MAX_MAXIMUM_SIZE}
     */
    public VerifiedTokens(TokenVerifier verifier, int maximumSize) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clock = Objects.requireNonNull(verifier.clock(), "verifier.clock()");
        if (maximumSize < 1 || maximumSize > MAX_MAXIMUM_SIZE) {
            throw new IllegalArgumentException("the token cache size must be between 1 and " + MAX_MAXIMUM_SIZE + ", got " + maximumSize);
        }
        this.maximumSize = maximumSize;
        this.cache = Caffeine.newBuilder().maximumSize(maximumSize).expireAfter(new UntilExpiry(clock)).build();
    }

    /**
     * The caller {@code token} stands for: from the cache while the token is unexpired by the
     * verifier's clock, else verified and mapped (and then cached until its {@code exp}).
     *
     * @throws TokenRejectedException when the verifier refuses the token or its claims name no valid principal
     */
    public Caller verify(String token) throws TokenRejectedException {
        TokenHash key = TokenHash.of(token);
        Caller cached = cache.getIfPresent(key);
        if (cached != null) {
            if (clock.instant().isBefore(cached.expiresAt())) {
                return cached;
            }
            // At or past exp: the verifier has the last word (it may still accept within its skew).
            cache.invalidate(key);
        }
        JsonWebToken jwt = verifier.verify(token);
        Caller caller = new Caller(ClaimMapping.principal(jwt), CallerPrincipal.expiryOf(jwt));
        if (caller.expiresAt() != null && clock.instant().isBefore(caller.expiresAt())) {
            cache.put(key, caller);
        }
        return caller;
    }

    /** How many tokens are cached now (after pending evictions ran); at most {@link #maximumSize()}. */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** The bound on {@link #size()}. */
    public int maximumSize() {
        return maximumSize;
    }

    @Override
    public String toString() {
        return "VerifiedTokens[size=" + cache.estimatedSize() + ", max=" + maximumSize + "]";
    }

    /** Each entry lives until its token's {@code exp}, measured by the verifier's clock when it is written. */
    private record UntilExpiry(Clock clock) implements Expiry<TokenHash, Caller> {
        @Override
        public long expireAfterCreate(TokenHash key, Caller caller, long currentTime) {
            Duration left = Duration.between(clock.instant(), caller.expiresAt());
            if (left.isNegative()) {
                return 0;
            }
            try {
                return left.toNanos();
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE; // beyond ~292 years: as good as never
            }
        }

        @Override
        public long expireAfterUpdate(TokenHash key, Caller caller, long currentTime, long currentDuration) {
            return expireAfterCreate(key, caller, currentTime);
        }

        @Override
        public long expireAfterRead(TokenHash key, Caller caller, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /** The SHA-256 of a token, as four longs; prints nothing of it. */
    private record TokenHash(long a, long b, long c, long d) {
        static TokenHash of(String token) {
            MessageDigest sha256;
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is not available", e); // every JDK has it
            }
            ByteBuffer digest = ByteBuffer.wrap(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
            return new TokenHash(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
        }

        @Override
        public String toString() {
            return "TokenHash[sha-256]";
        }
    }
}
