package dev.coffer.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.TokenRejectedException.Reason;
import dev.coffer.server.support.SignedClaims;
import dev.coffer.spi.access.Principal;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How verified claims become a principal. */
class ClaimMappingTest {
    private static KeyPair pair;
    private static TokenMinter minter;
    private static TokenVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        pair = generator.generateKeyPair();
        minter = new TokenMinter(pair.getPrivate(), JwtSettings.defaults());
        verifier = new SmallRyeTokenVerifier(pair.getPublic(), JwtSettings.defaults());
    }

    private static Principal principal(TokenMinter.TokenRequest request) throws TokenRejectedException {
        return ClaimMapping.principal(verifier.verify(minter.mint(request)));
    }

    @Test
    void plainSubjectBecomesAUser() throws Exception {
        Principal p = principal(TokenMinter.TokenRequest.subject("alice"));
        assertEquals("user:alice", p.id());
        assertEquals("default", p.tenant());
        assertFalse(p.mfa());
        assertEquals(Set.of(), p.groups());
    }

    @Test
    void prefixedSubjectIsKept() throws Exception {
        assertEquals("service:prod:payments-api", principal(TokenMinter.TokenRequest.subject("service:prod:payments-api")).id());
    }

    @Test
    void groupsTenantMfaAndClusterAreMapped() throws Exception {
        Principal p = principal(TokenMinter.TokenRequest.subject("bob").groups(List.of("oncall", "payments"))
                .tenant("acme").mfa(true).cluster("eu-1"));
        assertEquals(Set.of("oncall", "payments"), p.groups());
        assertEquals("acme", p.tenant());
        assertTrue(p.mfa());
        assertEquals("eu-1", p.cluster());
        assertTrue(p.policyNames().contains("group:oncall"));
    }

    @Test
    void groupSubjectsAndBadTenantsAreRefused() {
        assertThrows(TokenRejectedException.class, () -> principal(TokenMinter.TokenRequest.subject("group:admins")));
        assertThrows(TokenRejectedException.class, () -> principal(TokenMinter.TokenRequest.subject("bob").tenant("Not_Valid")));
    }

    @Test
    void aSubjectNamingOneOfCoffersOwnServicesIsRefused() {
        // The rotation engine acts as service:coffer:rotation; a signed token may not pass for it.
        TokenRejectedException refused = assertThrows(TokenRejectedException.class,
                () -> principal(TokenMinter.TokenRequest.subject("service:coffer:rotation")));
        assertTrue(refused.getMessage().contains("Coffer's own services"), refused.getMessage());
        assertThrows(TokenRejectedException.class, () -> principal(TokenMinter.TokenRequest.subject("service:coffer:anything")));
    }

    @Test
    void onlyAnAbsentTenantClaimMeansTheDefaultTenant() throws Exception {
        String token = SignedClaims.sign(pair.getPrivate(), claims -> { });
        assertEquals(ClaimMapping.DEFAULT_TENANT, ClaimMapping.principal(verifier.verify(token)).tenant());
        String acme = SignedClaims.sign(pair.getPrivate(), claims -> claims.setClaim("tenant", "acme"));
        assertEquals("acme", ClaimMapping.principal(verifier.verify(acme)).tenant());
    }

    /** Present but not a tenant id: each used to map to tenant default. */
    static Stream<Arguments> malformedTenants() {
        return Stream.of(
                Arguments.of("empty string", ""),
                Arguments.of("blank string", "   "),
                Arguments.of("number", 42),
                Arguments.of("boolean", true),
                Arguments.of("array of a valid id", List.of("tenantb")),
                Arguments.of("object", Map.of("id", "tenantb")),
                Arguments.of("null", null),
                Arguments.of("upper case and underscore", "Tenant_B"),
                Arguments.of("too long", "t".repeat(64)));
    }

    @ParameterizedTest(name = "tenant claim {0} is refused")
    @MethodSource("malformedTenants")
    void aPresentButInvalidTenantClaimIsRefusedWithoutEchoingIt(String label, Object claim) throws Exception {
        String token = SignedClaims.sign(pair.getPrivate(), claims -> claims.setClaim("tenant", claim));
        TokenRejectedException refused = assertThrows(TokenRejectedException.class,
                () -> ClaimMapping.principal(verifier.verify(token)));
        assertEquals(Reason.BAD_TENANT, refused.reason());
        assertTrue(refused.getMessage().startsWith("token tenant claim is invalid"), refused.getMessage());
        assertFalse(refused.getMessage().contains("tenantb"), refused.getMessage());
        assertFalse(refused.getMessage().contains("Tenant_B"), refused.getMessage());
    }
}
