package dev.coffer.server.support;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.auth.SmallRyeTokenVerifier;
import dev.coffer.server.auth.TokenMinter;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.server.standalone.AdminBootstrap;
import dev.coffer.server.standalone.HttpLimits;
import dev.coffer.server.standalone.Kernel;
import dev.coffer.server.standalone.StandaloneServer;
import dev.coffer.server.standalone.TrustedProxies;
import dev.coffer.server.watch.WatchSettings;
import dev.coffer.server.watch.WatchStreams;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.CidrBlock;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.rotation.RotationEngine;
import dev.coffer.spi.memory.InMemorySecrets;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.tck.support.ScriptedRotator;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The real standalone server on a free loopback port, over the in-memory parts, with a fresh RSA
 * key pair; tokens are real RS256 signatures.
 */
public final class TestServer implements AutoCloseable {
    /** The environment the server protects from force delete (as {@code --protected-environment protected}). */
    public static final String PROTECTED_ENVIRONMENT = "protected";

    /** Token with every right (group coffer-admins) in the default tenant. */
    public final String adminToken;

    private final KeyPair keys;
    private final InMemorySecrets parts = InMemorySecrets.create();
    private final Metrics metrics = new Metrics();
    private final StandardSecretManager kernel;
    private final ScriptedRotator scripted = new ScriptedRotator();
    private final StandaloneServer server;
    private final WatchStreams watches;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestServer(Consumer<ResourceConfig> customize, TrustedProxies proxies, JwtSettings jwt, HttpLimits limits) {
        this(customize, proxies, jwt, limits, WatchSettings.DEFAULTS, false);
    }

