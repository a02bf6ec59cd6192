package dev.coffer.server.auth;

import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Signs RS256 tokens that {@link SmallRyeTokenVerifier} accepts, with the claims
 * {@link ClaimMapping} reads.
 *
 * <pre>{@code
 * String token = new TokenMinter(privateKey, JwtSettings.defaults())
 *         .mint(TokenRequest.subject("alice").groups(List.of("payments-oncall")).ttl(Duration.ofHours(1)));
 * }</pre>
 */
public final class TokenMinter {
    private final PrivateKey key;
    private final JwtSettings settings;
    private final Clock clock;

    public TokenMinter(PrivateKey key, JwtSettings settings) {
        this(key, settings, Clock.systemUTC());
    }

    public TokenMinter(PrivateKey key, JwtSettings settings, Clock clock) {
        this.key = Objects.requireNonNull(key, "key");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The longest lifetime a server with these settings accepts (a minter may want to stay within it). */
    public Duration maxLifetime() {
        return settings.bounds().maxLifetime();
    }

    /** A signed compact token for {@code request}. */
    public String mint(TokenRequest request) {
        long now = clock.instant().getEpochSecond();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(settings.issuer());
        claims.setAudience(settings.audience());
        claims.setSubject(request.subject());
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setExpirationTime(NumericDate.fromSeconds(now + request.ttl().toSeconds()));
        claims.setGeneratedJwtId();
        claims.setStringListClaim("groups", request.groups());
        if (request.tenant() != null) {
            claims.setClaim("tenant", request.tenant());
        }
        if (request.mfa()) {
            claims.setStringListClaim("amr", List.of("pwd", "mfa"));
        }
        if (request.cluster() != null) {
            claims.setClaim("cluster", request.cluster());
        }
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("signing the token failed: " + e.getClass().getSimpleName(), null);
        }
    }

    /**
     * What a token says.
     *
     * @param subject {@code sub}: a name ({@code alice} → {@code user:alice}) or a {@code kind:name} id
     * @param groups {@code groups}
     * @param tenant {@code tenant}, or {@code null} for the default tenant
     * @param ttl lifetime
     * @param mfa whether {@code amr} lists {@code mfa}
     * @param cluster {@code cluster}, or {@code null}
     */
    public record TokenRequest(String subject, List<String> groups, String tenant, Duration ttl, boolean mfa, String cluster) {
        public TokenRequest {
            Objects.requireNonNull(subject, "subject");
            groups = groups == null ? List.of() : List.copyOf(groups);
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("ttl must be positive");
            }
        }

        /** A one-hour token for {@code subject} in the default tenant. */
        public static TokenRequest subject(String subject) {
            return new TokenRequest(subject, List.of(), null, Duration.ofHours(1), false, null);
        }

        public TokenRequest groups(List<String> names) {
            return new TokenRequest(subject, names, tenant, ttl, mfa, cluster);
        }

        public TokenRequest tenant(String name) {
            return new TokenRequest(subject, groups, name, ttl, mfa, cluster);
        }

        public TokenRequest ttl(Duration lifetime) {
            return new TokenRequest(subject, groups, tenant, lifetime, mfa, cluster);
        }

        public TokenRequest mfa(boolean withMfa) {
            return new TokenRequest(subject, groups, tenant, ttl, withMfa, cluster);
        }

        public TokenRequest cluster(String name) {
            return new TokenRequest(subject, groups, tenant, ttl, mfa, name);
        }
    }
}
