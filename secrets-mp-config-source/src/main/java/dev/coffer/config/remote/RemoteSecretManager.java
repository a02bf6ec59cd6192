package dev.coffer.config.remote;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.BreakGlassRequest;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditSummary;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretListItem;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.watch.WatchRequest;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * A {@link SecretManager} that calls a running Coffer reference server over its REST API
 * ({@code /v1/...}) with the JDK {@link HttpClient} on HTTP/1.1 and JSON-P. The server's kernel
 * authorizes and audits every call; this class only carries the call there and back.
 *
 * <pre>{@code
 * SecretManager coffer = RemoteSecretManager.builder(URI.create("http://127.0.0.1:8480/"))
 *         .bearerToken(BearerToken.fixed(token))
 *         .build();
 * try (SecretContent c = coffer.read(AccessContext.of(me), path, VersionSelector.current())) { ... }
 * }</pre>
 *
 * <p>Mapping, per call:
 * <ul>
 *   <li>The caller is whoever the bearer token names: {@link BearerToken#tokenFor} must return a
 *       token for {@code ctx.principal()}. {@code ctx.requestId()} goes out as {@code X-Request-Id},
 *       reason and ticket as {@code X-Coffer-Reason} / {@code X-Coffer-Ticket}.
 *       {@code ctx.sourceIp()} goes out as {@code X-Forwarded-For} only with
 *       {@link Builder#forwardSourceIp(boolean)}: the server believes that header only when started
 *       with {@code --trust-forwarded-for}, i.e. when this client is the one trusted proxy in front
 *       of it; otherwise the server records the connection's address.</li>
 *   <li>Errors: the server's {@code application/problem+json} becomes the exception the kernel
 *       throws for its code ({@code VERSION_DISABLED} → {@link dev.coffer.spi.error.VersionDisabledException},
 *       503 codes → {@link UnavailableException}, ...), same {@link ErrorCode}. A server that cannot
 *       be reached or does not answer in time → {@link UnavailableException} {@code STORE_UNAVAILABLE}
 *       naming the URL.</li>
 *   <li>Tenancy: the server always acts in the token's tenant, so a path or audit query of another
 *       tenant than {@code ctx.tenant()} cannot be expressed over the wire; it is refused here with
 *       {@code ACCESS_DENIED} before any request (and therefore not audited by the server).</li>
 *   <li>{@link #describe(AccessContext, SecretPath)} is {@code GET /v1/metadata/{environment}/{path}};
 *       {@link #purge} is {@code POST /v1/secrets/{id}/purge}.</li>
 *   <li>Values travel only in request and response bodies: sent as {@code valueBase64}, received as
 *       {@code value} or {@code valueBase64}. The byte arrays this class makes (plaintext copy,
 *       base64, request and response bodies) are wiped after use; what it cannot reach is not: the
 *       JDK client's own I/O buffers and the immutable {@code String} the JSON parser makes of a
 *       received value. Values are never logged or put in exception messages.</li>
 * </ul>
 *
 * <p>Thread-safe; share one instance.
 */
public final class RemoteSecretManager implements SecretManager {
    private static final Pattern SECRET_ID = Pattern.compile("sec_[A-Za-z0-9]+");
    private static final String JSON_TYPE = "application/json";
    private static final String JSON_ACCEPT = JSON_TYPE + ", application/problem+json";
    private static final String METRICS_ACCEPT = "text/plain, application/problem+json";

    private final URI base;
    private final BearerToken token;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final boolean forwardSourceIp;

    private RemoteSecretManager(Builder b) {
        String url = b.baseUrl.toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.token = Objects.requireNonNull(b.token, "bearerToken is required");
        this.requestTimeout = b.requestTimeout;
        this.forwardSourceIp = b.forwardSourceIp;
        this.http = b.http != null ? b.http : defaultClient(base, b.connectTimeout);
    }

    /**
     * The client this class makes when none is given: HTTP/1.1, no redirects. For an {@code http://}
     * base URL it gets a TLS context without keys or trust: it can never make a TLS connection
     * (every request goes to {@code base}, redirects are not followed), and the JDK's default
     * context, which it would otherwise build, loads the system trust store: about 100 ms of a CLI
     * command's start-up. An {@code https://} client keeps the default context and its trust store.
     */
    static HttpClient defaultClient(URI base, Duration connectTimeout) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if ("http".equalsIgnoreCase(base.getScheme())) {
            builder.sslContext(withoutTls());
        }
        return builder.build();
    }

    private static SSLContext withoutTls() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            // Empty arrays, not null: null would make the JDK load its default key and trust managers.
            context.init(new KeyManager[0], new TrustManager[0], null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS context", e);
        }
    }

    /**
     * Starts a client of the server at {@code baseUrl}, e.g. {@code http://127.0.0.1:8480/}.
     *
     * @throws IllegalArgumentException unless the URL is absolute http or https
     */
    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** The server's base URL. */
    public URI baseUrl() {
        return base;
    }

    @Override
    public String toString() {
        return "RemoteSecretManager[" + base + "]";
    }

    // ------------------------------------------------------------------ secrets

    @Override
    public Secret create(AccessContext ctx, NewSecret request) {
        Objects.requireNonNull(request, "request");
        sameTenant(ctx, request.path());
        JsonObjectBuilder body = Bodies.JSON.createObjectBuilder()
                .add("environment", request.path().environment())
                .add("path", request.path().path())
                .add("ownerTeam", request.ownerTeam())
                .add("description", request.description())
                .add("rotationStrategy", request.rotationStrategy())
                .add("labels", Bodies.object(request.labels()));
        if (request.rotationPeriod() != null) {
            body.add("rotationPeriod", request.rotationPeriod().toString());
        }
        return call(ctx, "POST", "v1/secrets", json(body.build()), o -> Bodies.secret(ctx.tenant(), o));
    }

    @Override
    public SecretDetails describe(AccessContext ctx, String secretId) {
        return call(ctx, "GET", idRoute(secretId), null, o -> Bodies.details(ctx.tenant(), o));
    }

    @Override
    public SecretDetails describe(AccessContext ctx, SecretPath path) {
        Objects.requireNonNull(path, "path");
        sameTenant(ctx, path);
        String route = "v1/metadata/" + segment(path.environment()) + "/" + pathSegments(path.path());
        return call(ctx, "GET", route, null, o -> Bodies.details(ctx.tenant(), o));
    }

    @Override
    public Page<SecretListItem> list(AccessContext ctx, SecretFilter filter, PageRequest page) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(page, "page");
        Query q = new Query()
                .add("environment", filter.environment())
                .add("prefix", filter.pathPrefix());
        filter.labels().forEach((key, value) -> q.add("label", key + "=" + value));
        q.add("pageToken", page.pageToken()).add("limit", Integer.toString(page.limit()));
        return call(ctx, "GET", "v1/secrets" + q, null, body -> {
            List<SecretListItem> items = new ArrayList<>();
            for (JsonValue v : Bodies.array(body, "items")) {
                JsonObject item = v.asJsonObject();
                items.add(new SecretListItem(Bodies.secret(ctx.tenant(), item), Bodies.optionalInt(item, "currentVersion")));
            }
            return new Page<>(items, Bodies.text(body, "nextPageToken"));
        });
    }

    @Override
    public Secret update(AccessContext ctx, SecretRef secret, SecretUpdate update) {
        Objects.requireNonNull(update, "update");
        JsonObjectBuilder body = Bodies.JSON.createObjectBuilder();
        update.ownerTeam().ifPresent(v -> body.add("ownerTeam", v));
        update.description().ifPresent(v -> body.add("description", v));
        update.rotationStrategy().ifPresent(v -> body.add("rotationStrategy", v));
        update.rotationPeriod().ifPresent(v -> body.add("rotationPeriod", v.toString()));
        update.labels().ifPresent(v -> body.add("labels", Bodies.object(v)));
        if (!update.putLabels().isEmpty()) {
            body.add("putLabels", Bodies.object(update.putLabels()));
        }
        if (!update.removeLabels().isEmpty()) {
            body.add("removeLabels", Bodies.array(List.copyOf(update.removeLabels())));
        }
        return call(ctx, "PATCH", route(ctx, secret, "", "metadata"), json(body.build()), o -> Bodies.secret(ctx.tenant(), o));
    }

    // ------------------------------------------------------------------ versions and values

    @Override
    public SecretVersion addVersion(AccessContext ctx, SecretRef secret, NewVersion version) {
        Objects.requireNonNull(version, "version");
        String route = route(ctx, secret, "/versions", "versions");
        byte[] plain = version.value().bytes();
        byte[] encoded = Base64.getEncoder().encode(plain);
        Arrays.fill(plain, (byte) 0);
        byte[] head = ascii("{\"valueBase64\":\"");
        byte[] tail = ascii("\",\"status\":\"" + version.status().name() + "\""
                + (version.expiresAt() == null ? "" : ",\"expiresAt\":\"" + version.expiresAt() + "\"") + "}");
        // Built by hand so the value never becomes a String; base64 needs no JSON escaping.
        byte[] body = new byte[head.length + encoded.length + tail.length];
        try {
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(encoded, 0, body, head.length, encoded.length);
            System.arraycopy(tail, 0, body, head.length + encoded.length, tail.length);
            return call(ctx, "POST", route, body, Bodies::version);
        } finally {
            Arrays.fill(encoded, (byte) 0);
            Arrays.fill(body, (byte) 0);
        }
    }

    @Override
    public List<SecretVersion> versions(AccessContext ctx, SecretRef secret) {
        return call(ctx, "GET", route(ctx, secret, "/versions", "versions"), null, o -> Bodies.versions(Bodies.array(o, "items")));
    }

    @Override
    public SecretContent read(AccessContext ctx, SecretPath path, VersionSelector selector) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(selector, "selector");
        sameTenant(ctx, path);
        Query q = new Query();
        if (selector instanceof VersionSelector.ByNumber n) {
            q.add("version", Integer.toString(n.number()));
        } else {
            q.add("alias", ((VersionSelector.ByAlias) selector).name());
        }
        String route = "v1/secrets/" + segment(path.environment()) + "/" + pathSegments(path.path()) + q;
        byte[] raw = send(ctx, "GET", route, null);
        try {
            JsonObject body = parse(raw, "GET " + printableRoute(route));
            int number = body.getInt("version");
            Instant expiresAt = Bodies.instant(body, "expiresAt");
            SecretValue value;
            JsonValue text = body.get("value");
            if (text instanceof JsonString s) {
                value = SecretValue.wrap(s.getString().getBytes(StandardCharsets.UTF_8));
            } else if (body.get("valueBase64") instanceof JsonString b64) {
                try {
                    value = SecretValue.wrap(Base64.getDecoder().decode(b64.getString()));
                } catch (IllegalArgumentException e) {
                    throw unexpected("GET " + printableRoute(route), "valueBase64 is not base64");
                }
            } else {
                throw unexpected("GET " + printableRoute(route), "the answer carries no value");
            }
            return new SecretContent(path, number, value, expiresAt);
        } catch (ClassCastException | NullPointerException | DateTimeParseException e) {
            throw unexpected("GET " + printableRoute(route), e.getClass().getSimpleName());
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    @Override
    public Aliases moveAlias(AccessContext ctx, SecretRef secret, String alias, int version, OptionalInt expectedPreviousVersion) {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(expectedPreviousVersion, "expectedPreviousVersion");
        JsonObjectBuilder body = Bodies.JSON.createObjectBuilder().add("version", version);
        expectedPreviousVersion.ifPresent(v -> body.add("expectedPreviousVersion", v));
        return call(ctx, "POST", route(ctx, secret, "/aliases/" + segment(alias), "aliases/" + segment(alias)), json(body.build()),
                o -> Bodies.aliases(o.getJsonObject("aliases")));
    }

    @Override
    public Aliases removeAlias(AccessContext ctx, SecretRef secret, String alias, OptionalInt expectedVersion) {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(expectedVersion, "expectedVersion");
        Query query = new Query();
        expectedVersion.ifPresent(v -> query.add("expectedVersion", Integer.toString(v)));
        return call(ctx, "DELETE", route(ctx, secret, "/aliases/" + segment(alias), "aliases/" + segment(alias)) + query, null,
                o -> Bodies.aliases(o.getJsonObject("aliases")));
    }

    @Override
    public SecretVersion disable(AccessContext ctx, SecretRef secret, int version) {
        return versionAction(ctx, secret, version, "disable");
    }

    @Override
    public SecretVersion enable(AccessContext ctx, SecretRef secret, int version) {
        return versionAction(ctx, secret, version, "enable");
    }

    @Override
    public SecretVersion destroy(AccessContext ctx, SecretRef secret, int version) {
        return versionAction(ctx, secret, version, "destroy");
    }

    private SecretVersion versionAction(AccessContext ctx, SecretRef secret, int version, String action) {
        String route = secret instanceof SecretRef.ByPath
                ? route(ctx, secret, "", action) + new Query().add("version", Integer.toString(version))
                : route(ctx, secret, "/versions/" + version + "/" + action, action);
        if (version < 1) {
            throw new NotFoundException(ErrorCode.VERSION_NOT_FOUND, "version " + version + " does not exist; versions start at 1");
        }
        return call(ctx, "POST", route, new byte[0], Bodies::version);
    }

    // ------------------------------------------------------------------ deletion

    @Override
    public Secret scheduleDeletion(AccessContext ctx, SecretRef secret, int recoveryWindowDays) {
        String route = route(ctx, secret, "", "metadata") + new Query().add("recoveryWindowDays", Integer.toString(recoveryWindowDays));
        return call(ctx, "DELETE", route, null, o -> Bodies.secret(ctx.tenant(), o));
    }

    @Override
    public Secret restore(AccessContext ctx, SecretRef secret) {
        return call(ctx, "POST", route(ctx, secret, "/restore", "restore"), new byte[0], o -> Bodies.secret(ctx.tenant(), o));
    }

    @Override
    public void purge(AccessContext ctx, SecretRef secret) {
        call(ctx, "POST", route(ctx, secret, "/purge", "purge"), new byte[0], o -> null);
    }

    @Override
    public void forceDelete(AccessContext ctx, SecretRef secret) {
        call(ctx, "DELETE", route(ctx, secret, "", "metadata") + new Query().add("force", "true"), null, o -> null);
    }

    // ------------------------------------------------------------------ break-glass, audit, policies

    @Override
    public BreakGlassGrant grantBreakGlass(AccessContext ctx, BreakGlassRequest request) {
        Objects.requireNonNull(request, "request");
        JsonObject body = Bodies.JSON.createObjectBuilder()
                .add("resources", Bodies.array(request.resources()))
                .add("reason", request.reason())
                .add("ticketUrl", request.ticketUrl())
                .add("durationMinutes", request.durationMinutes())
                .build();
        return call(ctx, "POST", "v1/break-glass/grants", json(body), o -> Bodies.grant(ctx.tenant(), o));
    }

    @Override
    public Page<AuditEvent> queryAudit(AccessContext ctx, AuditQuery query, PageRequest page) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(page, "page");
        if (!query.tenant().equals(ctx.tenant())) {
            throw new AccessDeniedException(ErrorCode.ACCESS_DENIED, "audit of tenant '" + Messages.printable(query.tenant())
                    + "' is outside the caller's tenant '" + ctx.tenant() + "'");
        }
        Query q = new Query()
                .add("environment", query.environment())
                .add("path", query.path())
                .add("principal", query.principal())
                .add("type", query.eventType() == null ? null : query.eventType().name())
                .add("decision", query.decision() == null ? null : query.decision().name())
                .add("since", query.since() == null ? null : query.since().toString())
                .add("until", query.until() == null ? null : query.until().toString())
                .add("pageToken", page.pageToken())
                .add("limit", Integer.toString(page.limit()));
        return call(ctx, "GET", "v1/audit" + q, null, body -> {
            List<AuditEvent> items = new ArrayList<>();
            for (JsonValue v : Bodies.array(body, "items")) {
                items.add(Bodies.event(v.asJsonObject()));
            }
            return new Page<>(items, Bodies.text(body, "nextPageToken"));
        });
    }

    @Override
    public AuditSummary summarizeAudit(AccessContext ctx, Instant since) {
        Objects.requireNonNull(since, "since");
        return call(ctx, "GET", "v1/audit/summary" + new Query().add("since", since.toString()), null, Bodies::summary);
    }

    @Override
    public AuditVerification verifyAudit(AccessContext ctx) {
        return call(ctx, "POST", "v1/audit/verify", new byte[0], Bodies::verification);
    }

    /** {@code GET /metrics}: the server runs the kernel's check; the exposition itself is discarded. */
    @Override
    public void authorizeMetrics(AccessContext ctx) {
        Arrays.fill(send(ctx, "GET", "metrics", null, METRICS_ACCEPT), (byte) 0);
    }

    @Override
    public Policy putPolicy(AccessContext ctx, Policy policy) {
        Objects.requireNonNull(policy, "policy");
        return call(ctx, "PUT", "v1/policies/" + segment(policy.name()), json(Bodies.policyBody(policy)), Bodies::policy);
    }

    /** The policy, or empty when the server answers {@code POLICY_NOT_FOUND}. */
    @Override
    public Optional<Policy> getPolicy(AccessContext ctx, String name) {
        try {
            return Optional.of(call(ctx, "GET", "v1/policies/" + segment(name), null, Bodies::policy));
        } catch (NotFoundException e) {
            if (e.code() == ErrorCode.POLICY_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<Policy> listPolicies(AccessContext ctx) {
        return call(ctx, "GET", "v1/policies", null, body -> {
            List<Policy> out = new ArrayList<>();
            for (JsonValue v : Bodies.array(body, "items")) {
                out.add(Bodies.policy(v.asJsonObject()));
            }
            return out;
        });
    }

    @Override
    public void deletePolicy(AccessContext ctx, String name) {
        call(ctx, "DELETE", "v1/policies/" + segment(name), null, o -> null);
    }

    // ------------------------------------------------------------------ other routes

    /**
     * One call of a JSON route this client has no method for (the CLI's {@code coffer rotation}
     * commands use it for {@code /v1/secrets/{id}/rotation} and {@code /v1/rotations}), with the
     * same token, headers, timeouts and error mapping as every other call: a 2xx answer's JSON
     * object ({@code null} for an empty one), any other answer the exception of its problem.
     *
     * <pre>{@code
     * JsonObject status = remote.exchange(ctx, "GET", "v1/secrets/" + id + "/rotation", null);
     * }</pre>
     *
     * @param route relative to the base URL, already percent-encoded, e.g. {@code v1/rotations?overdue=true}
     * @param body the JSON body, or {@code null} for none
     */
    public JsonObject exchange(AccessContext ctx, String method, String route, JsonObject body) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(route, "route");
        return call(ctx, method, route, body == null ? null : json(body), o -> o);
    }

    // ------------------------------------------------------------------ transport

    /**
     * Sends a request and hands the JSON answer ({@code null} for an empty one) to {@code parser};
     * an answer that does not have the expected shape is {@code STORE_UNAVAILABLE}.
     */
    private <T> T call(AccessContext ctx, String method, String route, byte[] body, Function<JsonObject, T> parser) {
        byte[] raw = send(ctx, method, route, body);
        String where = method + " " + printableRoute(route);
        try {
            return parser.apply(raw.length == 0 ? null : parse(raw, where));
        } catch (ClassCastException | NullPointerException | DateTimeParseException | IllegalArgumentException
                | IndexOutOfBoundsException | JsonException e) {
            throw unexpected(where, e.getClass().getSimpleName());
        }
    }

    /** The caller's bearer token; none is a refusal before anything is sent. */
    private String bearerFor(AccessContext ctx) {
        String bearer = token.tokenFor(ctx);
        if (bearer == null || bearer.isBlank()) {
            throw new AccessDeniedException(ErrorCode.UNAUTHENTICATED, "no bearer token for " + ctx.principal().id());
        }
        return bearer;
    }

    /** Sends {@code request}; a timeout, a failed connection or an interrupt is the server being unavailable. */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler, String where) {
        try {
            return http.send(request, handler);
        } catch (HttpTimeoutException e) {
            throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE,
                    "Coffer server at " + base + " did not answer " + where + " within " + requestTimeout);
        } catch (IOException e) {
            throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE,
                    "Coffer server at " + base + " cannot be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE, "interrupted while calling the Coffer server at " + base);
        }
    }

    /**
     * Sends a request and returns the raw body of a 2xx answer; any other answer becomes the
     * exception of its problem (whose bytes are wiped here; the caller wipes a 2xx body that carries a value).
     */
    private byte[] send(AccessContext ctx, String method, String route, byte[] body) {
        return send(ctx, method, route, body, JSON_ACCEPT);
    }

    private byte[] send(AccessContext ctx, String method, String route, byte[] body, String accept) {
        Objects.requireNonNull(ctx, "ctx");
        String where = method + " " + printableRoute(route);
        String bearer = bearerFor(ctx);
        HttpRequest.Builder request;
        try {
            request = requestBuilder(ctx, method, route, body, bearer).setHeader("Accept", accept);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "the request cannot be sent: a header holds a character HTTP does not allow");
        }
        HttpResponse<byte[]> response = exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray(), where);
        int status = response.statusCode();
        byte[] raw = response.body() == null ? new byte[0] : response.body();
        if (status >= 200 && status < 300) {
            return raw;
        }
        JsonObject problem;
        try {
            problem = parse(raw, where);
        } catch (RuntimeException e) {
            problem = null; // not a problem document (a proxy's page, an empty body): the status decides
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        throw RemoteErrors.fromProblem(status, problem, where);
    }

    private HttpRequest.Builder requestBuilder(AccessContext ctx, String method, String route, byte[] body, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(route))
                .version(HttpClient.Version.HTTP_1_1)
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + bearer)
                .header("X-Request-Id", ctx.requestId())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", JSON_TYPE);
        }
        if (ctx.reason() != null) {
            request.header("X-Coffer-Reason", ctx.reason());
        }
        if (ctx.ticket() != null) {
            request.header("X-Coffer-Ticket", ctx.ticket());
        }
        if (forwardSourceIp && ctx.sourceIp() != null) {
            request.header("X-Forwarded-For", ctx.sourceIp());
        }
        return request;
    }

    private static JsonObject parse(byte[] raw, String where) {
        try (JsonReader reader = Bodies.JSON.createReader(new ByteArrayInputStream(raw))) {
            return reader.readObject();
        } catch (JsonException e) {
            throw unexpected(where, "the answer is not a JSON object");
        }
    }

    private static UnavailableException unexpected(String where, String what) {
        return new UnavailableException(ErrorCode.STORE_UNAVAILABLE, "unexpected answer to " + where + ": " + what);
    }

    private static byte[] json(JsonObject body) {
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void sameTenant(AccessContext ctx, SecretPath path) {
        Objects.requireNonNull(ctx, "ctx");
        if (!path.tenant().equals(ctx.tenant())) {
            throw new AccessDeniedException(ErrorCode.ACCESS_DENIED,
                    "secret " + path.qualifiedName() + " of tenant '" + path.tenant() + "' is outside the caller's tenant '" + ctx.tenant() + "'");
        }
    }

    /**
     * The route of an operation on {@code secret}: by id {@code v1/secrets/<id><idSuffix>}, by
     * name {@code v1/<nameRoute>/<environment>/<path>} (the action before the name, so any path,
     * even one ending in {@code versions} or {@code restore}, routes to its action).
     */
    private static String route(AccessContext ctx, SecretRef secret, String idSuffix, String nameRoute) {
        Objects.requireNonNull(secret, "secret");
        if (secret instanceof SecretRef.ByPath byPath) {
            SecretPath path = byPath.path();
            sameTenant(ctx, path);
            return "v1/" + nameRoute + "/" + segment(path.environment()) + "/" + pathSegments(path.path());
        }
        return idRoute(((SecretRef.ById) secret).secretId()) + idSuffix;
    }

    /** {@code v1/secrets/<id>}; ids the API cannot route are unknown secrets. */
    private static String idRoute(String secretId) {
        if (secretId == null || !SECRET_ID.matcher(secretId).matches()) {
            throw new NotFoundException(ErrorCode.SECRET_NOT_FOUND,
                    "no secret with id '" + (secretId == null ? "null" : Messages.printable(secretId)) + "'");
        }
        return "v1/secrets/" + secretId;
    }

    private static String pathSegments(String path) {
        StringBuilder out = new StringBuilder();
        for (String s : path.split("/", -1)) {
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(segment(s));
        }
        return out.toString();
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters. */
    static String segment(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** The route without its query (queries may carry principal ids, never values, but keep messages short). */
    private static String printableRoute(String route) {
        int q = route.indexOf('?');
        return "/" + (q < 0 ? route : route.substring(0, q));
    }

    /** A query string of the parameters that are set. */
    private static final class Query {
        private final StringBuilder text = new StringBuilder();

        Query add(String name, String value) {
            if (value != null) {
                text.append(text.length() == 0 ? '?' : '&').append(name).append('=').append(segment(value));
            }
            return this;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    /** Settings of a {@link RemoteSecretManager}. */
    public static final class Builder {
        private final URI baseUrl;
        private BearerToken token;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private boolean forwardSourceIp;
        private HttpClient http;

        private Builder(URI baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            if (!baseUrl.isAbsolute() || !("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))
                    || baseUrl.getHost() == null) {
                throw new IllegalArgumentException("the base URL must be an absolute http or https URL, e.g. http://127.0.0.1:8480/");
            }
            if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null || baseUrl.getRawUserInfo() != null) {
                throw new IllegalArgumentException("the base URL must not carry user info, a query or a fragment");
            }
            this.baseUrl = baseUrl;
        }

        /** Where tokens come from; required. */
        public Builder bearerToken(BearerToken source) {
            this.token = Objects.requireNonNull(source, "source");
            return this;
        }

        /** How long to wait for a connection (default 5 s); ignored with {@link #httpClient}. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long to wait for each answer (default 30 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * Whether to send {@code ctx.sourceIp()} as {@code X-Forwarded-For} (default: no). Only
         * useful when this client is the one reverse proxy a server started with
         * {@code --trust-forwarded-for} believes; any other server ignores the header.
         */
        public Builder forwardSourceIp(boolean forward) {
            this.forwardSourceIp = forward;
            return this;
        }

        /**
         * A client to share between instances, e.g. one per application. Requests are sent as
         * HTTP/1.1 whatever its default version.
         */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The client. */
        public RemoteSecretManager build() {
            return new RemoteSecretManager(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }

    // ------------------------------------------------------------------ change stream

    /**
     * {@code GET /v1/watch} as Server-Sent Events: returns once the server's {@code ready} event
     * came; see {@link RemoteChangeStream} for reconnects, back-pressure and refusals. Each
     * connect asks {@link BearerToken#tokenFor} again (a rotated token file is used on the next
     * reconnect).
     *
     * <pre>{@code
     * try (RemoteChangeStream changes = remote.watch(ctx, WatchRequest.of("prod", "payments/"))) {
     *     ChangeBatch batch = changes.poll(100, Duration.ofSeconds(15));
     * }
     * }</pre>
     *
     * @throws dev.coffer.spi.error.SecretsException the problem's exception when the server refuses
     *     the stream ({@code UNAUTHENTICATED}, {@code INVALID_ARGUMENT}, {@code TOO_MANY_WATCHES},
     *     {@code WATCH_CAPACITY_REACHED}), {@code STORE_UNAVAILABLE} when it cannot be reached
     */
    @Override
    public RemoteChangeStream watch(AccessContext ctx, WatchRequest request) {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(request, "request");
        String route = "v1/watch" + new Query().add("environment", request.environment()).add("prefix", request.prefix());
        // The first connect carries the caller's request id (the server audits the subscription under
        // it); each reconnect is a request of its own with a fresh id.
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        return new RemoteChangeStream(request,
                lastEventId -> openStream(first.getAndSet(false) ? ctx : ctx.withRequestId(null), route, lastEventId),
                base + "v1/watch");
    }

    private static final int MAX_PROBLEM = 64 * 1024;

    /** One connect of the change stream: the event-stream body, or the exception of the answer. */
    private InputStream openStream(AccessContext ctx, String route, Long lastEventId) {
        String where = "GET " + printableRoute(route);
        String bearer = bearerFor(ctx);
        HttpRequest.Builder request;
        try {
            request = requestBuilder(ctx, "GET", route, null, bearer)
                    .setHeader("Accept", "text/event-stream, application/problem+json")
                    .setHeader("Cache-Control", "no-cache");
            if (lastEventId != null) {
                request.setHeader("Last-Event-ID", Long.toString(lastEventId));
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "the request cannot be sent: a header holds a character HTTP does not allow");
        }
        HttpResponse<InputStream> response = exchange(request.build(), HttpResponse.BodyHandlers.ofInputStream(), where);
        int status = response.statusCode();
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (status == 200 && type.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream")) {
            return response.body();
        }
        JsonObject problem = null;
        try (InputStream body = response.body()) {
            byte[] raw = body.readNBytes(MAX_PROBLEM); // bounded: the rest is dropped with the connection
            problem = raw.length == 0 ? null : parse(raw, where);
        } catch (IOException | RuntimeException e) {
            problem = null; // not a problem document: the status decides
        }
        if (status == 200) {
            throw unexpected(where, "the answer is not an event stream");
        }
        SecretsException refusal = RemoteErrors.fromProblem(status, problem, where);
        long retryAfter = response.headers().firstValue("Retry-After").filter(v -> v.matches("[0-9]{1,6}"))
                .map(Long::parseLong).orElse(0L);
        if (retryAfter > 0) {
            throw new RemoteChangeStream.RetryLater(refusal, retryAfter);
        }
        throw refusal;
    }
}