    private TestServer(Consumer<ResourceConfig> customize, TrustedProxies proxies, JwtSettings jwt, HttpLimits limits,
            WatchSettings watch, boolean watchOverLog) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        dev.coffer.server.standalone.Backend backend = new dev.coffer.server.standalone.InMemoryBackend(parts);
        kernel = Kernel.standard(backend, metrics, List.of(PROTECTED_ENVIRONMENT), Kernel.rotators().with(scripted));
        SecretManager measured = Kernel.measured(kernel, metrics);
        SecretManager manager = watchOverLog ? LogTailWatch.over(measured, parts.auditLog()) : measured;
        AdminBootstrap.ensurePolicy(parts.policyStore(), parts.auditLog(), backend.bootstrapRecord());
        ResourceConfig app = StandaloneServer.application(manager, kernel.rotations(),
                new SmallRyeTokenVerifier(keys.getPublic(), jwt), backend.healthChecks(), metrics, proxies, watch);
        watches = (WatchStreams) app.getProperty(StandaloneServer.WATCHES_PROPERTY);
        customize.accept(app);
        server = StandaloneServer.start(app, "127.0.0.1", 0, limits);
        adminToken = token(TokenMinter.TokenRequest.subject("admin").groups(List.of(AdminBootstrap.ADMIN_GROUP)));
    }

    /** A server with the standard application. */
    public static TestServer start() {
        return new TestServer(app -> { }, TrustedProxies.none(), JwtSettings.defaults(), HttpLimits.DEFAULTS);
    }

    /** A server whose change stream keeps within {@code watch}, its connections within {@code limits}. */
    public static TestServer startWatching(WatchSettings watch, HttpLimits limits) {
        return new TestServer(app -> { }, TrustedProxies.none(), JwtSettings.defaults(), limits, watch, false);
    }

    /**
     * As {@link #startWatching}, but the stream is served from the audit log by {@link LogTailWatch}
     * instead of the kernel's watch: for the stream's HTTP mechanics (framing, heartbeats, limits,
     * slow clients, shutdown), independent of the kernel's filtering.
     */
    public static TestServer startWatchingLog(WatchSettings watch, HttpLimits limits) {
        return new TestServer(app -> { }, TrustedProxies.none(), JwtSettings.defaults(), limits, watch, true);
    }

    /** The server's open change streams. */
    public WatchStreams watches() {
        return watches;
    }

    /** A server with the standard application within {@code limits} (e.g. a short body read timeout). */
    public static TestServer start(HttpLimits limits) {
        return new TestServer(app -> { }, TrustedProxies.none(), JwtSettings.defaults(), limits);
    }

    /**
     * A server behind a (pretend) reverse proxy on this host: loopback peers are trusted proxies,
     * so the caller address comes from X-Forwarded-For.
     */
    public static TestServer startTrustingForwardedFor() {
        return startTrusting(TrustedProxies.of(List.of(CidrBlock.parse("127.0.0.1/32"))));
    }

    /** A server that believes X-Forwarded-For from {@code proxies} only. */
    public static TestServer startTrusting(TrustedProxies proxies) {
        return new TestServer(app -> { }, proxies, JwtSettings.defaults(), HttpLimits.DEFAULTS);
    }

    /** A server verifying tokens with {@code jwt} (e.g. other token bounds). */
    public static TestServer startWith(JwtSettings jwt) {
        return new TestServer(app -> { }, TrustedProxies.none(), jwt, HttpLimits.DEFAULTS);
    }

    /** A server whose application {@code customize} may extend (e.g. with an extra resource). */
    public static TestServer start(Consumer<ResourceConfig> customize) {
        return new TestServer(customize, TrustedProxies.none(), JwtSettings.defaults(), HttpLimits.DEFAULTS);
    }

    /**
     * The kernel's rotation engine. No scheduler runs in a test server: a test drives due work
     * itself ({@code rotationEngine().runDue(n)}), so it decides when each step happens.
     */
    public RotationEngine rotationEngine() {
        return kernel.rotationEngine();
    }

    /** The rotator {@value ScriptedRotator#NAME}, beside the discovered ones: its steps fail when a test says so. */
    public ScriptedRotator scriptedRotator() {
        return scripted;
    }

    /** The server's metrics. */
    public Metrics metrics() {
        return metrics;
    }

    /** The in-memory parts behind the server. */
    public InMemorySecrets parts() {
        return parts;
    }

    /** Installs a policy in the default tenant, bypassing authorization. */
    public void allow(Policy policy) {
        parts.policyStore().put("default", policy, BeforeCommit.none());
    }

    /** The server's signing key (to mint tokens in tests). */
    public PrivateKey signingKey() {
        return keys.getPrivate();
    }

    /** A token signed by the server's key with the default issuer and audience. */
    public String token(TokenMinter.TokenRequest request) {
        return new TokenMinter(keys.getPrivate(), JwtSettings.defaults()).mint(request);
    }

    /** A token for {@code subject} in {@code groups}. */
    public String token(String subject, String... groups) {
        return token(TokenMinter.TokenRequest.subject(subject).groups(List.of(groups)).ttl(Duration.ofMinutes(10)));
    }

    /** Connections the server holds open now. */
    public int openConnections() {
        return server.openConnections();
    }

    /** The base URL. */
    public URI base() {
        return URI.create("http://127.0.0.1:" + server.port() + "/");
    }

    /** Sends a request; {@code token} and {@code body} may be null; headers as name, value pairs. */
    public Reply send(String method, String path, String token, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(response.statusCode(), response);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getClass().getSimpleName(), null);
        }
    }

    /**
     * Sends only the head of a request announcing {@code contentLength} body bytes and returns the
     * status line: how a server that refuses by the headers alone answers without the body.
     */
    public String statusLineForDeclaredBody(String method, String path, String token, long contentLength) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", base().getPort())) {
            socket.setSoTimeout(20_000);
            String head = method + " /" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n{\"value\":\"";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return in.readLine();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("raw request failed: " + e.getClass().getSimpleName(), null);
        }
    }

    /** Sends {@code body} bytes as they are (e.g. malformed UTF-8) with {@code Content-Type: application/json}. */
    public Reply sendBytes(String method, String path, String token, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base().resolve(path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(response.statusCode(), response);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getClass().getSimpleName(), null);
        }
    }

    /**
     * A GET of {@code rawTarget} exactly as written (e.g. {@code /v1/secrets/prod/../db}), over a plain
     * socket: an HTTP client would resolve dot segments before sending. Answers the status and body.
     */
    public RawReply rawGet(String rawTarget, String token) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", base().getPort())) {
            socket.setSoTimeout(20_000);
            String head = "GET " + rawTarget + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(all.substring(all.indexOf(' ') + 1, all.indexOf(' ') + 4));
            int bodyStart = all.indexOf("\r\n\r\n");
            return new RawReply(status, bodyStart < 0 ? "" : all.substring(bodyStart + 4));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("raw request failed: " + e.getClass().getSimpleName(), null);
        }
    }

    /** A raw answer: status and body text (chunked framing, if any, left in). */
    public record RawReply(int status, String body) {}

    /** GET as admin. */
    public Reply get(String path) {
        return send("GET", path, adminToken, null);
    }

    /** POST as admin. */
    public Reply post(String path, String body) {
        return send("POST", path, adminToken, body);
    }

    /** Creates {@code env/path} as admin and returns its id. */
    public String create(String environment, String path) {
        Reply reply = post("v1/secrets", "{\"environment\":\"" + environment + "\",\"path\":\"" + path + "\",\"ownerTeam\":\"payments\"}");
        if (reply.status() != 201) {
            throw new AssertionError("create failed: " + reply);
        }
        JsonObject secret = reply.json();
        return secret.getString("id");
    }

    /** Adds a text version as admin. */
    public Reply put(String id, String value, String status) {
        return post("v1/secrets/" + id + "/versions", "{\"value\":\"" + value + "\",\"status\":\"" + status + "\"}");
    }

    @Override
    public void close() {
        server.close();
        metrics.close();
    }
}
