package dev.coffer.server.support;

import dev.coffer.server.auth.JwtSettings;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.function.Consumer;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * Really signed RS256 tokens with claims {@link dev.coffer.server.auth.TokenMinter} would never
 * write (a numeric tenant, no {@code iat}): the default issuer and audience, {@code sub}
 * {@code admin} in group {@code coffer-admins}, issued now, expiring in an hour, then whatever
 * {@code edit} does.
 */
public final class SignedClaims {
    private SignedClaims() {}

    /** A token signed by {@code key} with the default claims, then {@code edit}. */
    public static String sign(PrivateKey key, Consumer<JwtClaims> edit) {
        long now = Instant.now().getEpochSecond();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(JwtSettings.DEFAULT_ISSUER);
        claims.setAudience(JwtSettings.DEFAULT_AUDIENCE);
        claims.setSubject("admin");
        claims.setStringListClaim("groups", "coffer-admins");
        claims.setClaim("iat", now);
        claims.setClaim("exp", now + 3600);
        edit.accept(claims);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
