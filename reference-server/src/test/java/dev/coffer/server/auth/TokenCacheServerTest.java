package dev.coffer.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.TokenMinter.TokenRequest;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.server.standalone.InMemoryBackend;
import dev.coffer.server.standalone.Kernel;
import dev.coffer.server.standalone.StandaloneServer;
import dev.coffer.server.standalone.TrustedProxies;
import dev.coffer.server.support.LogCapture;
import dev.coffer.tck.support.MutableClock;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache behind the real standalone server's bearer filter: real RS256 tokens,
 * the real verifier wrapped by one that counts, its clock moved by the test.
 */
class TokenCacheServerTest {
    private static final JwtSettings NO_SKEW = new JwtSettings(JwtSettings.DEFAULT_ISSUER, JwtSettings.DEFAULT_AUDIENCE,
            new TokenBounds(TokenBounds.DEFAULT_MAX_LIFETIME, Duration.ZERO));
    private static KeyPair pair;
    private static KeyPair other;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private MutableClock clock;
    private TokenMinter minter;
    private VerifiedTokensTest.Counting verifier;
    private StandaloneServer server;

    /** Says who the filter made of the token, and the per-request facts it added. */
    @Path("whoami")
    public static class Whoami {
        @GET
        @Produces("text/plain")
        public String whoami(@Context SecurityContext security) {
            CallerPrincipal caller = (CallerPrincipal) security.getUserPrincipal();
            var p = caller.context().principal();
            return p.id() + "|" + p.tenant() + "|" + p.groups() + "|" + p.cluster() + "|" + caller.context().requestId() + "|"
                    + caller.context().reason();
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
    void start() {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        minter = new TokenMinter(pair.getPrivate(), NO_SKEW, clock);
        verifier = new VerifiedTokensTest.Counting(new SmallRyeTokenVerifier(pair.getPublic(), NO_SKEW, clock));
        Metrics metrics = new Metrics();
        ResourceConfig app = StandaloneServer.application(Kernel.over(new InMemoryBackend(), metrics), verifier, List.of(), metrics,
                TrustedProxies.none());
        app.register(Whoami.class);
        server = StandaloneServer.start(app, "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> whoami(String token, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/whoami"))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSecondRequestWithTheSameTokenIsNotVerifiedAgain() throws Exception {
        String token = minter.mint(TokenRequest.subject("alice").groups(List.of("payments")).tenant("acme").cluster("eu-1"));
        HttpResponse<String> first = whoami(token, "X-Request-Id", "first", "X-Coffer-Reason", "incident 1");
        HttpResponse<String> second = whoami(token, "X-Request-Id", "second");

        assertEquals(200, first.statusCode(), first::body);
        assertEquals("user:alice|acme|[payments]|eu-1|first|incident 1", first.body());
        // The principal comes from the cache; the request's own facts never do.
        assertEquals("user:alice|acme|[payments]|eu-1|second|null", second.body());
        assertEquals(1, verifier.calls.get());
    }

    @Test
    void aCachedTokenIs401OnceItsExpiryHasPassed() throws Exception {
        String token = minter.mint(TokenRequest.subject("alice").ttl(Duration.ofMinutes(5)));
        assertEquals(200, whoami(token).statusCode());
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertEquals(200, whoami(token).statusCode());
        assertEquals(1, verifier.calls.get());

        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> expired = whoami(token);
        assertEquals(401, expired.statusCode());
        assertTrue(expired.body().contains("token has expired"), expired::body);
        assertEquals(2, verifier.calls.get());
    }

    @Test
    void aForgedSignatureOverACachedTokensClaimsIs401() throws Exception {
        String token = minter.mint(TokenRequest.subject("admin").groups(List.of("coffer-admins")));
        assertEquals(200, whoami(token).statusCode());
        String[] parts = token.split("\\.");
        org.jose4j.jws.JsonWebSignature jws = new org.jose4j.jws.JsonWebSignature();
        jws.setPayload(new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8));
        jws.setKey(other.getPrivate());
        jws.setAlgorithmHeaderValue(org.jose4j.jws.AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        String forged = jws.getCompactSerialization();

        HttpResponse<String> refused = whoami(forged);
        assertEquals(401, refused.statusCode());
        assertTrue(refused.body().contains("signature"), refused::body);
        assertEquals(200, whoami(token).statusCode());
        assertEquals(2, verifier.calls.get());
    }

    @Test
    void differentPrincipalsTokensNeverCross() throws Exception {
        String alice = minter.mint(TokenRequest.subject("alice").groups(List.of("payments")));
        String bob = minter.mint(TokenRequest.subject("bob").tenant("acme"));
        for (int i = 0; i < 5; i++) {
            assertTrue(whoami(alice).body().startsWith("user:alice|default|[payments]|null|"));
            assertTrue(whoami(bob).body().startsWith("user:bob|acme|[]|null|"));
        }
        assertEquals(2, verifier.calls.get());
    }

    @Test
    void noTokenTextReachesTheLog() throws Exception {
        List<String> tokens = new ArrayList<>();
        tokens.add(minter.mint(TokenRequest.subject("alice").tenant("acme")));
        tokens.add(minter.mint(TokenRequest.subject("group:coffer-admins")));
        tokens.add(new TokenMinter(other.getPrivate(), NO_SKEW, clock).mint(TokenRequest.subject("mallory")));
        String shortLived = minter.mint(TokenRequest.subject("carol").ttl(Duration.ofMinutes(1)));
        tokens.add(shortLived);
        List<Logger> verbose = List.of(Logger.getLogger("dev.coffer"), Logger.getLogger("io.smallrye"), Logger.getLogger("org.jose4j"));
        List<Level> saved = verbose.stream().map(Logger::getLevel).toList();
        try (LogCapture log = LogCapture.start()) {
            verbose.forEach(l -> l.setLevel(Level.ALL));
            for (String token : tokens) {
                whoami(token);
                whoami(token);
            }
            clock.advance(Duration.ofMinutes(2));
            assertEquals(401, whoami(shortLived).statusCode());
            String text = log.text();
            assertTrue(text.contains("refused 401 (bad_principal)") && text.contains("refused 401 (expired)"),
                    "the refusals are logged, as reasons: " + text);
            for (String token : tokens) {
                for (String part : token.split("\\.")) {
                    assertFalse(text.contains(part), "the log quotes a token part");
                }
            }
        } finally {
            for (int i = 0; i < verbose.size(); i++) {
                verbose.get(i).setLevel(saved.get(i));
            }
        }
    }
}
