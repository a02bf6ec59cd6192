package dev.coffer.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.Principal;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How verified claims become a principal. */
class ClaimMappingTest {
    private static TokenMinter minter;
    private static TokenVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
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
}
