package dev.coffer.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.Reply;
import dev.coffer.server.support.SignedClaims;
import dev.coffer.server.support.TestServer;
import dev.coffer.spi.access.Policy;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** 401 for every bad token, 403 audited for policy denials, and deny by default for every route. */
@ExtendWith(NoValueLeaks.class)
class AuthenticationTest {
    private static TestServer server;
    private static String id;
    private static String value;

    /** A resource without any security annotation: it must not be reachable without a token. */
    @Path("probe")
    public static class UnannotatedProbe {
        @GET
        @Produces("text/plain")
        public String probe() {
            return "reachable";
        }
    }

    @BeforeAll
    static void start() {
        server = TestServer.start(app -> app.register(UnannotatedProbe.class));
        id = server.create("prod", "auth/db");
        value = TestValues.text();
        server.put(id, value, "CURRENT");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void missingTokenIs401WithBearerChallenge() {
        Reply reply = server.send("GET", "v1/secrets/prod/auth/db", null, null);
        assertUnauthenticated(reply);
        assertEquals("Bearer realm=\"coffer\"", reply.header("WWW-Authenticate"));
    }

    @Test
    void expiredTokenIs401() {
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC);
        String expired = new TokenMinter(server.signingKey(), JwtSettings.defaults(), past)
                .mint(TokenMinter.TokenRequest.subject("admin").groups(List.of("coffer-admins")).ttl(Duration.ofHours(1)));
        Reply reply = server.send("GET", "v1/secrets/prod/auth/db", expired, null);
        assertUnauthenticated(reply);
        assertTrue(reply.header("WWW-Authenticate").contains("invalid_token"));
        assertTrue(reply.json().getString("detail").contains("expired"), reply::toString);
    }

