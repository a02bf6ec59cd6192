package dev.coffer.server.liberty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.auth.TokenMinter;
import dev.coffer.server.auth.TokenMinter.TokenRequest;
import dev.coffer.server.standalone.AdminBootstrap;
import dev.coffer.server.support.SignedClaims;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The REST API inside Open Liberty (Arquillian, Liberty managed container): the WAR the build
 * made ({@code target/coffer.war}) on the {@code cofferIT} server of
 * {@code src/test/liberty/config/server.xml}, H2 in the server's output directory, tokens verified
 * by the {@code mpJwt} feature with the test-only key pair in {@code src/test/resources/liberty-it}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LibertyApiIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        File war = new File(System.getProperty("coffer.war"));
        return ShrinkWrap.create(ZipImporter.class, "coffer.war").importFrom(war).as(WebArchive.class);
    }

    @ArquillianResource
    URL base;


    private static String admin() {
        return LibertyCalls.adminToken();
    }

    @Test
    void theServerListensOnTheItPortProperty() {
        // -Dcoffer.it.http.port=N moves Liberty's httpEndpoint (bootstrap property) and Arquillian's
        // container (arquillian.xml) together; the URL every IT calls comes from the latter.
        assertEquals(Integer.getInteger("coffer.it.http.port"), base.getPort(), base::toString);
    }

    @Test
    void createPutReadPromoteAndStaleCas() throws Exception {
        String token = admin();
        String path = "liberty/it-" + UUID.randomUUID().toString().substring(0, 8);

        HttpResponse<String> created = send("POST", "v1/secrets", token,
                "{\"environment\":\"prod\",\"path\":\"" + path + "\",\"ownerTeam\":\"payments\"}");
        assertEquals(201, created.statusCode(), created.body());
        String id = json(created).getString("id");
        assertTrue(id.startsWith("sec_"), id);
        assertTrue(created.headers().firstValue("X-Request-Id").isPresent(), "X-Request-Id");

        HttpResponse<String> v1 = send("POST", "v1/secrets/" + id + "/versions", token, "{\"value\":\"s3cr3t-v1\"}");
        assertEquals(201, v1.statusCode(), v1.body());
        assertEquals(1, json(v1).getInt("version"));

        HttpResponse<String> read = send("GET", "v1/secrets/prod/" + path, token, null);
        assertEquals(200, read.statusCode(), read.body());
        assertEquals("s3cr3t-v1", json(read).getString("value"));
        assertEquals(1, json(read).getInt("version"));

        HttpResponse<String> v2 = send("POST", "v1/secrets/" + id + "/versions", token, "{\"value\":\"s3cr3t-v2\",\"status\":\"PENDING\"}");
        assertEquals(201, v2.statusCode(), v2.body());
        assertEquals("PENDING", json(v2).getString("status"));
        assertEquals("s3cr3t-v1", json(send("GET", "v1/secrets/prod/" + path, token, null)).getString("value"),
                "readers still get the current version");

        HttpResponse<String> promoted = send("POST", "v1/secrets/" + id + "/aliases/current", token,
                "{\"version\":2,\"expectedPreviousVersion\":1}");
        assertEquals(200, promoted.statusCode(), promoted.body());
        HttpResponse<String> after = send("GET", "v1/secrets/prod/" + path, token, null);
        assertEquals("s3cr3t-v2", json(after).getString("value"));
        assertEquals(2, json(after).getInt("version"));

        HttpResponse<String> stale = send("POST", "v1/secrets/" + id + "/aliases/current", token,
                "{\"version\":1,\"expectedPreviousVersion\":1}");
        assertEquals(409, stale.statusCode(), stale.body());
        assertEquals("VERSION_CONFLICT", json(stale).getString("code"));
        assertTrue(stale.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    }

    @Test
    void withoutATokenIs401WithAProblemAndNoTokenInTheServerLog() throws Exception {
        Map<Path, Long> logStart = logSizes(); // the server directory, and its logs, outlive a build
        HttpResponse<String> none = send("GET", "v1/secrets?environment=prod", null, null);
        assertUnauthenticated(none);
        HttpResponse<String> traced = LibertyCalls.HTTP_CLIENT.send(HttpRequest.newBuilder(base.toURI()
                .resolve("v1/secrets")).header("X-Request-Id", "trace-401.liberty").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertUnauthenticated(traced);
        assertEquals("trace-401.liberty", json(traced).getString("requestId"), "an acceptable X-Request-Id is echoed");
        assertEquals("trace-401.liberty", traced.headers().firstValue("X-Request-Id").orElse(""));
        assertEquals("Bearer realm=\"coffer\"", none.headers().firstValue("WWW-Authenticate").orElse(""));

        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String forged = new TokenMinter(rsa.generateKeyPair().getPrivate(), JwtSettings.defaults())
                .mint(TokenRequest.subject("admin").groups(List.of(AdminBootstrap.ADMIN_GROUP)));
        HttpResponse<String> bad = send("GET", "v1/secrets?environment=prod", forged, null);
        assertUnauthenticated(bad);
        assertTrue(bad.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));

        String wrongAudience = new TokenMinter(LibertyCalls.KEYS
                .privateKey(), new JwtSettings("coffer", "someone-else")).mint(TokenRequest.subject("admin"));
        assertUnauthenticated(send("GET", "v1/secrets?environment=prod", wrongAudience, null));

        // Liberty's messages about refused tokens must not carry them into messages.log / console.log
        // (server.xml hides CWWKS5523E). Known and documented: Liberty still writes a token whose
        // signature fails to its FFDC incident files and to trace.log, which this cannot prevent.
        String signature = forged.substring(forged.lastIndexOf('.') + 1);
        String audienceSignature = wrongAudience.substring(wrongAudience.lastIndexOf('.') + 1);
        for (Path log : logSizes().keySet()) {
            byte[] bytes = Files.readAllBytes(log);
            int from = (int) Math.min(bytes.length, logStart.getOrDefault(log, 0L));
            String text = new String(bytes, from, bytes.length - from, StandardCharsets.ISO_8859_1);
            assertFalse(text.contains(signature) || text.contains(audienceSignature), "a rejected token is in " + log);
            // A client's missing token is its mistake, not a server error (web.xml demands no caller).
            assertFalse(text.contains("CWWKS5522E"), "a request without a token was logged as an error in " + log);
        }
    }

    private static void assertUnauthenticated(HttpResponse<String> response) {
        assertEquals(401, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().map().toString());
        assertEquals("UNAUTHENTICATED", json(response).getString("code"));
        assertFalse(json(response).getString("requestId").isBlank());
    }

    private static boolean isMessagesOrConsole(Path log) {
        String name = log.getFileName().toString();
        return (name.startsWith("messages") || name.startsWith("console")) && name.endsWith(".log");
    }

    private static Map<Path, Long> logSizes() throws IOException {
        Path logs = Path.of(System.getProperty("coffer.wlp.home"), "usr", "servers", "cofferIT", "logs");
        Map<Path, Long> sizes = new HashMap<>();
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path log : files.filter(Files::isRegularFile).filter(LibertyApiIT::isMessagesOrConsole).toList()) {
                sizes.put(log, Files.size(log));
            }
        }
        assertFalse(sizes.isEmpty(), "no Liberty logs under " + logs);
        return sizes;
    }

    @Test
    void aTokenLackingTheActionIs403() throws Exception {
        String path = "liberty/denied-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = send("POST", "v1/secrets", admin(),
                "{\"environment\":\"prod\",\"path\":\"" + path + "\",\"ownerTeam\":\"payments\"}");
        assertEquals(201, created.statusCode(), created.body());
        String id = json(created).getString("id");
        assertEquals(201, send("POST", "v1/secrets/" + id + "/versions", admin(), "{\"value\":\"hidden\"}").statusCode());

        String reader = LibertyCalls.MINTER.mint(TokenRequest.subject("mallory").groups(List.of("not-an-admin")));
        HttpResponse<String> denied = send("GET", "v1/secrets/prod/" + path, reader, null);
        assertEquals(403, denied.statusCode(), denied.body());
        assertEquals("ACCESS_DENIED", json(denied).getString("code"));
        assertTrue(!denied.body().contains("hidden"));

        HttpResponse<String> write = send("POST", "v1/secrets/" + id + "/versions", reader, "{\"value\":\"x\"}");
        assertEquals(403, write.statusCode(), write.body());
    }

    /** The Coffer filter applies the standalone server's tenant rule and token bounds after mpJwt. */
    @Test
    void malformedTenantClaimsAndUnboundedTokensAre401AndCounted() throws Exception {
        PrivateKey key = LibertyCalls.KEYS.privateKey();
        for (Object tenant : List.of(List.of("tenantb"), 42, true, " ")) {
            HttpResponse<String> refused = send("GET", "v1/policies", SignedClaims.sign(key, c -> c.setClaim("tenant", tenant)), null);
            assertUnauthenticated(refused);
            assertTrue(json(refused).getString("detail").startsWith("token tenant claim is invalid"), refused.body());
            assertFalse(refused.body().contains("tenantb"));
        }
        String forever = LibertyCalls.MINTER.mint(TokenRequest.subject("admin").groups(List.of(AdminBootstrap.ADMIN_GROUP))
                .ttl(Duration.ofDays(365L * 31_700)));
        HttpResponse<String> tooLong = send("GET", "v1/policies", forever, null);
        assertUnauthenticated(tooLong);
        assertEquals("token lifetime (exp - iat) exceeds the maximum of 366d", json(tooLong).getString("detail"));
        String future = new TokenMinter(key, JwtSettings.defaults(), Clock.fixed(Instant.now().plus(Duration.ofDays(3650)),
                ZoneOffset.UTC)).mint(TokenRequest.subject("admin").groups(List.of(AdminBootstrap.ADMIN_GROUP)));
        // Liberty's mpJwt already refuses an iat beyond its clockSkew (the container's 401); the
        // filter's own iat check is the second line, for a skew configured wider than mpJwt's.
        assertUnauthenticated(send("GET", "v1/policies", future, null));

        HttpResponse<String> metrics = send("GET", "metrics", admin(), null);
        assertEquals(200, metrics.statusCode(), metrics.body());
        // counted by the Coffer filter (the series exist from the start; these are no longer 0)
        assertTrue(Pattern.compile("coffer_authentication_failures_total\\{reason=\"bad_tenant\"} [1-9]").matcher(metrics.body()).find(),
                metrics.body());
        assertTrue(Pattern.compile("coffer_authentication_failures_total\\{reason=\"lifetime\"} [1-9]").matcher(metrics.body()).find(),
                metrics.body());
    }

    @Test
    void metricsNeedTheMetricsActionInTheOperatorTenant() throws Exception {
        String reader = LibertyCalls.MINTER.mint(TokenRequest.subject("mallory").groups(List.of("not-an-admin")));
        HttpResponse<String> denied = send("GET", "metrics", reader, null);
        assertEquals(403, denied.statusCode(), denied.body());
        assertEquals("ACCESS_DENIED", json(denied).getString("code"));
        String otherTenant = LibertyCalls.MINTER.mint(TokenRequest.subject("admin").groups(List.of(AdminBootstrap.ADMIN_GROUP))
                .tenant("acme"));
        assertEquals(403, send("GET", "metrics", otherTenant, null).statusCode());
        HttpResponse<String> allowed = send("GET", "metrics", admin(), null);
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertTrue(allowed.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        // Micrometer's registry on Liberty too: JVM meters, the HikariCP pools, Coffer's own series.
        for (String series : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds",
                "hikaricp_connections_max{pool=\"coffer-main\"}", "coffer_reads_total{", "coffer_audit_append_failures_total{")) {
            assertTrue(allowed.body().contains(series), series);
        }
    }

    /** mpHealth serves health at the server's root, outside the application's context root. */
    @Test
    void healthIsMpHealthsAndOpen() throws Exception {
        HttpResponse<String> live = send("GET", "/health/live", null, null);
        assertEquals(200, live.statusCode(), live.body());
        assertEquals("UP", json(live).getString("status"));
        HttpResponse<String> ready = send("GET", "/health/ready", null, null);
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject check = json(ready).getJsonArray("checks").getJsonObject(0);
        assertEquals("coffer", check.getString("name"));
        assertEquals("UP", check.getString("status"));
        assertFalse(check.getJsonObject("data").isEmpty(), "store and key checks reported: " + ready.body());
    }

    private HttpResponse<String> send(String method, String relative, String token, String body) throws Exception {
        return LibertyCalls.send(base, method, relative, token, body);
    }

    private static JsonObject json(HttpResponse<String> response) {
        return LibertyCalls.json(response);
    }
}