    @Test
    void forgedTokenIs401() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String forged = new TokenMinter(generator.generateKeyPair().getPrivate(), JwtSettings.defaults())
                .mint(TokenMinter.TokenRequest.subject("admin").groups(List.of("coffer-admins")));
        Reply reply = server.send("GET", "v1/secrets/prod/auth/db", forged, null);
        assertUnauthenticated(reply);
        assertTrue(reply.json().getString("detail").contains("signature"), reply::toString);
    }

    @Test
    void tamperedPayloadIs401() {
        String[] parts = server.adminToken.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"admin\"", "\"root\"");
        String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
        assertUnauthenticated(server.send("GET", "v1/secrets/prod/auth/db", tampered, null));
    }

    @Test
    void wrongIssuerIs401() {
        String token = new TokenMinter(server.signingKey(), new JwtSettings("someone-else", JwtSettings.DEFAULT_AUDIENCE))
                .mint(TokenMinter.TokenRequest.subject("admin").groups(List.of("coffer-admins")));
        Reply reply = server.send("GET", "v1/secrets/prod/auth/db", token, null);
        assertUnauthenticated(reply);
        assertTrue(reply.json().getString("detail").contains("issuer"), reply::toString);
    }

    @Test
    void wrongAudienceIs401() {
        String token = new TokenMinter(server.signingKey(), new JwtSettings(JwtSettings.DEFAULT_ISSUER, "another-service"))
                .mint(TokenMinter.TokenRequest.subject("admin").groups(List.of("coffer-admins")));
        Reply reply = server.send("GET", "v1/secrets/prod/auth/db", token, null);
        assertUnauthenticated(reply);
        assertTrue(reply.json().getString("detail").contains("audience"), reply::toString);
    }

    static Stream<Arguments> malformedTenants() {
        return Stream.of(Arguments.of("blank", " "), Arguments.of("number", 7), Arguments.of("boolean", false),
                Arguments.of("array", List.of("tenantb")), Arguments.of("object", Map.of("tenant", "tenantb")),
                Arguments.of("invalid id", "tenantb_"));
    }

    @ParameterizedTest(name = "tenant claim {0} is 401, not tenant default")
    @MethodSource("malformedTenants")
    void aMalformedTenantClaimIs401(String label, Object claim) {
        String token = SignedClaims.sign(server.signingKey(), claims -> claims.setClaim("tenant", claim));
        Reply reply = server.send("GET", "v1/secrets/prod/auth/db", token, null);
        assertUnauthenticated(reply);
        assertTrue(reply.json().getString("detail").startsWith("token tenant claim is invalid"), reply::toString);
        assertFalse(reply.body().contains("tenantb"), reply::toString);
        assertFalse(reply.body().contains(value));
    }

    @Test
    void aTokenLiving31700YearsIs401() {
        String token = server.token(TokenMinter.TokenRequest.subject("admin").groups(List.of("coffer-admins"))
                .ttl(Duration.ofDays(365L * 31_700)));
        Reply reply = server.send("GET", "v1/secrets/prod/auth/db", token, null);
        assertUnauthenticated(reply);
        assertEquals("token lifetime (exp - iat) exceeds the maximum of 366d", reply.json().getString("detail"));
    }

    @Test
    void aTokenIssuedTenYearsAheadIs401() {
        Clock future = Clock.fixed(Instant.now().plus(Duration.ofDays(3650)), ZoneOffset.UTC);
        String token = new TokenMinter(server.signingKey(), JwtSettings.defaults(), future)
                .mint(TokenMinter.TokenRequest.subject("admin").groups(List.of("coffer-admins")));
        Reply reply = server.send("GET", "v1/secrets/prod/auth/db", token, null);
        assertUnauthenticated(reply);
        assertEquals("token is issued in the future (iat is later than now plus the 30s clock skew)",
                reply.json().getString("detail"));
    }

    @Test
    void theMaximumLifetimeIsConfigurable() {
        JwtSettings oneHour = new JwtSettings(JwtSettings.DEFAULT_ISSUER, JwtSettings.DEFAULT_AUDIENCE,
                new TokenBounds(Duration.ofHours(1), TokenBounds.DEFAULT_CLOCK_SKEW));
        try (TestServer bounded = TestServer.startWith(oneHour)) {
            TokenMinter.TokenRequest admin = TokenMinter.TokenRequest.subject("admin").groups(List.of("coffer-admins"));
            assertEquals(200, bounded.send("GET", "v1/secrets", bounded.token(admin.ttl(Duration.ofHours(1))), null).status());
            Reply tooLong = bounded.send("GET", "v1/secrets", bounded.token(admin.ttl(Duration.ofHours(1).plusSeconds(1))), null);
            assertUnauthenticated(tooLong);
            assertEquals("token lifetime (exp - iat) exceeds the maximum of 1h", tooLong.json().getString("detail"));
        }
    }

    @Test
    void garbageAndOtherSchemesAre401() {
        assertUnauthenticated(server.send("GET", "v1/secrets", "not.a.jwt", null));
        assertUnauthenticated(server.send("GET", "v1/secrets", null, null, "Authorization", "Basic YWRtaW46YWRtaW4="));
    }

    @Test
    void aSubjectPosingAsAGroupIs401() {
        assertUnauthenticated(server.send("GET", "v1/secrets", server.token("group:coffer-admins"), null));
    }

    @Test
    void policyDenialIs403AndAuditedAsAccessDenied() {
        String nobody = server.token("mallory");
        Reply reply = server.send("GET", "v1/secrets/prod/auth/db", nobody, null, "X-Request-Id", "deny-check-1");
        assertEquals(403, reply.status());
        assertEquals("ACCESS_DENIED", reply.code());
        assertFalse(reply.body().contains(value));
        JsonObject event = server.get("v1/audit?type=ACCESS_DENIED&principal=user:mallory").json()
                .getJsonArray("items").getJsonObject(0);
        assertEquals("DENY", event.getString("decision"));
        assertEquals("secrets:read", event.getString("action"));
        assertEquals("deny-check-1", event.getString("requestId"));
    }

    @Test
    void readerMayReadButNotRotate() {
        server.allow(Policy.allow("auth-readers", List.of("group:readers"), List.of("secrets:read"), List.of("prod/auth/*")));
        String reader = server.token("carol", "readers");
        assertEquals(value, server.send("GET", "v1/secrets/prod/auth/db", reader, null).json().getString("value"));
        Reply rotate = server.send("POST", "v1/secrets/" + id + "/aliases/current", reader, "{\"version\":1,\"expectedPreviousVersion\":1}");
        assertEquals(403, rotate.status());
    }

    @Test
    void tokensOfAnotherTenantSeeNothingOfThisOne() {
        String other = server.token(TokenMinter.TokenRequest.subject("admin").groups(List.of("coffer-admins")).tenant("acme"));
        Reply reply = server.send("GET", "v1/secrets/prod/auth/db", other, null);
        assertEquals(403, reply.status(), reply::toString);
    }

    @Test
    void everyRouteButHealthNeedsAToken() {
        for (String path : List.of("probe", "metrics", "openapi", "v1/secrets", "v1/policies", "v1/audit", "no/such/route",
                "health", "health/live/", "health/other")) {
            assertUnauthenticated(server.send("GET", path, null, null));
        }
        assertUnauthenticated(server.send("POST", "health/live", null, "{}"));
        assertEquals(200, server.send("GET", "health/live", null, null).status());
        assertEquals(200, server.send("GET", "health/ready", null, null).status());
    }

    @Test
    void anUnannotatedResourceWorksWithAToken() {
        Reply reply = server.send("GET", "probe", server.adminToken, null);
        assertEquals(200, reply.status());
        assertEquals("reachable", reply.body());
    }

    private static void assertUnauthenticated(Reply reply) {
        assertEquals(401, reply.status(), reply::toString);
        assertEquals("application/problem+json", reply.header("Content-Type"));
        assertEquals("UNAUTHENTICATED", reply.code());
        assertTrue(reply.header("WWW-Authenticate").startsWith("Bearer"));
    }
}
