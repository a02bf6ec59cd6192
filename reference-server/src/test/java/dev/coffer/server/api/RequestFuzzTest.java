package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.auth.TokenMinter;
import dev.coffer.server.standalone.AdminBootstrap;
import dev.coffer.server.standalone.HttpLimits;
import dev.coffer.server.support.LogCapture;
import dev.coffer.server.support.RawHttp;
import dev.coffer.server.support.TestServer;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A standing, seeded fuzz of the whole HTTP surface: a few thousand malformed requests across
 * every route and method (bad methods, paths and escapes, malformed, oversize, deeply nested and
 * duplicate-key JSON, huge numbers, wrong content types, bad query values, absent, forged, expired
 * and foreign tokens; broken framing over raw sockets). For each: no 5xx, an answer within a
 * bound, and no stored value or token in the body; afterwards, none in any log line either.
 *
 * <p>Reproduce a failure with {@code -Dcoffer.fuzz.seed=<seed>} (printed at the start and in the
 * failure); {@code -Dcoffer.fuzz.requests=<n>} changes the count.
 */
@ExtendWith(NoValueLeaks.class)
class RequestFuzzTest {
    private static final long SEED = Long.getLong("coffer.fuzz.seed", 0x5eed_c0ffL);
    private static final int REQUESTS = Integer.getInteger("coffer.fuzz.requests", 3_000);
    private static final int RAW_SHARE_PERCENT = 15;
    /** Ends a hung request; never an assertion on speed. */
    private static final Duration PER_REQUEST = Duration.ofSeconds(10);
    private static final int MAX_REPORTED = 25;
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "FOO", "get");

    /** The JDK client's own FINE trace (tens of lines a request) would swamp the capture; the server's loggers stay at ALL. */
    private static final java.util.logging.Logger CLIENT_TRACE = java.util.logging.Logger.getLogger("jdk.internal.httpclient.debug");
    private static TestServer server;
    private static final Map<String, String> TOKENS = new LinkedHashMap<>();
    private static final List<String> VALUES = new ArrayList<>();
    private static final List<String> IDS = new ArrayList<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(PER_REQUEST).build();

    @BeforeAll
    static void start() throws Exception {
        CLIENT_TRACE.setLevel(java.util.logging.Level.INFO);
        server = TestServer.start(HttpLimits.DEFAULTS.withBodyReadTimeout(Duration.ofSeconds(2)));
        for (String path : List.of("fuzz/db/password", "fuzz/api-key", "other/token")) {
            String id = server.create("prod", path);
            String value = TestValues.text();
            assertEquals(201, server.put(id, value, "CURRENT").status());
            IDS.add(id);
            VALUES.add(value);
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        TokenMinter foreign = new TokenMinter(generator.generateKeyPair().getPrivate(), JwtSettings.defaults());
        TokenMinter past = new TokenMinter(server.signingKey(), JwtSettings.defaults(),
                Clock.offset(Clock.systemUTC(), Duration.ofHours(-3)));
        TokenMinter otherIssuer = new TokenMinter(server.signingKey(), new JwtSettings("someone-else", "coffer"));
        TokenMinter.TokenRequest admin = TokenMinter.TokenRequest.subject("admin").groups(List.of(AdminBootstrap.ADMIN_GROUP))
                .ttl(Duration.ofMinutes(30));
        TOKENS.put("admin", server.adminToken);
        TOKENS.put("no-rights", server.token("nobody"));
        TOKENS.put("other-tenant", server.token(admin.tenant("tenantb")));
        TOKENS.put("expired", past.mint(admin));
        TOKENS.put("foreign-key", foreign.mint(admin));
        TOKENS.put("other-issuer", otherIssuer.mint(admin));
        String signed = server.adminToken;
        TOKENS.put("forged-signature", signed.substring(0, signed.length() - 6) + (signed.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA"));
        TOKENS.put("forged-claims", forgeClaims(signed));
        TOKENS.put("garbage", "not.a.jwt");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void malformedRequestsNeverGet5xxHangOrLeak() {
        System.out.println("RequestFuzzTest seed=" + SEED + " requests=" + REQUESTS + " (-Dcoffer.fuzz.seed to reproduce)");
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        List<String> slow = new ArrayList<>();
        Map<String, Integer> failureKinds = new LinkedHashMap<>();
        try (LogCapture log = LogCapture.start()) {
            Fuzzed last = null;
            Fuzzed previous = null;
            for (int i = 0; i < REQUESTS; i++) {
                Fuzzed request = random.nextInt(100) < RAW_SHARE_PERCENT ? rawRequest(random) : httpRequest(random);
                previous = last;
                last = request;
                long started = System.nanoTime();
                String problem = request.check();
                long millis = (System.nanoTime() - started) / 1_000_000;
                if (millis > 1_000) {
                    slow.add(millis + " ms: " + redact(request.describe()));
                }
                if (problem != null) {
                    String kind = problem.startsWith("status ") ? problem.substring(0, problem.indexOf(':')) + " "
                            + (request instanceof RawFuzzed ? "raw" : "http") : problem.replaceAll("[0-9]+", "#");
                    failureKinds.merge(kind, 1, Integer::sum);
                    if (failures.size() < MAX_REPORTED) {
                        failures.add("#" + i + " " + problem + "\n    request: " + redact(request.describe())
                                + (previous == null ? "" : "\n    after: " + redact(previous.describe())));
                    }
                }
            }
            String logged = log.text();
            for (String secret : secrets()) {
                if (logged.contains(secret)) {
                    failures.add("a stored value or a token appeared in the log");
                    failureKinds.merge("leak in log", 1, Integer::sum);
                    break;
                }
            }
        }
        System.out.println("RequestFuzzTest: " + slow.size() + " requests took over 1 s" + (slow.isEmpty() ? ""
                : ", e.g. " + String.join("\n    ", slow.subList(0, Math.min(10, slow.size())))));
        if (!failures.isEmpty()) {
            throw new AssertionError("fuzz seed " + SEED + ": failures by kind " + failureKinds + "\n" + String.join("\n", failures));
        }
    }

    /** One generated request and how it must be answered. */
    private interface Fuzzed {
        /** Sends it; a description of what went wrong, or null. */
        String check();

        String describe();
    }

    private record HttpFuzzed(String method, String target, String token, String contentType, byte[] body) implements Fuzzed {
        @Override
        public String check() {
            HttpRequest.Builder builder;
            try {
                builder = HttpRequest.newBuilder(URI.create(server.base() + target)).timeout(PER_REQUEST)
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            } catch (IllegalArgumentException e) {
                return null; // not sendable by this client; the raw generator covers such targets
            }
            if (token != null) {
                builder.header("Authorization", token);
            }
            if (contentType != null) {
                builder.header("Content-Type", contentType);
            }
            HttpResponse<String> response;
            try {
                response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (java.net.http.HttpTimeoutException e) {
                return "no answer within " + PER_REQUEST.toSeconds() + " s";
            } catch (java.io.IOException e) {
                // A body over the limit is refused (413) as soon as its length is known, and the
                // connection closed; a client still sending may see the reset before the answer.
                boolean oversize = body != null && body.length > HttpLimits.DEFAULTS.maxBodyBytes();
                return oversize ? null : "request failed: " + e.getClass().getSimpleName();
            } catch (Exception e) {
                return "request failed: " + e.getClass().getSimpleName();
            }
            return judge(response.statusCode(), response.body(), "GET".equals(method) && target.startsWith("v1/secrets/prod/"));
        }

        @Override
        public String describe() {
            String shown = body == null ? "" : new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8);
            return method + " /" + target + " auth=" + token + " type=" + contentType + " body(" + (body == null ? 0 : body.length)
                    + ")=" + shown;
        }
    }

    private record RawFuzzed(String request) implements Fuzzed {
        @Override
        public String check() {
            RawHttp.Answer answer;
            try {
                answer = RawHttp.exchange(server.base().getPort(), request, (int) PER_REQUEST.toMillis());
            } catch (AssertionError e) {
                return e.getMessage();
            }
            String requestLine = request.substring(0, request.indexOf("\r\n"));
            boolean otherVersion = !requestLine.endsWith(" HTTP/1.1") && !requestLine.endsWith(" HTTP/1.0");
            return judge(answer.status(), answer.body(), request.startsWith("GET /v1/secrets/prod/"), otherVersion);
        }

        @Override
        public String describe() {
            String shown = redact(request);
            return "raw " + (shown.length() > 300 ? shown.substring(0, 300) + "..." : shown).replace("\r\n", "\\r\\n");
        }
    }

    private static String judge(int status, String body, boolean valueRead) {
        return judge(status, body, valueRead, false);
    }

    /**
     * {@code versionRefused}: the request line named a protocol other than HTTP/1.0 or 1.1, which
     * RFC 9110 (15.6.6) answers with 505; that is the one 5xx a client can rightly get.
     */
    private static String judge(int status, String body, boolean valueRead, boolean versionRefused) {
        if (status >= 500 && !(status == 505 && versionRefused)) {
            return "status " + status + ": " + redact(body.length() > 200 ? body.substring(0, 200) : body);
        }
        for (String token : TOKENS.values()) {
            if (token.length() > 20 && body.contains(token)) {
                return "a token in the body of a " + status;
            }
        }
        if (!(valueRead && status == 200)) {
            for (String value : VALUES) {
                if (body.contains(value)) {
                    return "a stored value in the body of a " + status;
                }
            }
        }
        return null;
    }

    // -- requests over java.net.http --------------------------------------------------------

    private static Fuzzed httpRequest(Random r) {
        Route route = Route.values()[r.nextInt(Route.values().length)];
        String method = r.nextInt(5) == 0 ? pick(r, METHODS) : route.method;
        String target = route.target(r);
        if (r.nextInt(4) == 0) {
            target += (target.contains("?") ? "&" : "?") + query(r);
        }
        String token = token(r);
        byte[] body = route.hasBody || r.nextInt(6) == 0 ? body(r, route) : null;
        String contentType = body == null && r.nextBoolean() ? null : contentType(r);
        return new HttpFuzzed(method, target, token, contentType, body);
    }

    private enum Route {
        CREATE("POST", true, r -> "v1/secrets"),
        LIST("GET", false, r -> "v1/secrets"),
        DESCRIBE("GET", false, r -> "v1/secrets/" + id(r)),
        UPDATE("PATCH", true, r -> "v1/secrets/" + id(r)),
        DELETE("DELETE", false, r -> "v1/secrets/" + id(r) + (r.nextBoolean() ? "?recoveryWindowDays=" + number(r) : "")),
        RESTORE("POST", false, r -> "v1/secrets/" + id(r) + "/restore"),
        PURGE("POST", false, r -> "v1/secrets/" + id(r) + "/purge"),
        ADD_VERSION("POST", true, r -> "v1/secrets/" + id(r) + "/versions"),
        VERSIONS("GET", false, r -> "v1/secrets/" + id(r) + "/versions"),
        VERSION_STATE("POST", false, r -> "v1/secrets/" + id(r) + "/versions/" + number(r) + "/"
                + pick(r, List.of("disable", "enable", "destroy", "explode"))),
        MOVE_ALIAS("POST", true, r -> "v1/secrets/" + id(r) + "/aliases/" + pick(r, List.of("current", "previous", "next",
                "canary", "a%20b", "x".repeat(300), "%2E%2E"))),
        READ_VALUE("GET", false, r -> "v1/secrets/" + environment(r) + "/" + secretPath(r)
                + pick(r, List.of("", "?alias=current", "?alias=" + pick(r, List.of("previous", "nope", "")),
                        "?version=" + number(r), "?alias=current&version=1"))),
        METADATA("GET", false, r -> "v1/metadata/" + environment(r) + "/" + secretPath(r)),
        GRANT("POST", true, r -> "v1/break-glass/grants"),
        AUDIT("GET", false, r -> "v1/audit" + pick(r, List.of("", "?since=" + instant(r), "?until=" + instant(r),
                "?decision=" + pick(r, List.of("ALLOW", "deny", "MAYBE")), "?type=NOPE", "?pageToken=" + pageToken(r),
                "?limit=" + number(r), "?environment=" + environment(r) + "&path=" + secretPath(r)))),
        AUDIT_SUMMARY("GET", false, r -> "v1/audit/summary" + pick(r, List.of("", "?since=" + instant(r)))),
        AUDIT_VERIFY("POST", false, r -> "v1/audit/verify"),
        POLICIES("GET", false, r -> "v1/policies" + pick(r, List.of("", "?limit=" + number(r), "?pageToken=" + pageToken(r)))),
        POLICY_GET("GET", false, r -> "v1/policies/" + policyName(r)),
        POLICY_PUT("PUT", true, r -> "v1/policies/" + policyName(r)),
        POLICY_DELETE("DELETE", false, r -> "v1/policies/" + policyName(r)),
        LIVE("GET", false, r -> "health/live"),
        READY("GET", false, r -> "health/ready"),
        METRICS("GET", false, r -> "metrics"),
        OPENAPI("GET", false, r -> "openapi"),
        NOWHERE("GET", false, r -> pick(r, List.of("", "v1", "v2/secrets", "v1/secrets/", "v1//secrets", "health", "%2e%2e/etc",
                "v1/secrets/prod", "v1/secrets/sec_", "favicon.ico", "v1/secrets/" + id(r) + "/versions/1")));

        final String method;
        final boolean hasBody;
        final java.util.function.Function<Random, String> target;

        Route(String method, boolean hasBody, java.util.function.Function<Random, String> target) {
            this.method = method;
            this.hasBody = hasBody;
            this.target = target;
        }

        String target(Random r) {
            return target.apply(r);
        }
    }

    private static String id(Random r) {
        return pick(r, List.of(pick(r, IDS), pick(r, IDS), "sec_" + "a".repeat(26), "sec_", "sec_" + "Z".repeat(400), "sec_%00",
                "sec_..", "sec_ab%2Fcd", "SEC_x", "sec_\u00e9".replace("\u00e9", "%C3%A9")));
    }

    private static String environment(Random r) {
        return pick(r, List.of("prod", "prod", "PROD", "a_b", "p".repeat(80), "9prod", "prod-", "%70rod"));
    }

    private static String secretPath(Random r) {
        return pick(r, List.of("fuzz/db/password", "fuzz/api-key", "other/token", "fuzz%2Fdb%2Fpassword", "fuzz/../other/token",
                "fuzz/%2E%2E/other", "fuzz/./db", "a//b", "%00", "x%252Fy", "p".repeat(600), "fuzz/db/password/",
                "caf%C3%A9", "%F0%9F%94%91", "a;b=c/d", "fuzz/db/password%3Falias=x", "%5C..%5Cetc"));
    }

    private static String policyName(Random r) {
        return pick(r, List.of("fuzz-policy", "p", "x".repeat(300), "%2E%2E", "a%20b", "coffer-admins-not", "%C0%AF", "UPPER"));
    }

    private static String number(Random r) {
        return pick(r, List.of("0", "1", "2", "-1", "999999999", "2147483648", "18446744073709551617", "1e9", "abc", "",
                "9".repeat(1200), "0x10", "1.5", "%31"));
    }

    private static String instant(Random r) {
        return pick(r, List.of("2026-01-01T00:00:00Z", "yesterday", "-999999999-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z",
                "2026-13-45T99:99:99Z", "P1D", "", "9".repeat(40)));
    }

    private static String pageToken(Random r) {
        return pick(r, List.of("abc", "%%%", "cHJvZC9mdXp6L2RiL3Bhc3N3b3Jk", "=".repeat(50), "A".repeat(5000), "eyJhbGciOiJub25lIn0"));
    }

    private static String query(Random r) {
        return pick(r, List.of("limit=" + number(r), "limit=5&limit=6", "pageToken=" + pageToken(r), "environment=" + environment(r),
                "prefix=" + secretPath(r), "alias=%20", "version=" + number(r), "x=" + "y".repeat(4000), "=", "&&&", "a=b=c"));
    }

    private static String token(Random r) {
        int pick = r.nextInt(TOKENS.size() + 3);
        if (pick == TOKENS.size()) {
            return null;
        }
        if (pick == TOKENS.size() + 1) {
            return pick(r, List.of("Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer ", "bearer " + server.adminToken,
                    "Bearer " + server.adminToken + " extra", "Bearer " + "A".repeat(9000)));
        }
        String name = new ArrayList<>(TOKENS.keySet()).get(Math.min(pick, TOKENS.size() - 1));
        // admin is picked more often so that bodies get past authentication to the parsers
        return "Bearer " + (pick == TOKENS.size() + 2 ? server.adminToken : TOKENS.get(name));
    }

    private static String contentType(Random r) {
        return pick(r, List.of("application/json", "application/json", "application/json", "text/plain", "application/xml",
                "application/json; charset=ISO-8859-1", "application/json; charset=nope", "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded", "*/*", "application/problem+json", ";;;"));
    }

    private static byte[] body(Random r, Route route) {
        String value = pick(r, VALUES);
        String json = switch (r.nextInt(16)) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> "[".repeat(2_000) + "]".repeat(2_000);
            case 3 -> "{\"a\":" + "{\"a\":".repeat(1_500) + "1" + "}".repeat(1_501);
            case 4 -> "{\"version\":" + "9".repeat(1_200) + "}";
            case 5 -> "{\"version\":18446744073709551617,\"expectedPreviousVersion\":-9223372036854775809}";
            case 6 -> "{\"value\":\"" + value + "\",\"value\":\"other\"}";
            case 7 -> "{\"value\":\"" + value + "\"} trailing";
            case 8 -> "{\"value\":\"\\uD800\",\"status\":\"CURRENT\"}";
            case 9 -> "{\"description\":\"nul\\u0000here\",\"ownerTeam\":\"t\",\"environment\":\"prod\",\"path\":\"fuzz/new\"}";
            case 10 -> "{\"value\":\"" + "v".repeat(600 * 1024) + "\"}";
            case 11 -> "null";
            case 12 -> "{\"rotationPeriod\":\"999999999999d\",\"environment\":\"prod\",\"path\":\"fuzz/r" + r.nextInt(1000)
                    + "\",\"ownerTeam\":\"t\"}";
            case 13 -> plausible(r, route, value);
            case 14 -> "{\"" + value + "\":1}";
            default -> mutate(r, plausible(r, route, value));
        };
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (r.nextInt(20) == 0) {
            ByteArrayOutputStream invalid = new ByteArrayOutputStream();
            invalid.writeBytes("{\"value\":\"".getBytes(StandardCharsets.US_ASCII));
            invalid.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE});
            invalid.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
            bytes = invalid.toByteArray();
        }
        return bytes;
    }

    private static String plausible(Random r, Route route, String value) {
        return switch (route) {
            case CREATE -> "{\"environment\":\"" + environment(r) + "\",\"path\":\"fuzz/n" + r.nextInt(10_000)
                    + "\",\"ownerTeam\":\"team\",\"labels\":{\"a\":\"b\"},\"rotationPeriod\":\"" + pick(r, List.of("30d", "P30D", "-1d", "0s"))
                    + "\",\"rotationStrategy\":\"" + pick(r, List.of("manual-overlap", "generated", "??")) + "\"}";
            case UPDATE -> "{\"description\":\"d\",\"labels\":{\"k\":" + pick(r, List.of("\"v\"", "1", "null", "[]")) + "}}";
            case ADD_VERSION -> "{\"" + pick(r, List.of("value", "valueBase64")) + "\":\"" + value + "\",\"status\":\""
                    + pick(r, List.of("CURRENT", "PENDING", "DESTROYED", "")) + "\",\"expiresAt\":\"" + instant(r) + "\"}";
            case MOVE_ALIAS -> "{\"version\":" + number(r) + ",\"expectedPreviousVersion\":" + number(r) + "}";
            case GRANT -> "{\"resources\":[\"prod/*\"],\"reason\":\"r\",\"ticketUrl\":\"" + pick(r, List.of("https://t/1", "javascript:x", ""))
                    + "\",\"durationMinutes\":" + number(r) + "}";
            case POLICY_PUT -> "{\"effect\":\"" + pick(r, List.of("allow", "deny", "maybe")) + "\",\"principals\":[\"user:a\"],"
                    + "\"actions\":[\"" + pick(r, List.of("secrets:read", "secrets:*", "nope")) + "\"],\"resources\":[\""
                    + pick(r, List.of("prod/*", "*", "+", "", "prod/**/x")) + "\"],\"conditions\":{\"sourceCidr\":[\""
                    + pick(r, List.of("10.0.0.0/8", "999.1.1.1/40", "::/0")) + "\"]}}";
            default -> "{\"x\":1}";
        };
    }

    private static String mutate(Random r, String json) {
        if (json.isEmpty()) {
            return json;
        }
        StringBuilder out = new StringBuilder(json);
        int edits = 1 + r.nextInt(3);
        for (int i = 0; i < edits; i++) {
            int at = r.nextInt(out.length());
            switch (r.nextInt(4)) {
                case 0 -> out.deleteCharAt(at);
                case 1 -> out.insert(at, pick(r, List.of("\"", "{", "]", ",", ":", "\\", "\u0000", "\u00e9")));
                case 2 -> out.setLength(at);
                default -> out.insert(at, "\"x\":[1,2],");
            }
            if (out.length() == 0) {
                break;
            }
        }
        return out.toString();
    }

    // -- requests over a raw socket: framing java.net.http will not produce ---------------------

    private static Fuzzed rawRequest(Random r) {
        String auth = "Authorization: Bearer " + pick(r, List.of(server.adminToken, TOKENS.get("no-rights"), TOKENS.get("expired")))
                + "\r\n";
        String target = pick(r, List.of("/v1/secrets/%zz", "/v1/secrets?prefix=%zz", "/v1/secrets/prod/fuzz%2", "/health/live%",
                "/v1/secrets/" + pick(r, IDS) + "/versions", "/v1/secrets/prod/fuzz/db/password", "/v1/policies/p",
                "/v1/secrets/prod/fuzz/%C0%AF", "/v1/secrets?x=%E0%A4%A", "/v1/audit?since=%", "*", "http://elsewhere/v1/secrets",
                "/v1/secrets/prod/fuzz/db/password?alias=%FF", "/" + "a".repeat(9000), "/v1/secrets/prod/\u00e9"));
        String method = pick(r, List.of("GET", "POST", "PUT", "DELETE", "PATCH", "G ET", "\u0000", "POST"));
        String body = "{\"value\":\"" + pick(r, VALUES) + "\",\"status\":\"PENDING\"}";
        String framing = switch (r.nextInt(14)) {
            case 0 -> "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n";
            case 1 -> "Transfer-Encoding: chunked\r\n\r\n5\r\n" + body + "\r\n0\r\n\r\n";
            case 2 -> "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
            case 3 -> "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
            case 4 -> "Content-Length: 5\r\nContent-Length: 6\r\n\r\n{}{}{}";
            case 5 -> "Content-Length: -1\r\n\r\n{}";
            case 6 -> "Content-Length: 99999999999999999999\r\n\r\n{}";
            case 7 -> "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n{}\r\n";
            case 8 -> "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
            case 9 -> "Header-Without-Colon\r\n\r\n";
            case 10 -> "X-Long: " + "h".repeat(20_000) + "\r\n\r\n";
            case 11 -> "Transfer-Encoding: chunked\r\n\r\n" + "1\r\n{\r\n".repeat(20) + "0\r\nTrailer: " + "t".repeat(100) + "\r\n\r\n";
            case 12 -> "Expect: 100-continue\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
            default -> "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length())
                    + ";ext=1\r\n" + body + "\r\n0\r\n\r\n";
        };
        String version = pick(r, List.of("HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/1.1 ", "HTTP/9.9", "HTTPS/1.1"));
        return new RawFuzzed(method + " " + target + " " + version + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + auth + framing);
    }

    // -- helpers ---------------------------------------------------------------------------------

    private static <T> T pick(Random r, List<T> options) {
        return options.get(r.nextInt(options.size()));
    }

    private static Set<String> secrets() {
        java.util.HashSet<String> all = new java.util.HashSet<>(VALUES);
        for (String token : TOKENS.values()) {
            if (token.length() > 20) {
                all.add(token);
            }
        }
        return all;
    }

    // Failures are printed: tokens and values are replaced by their names first.
    private static String redact(String text) {
        String out = text;
        for (Map.Entry<String, String> token : TOKENS.entrySet()) {
            if (token.getValue().length() > 20) {
                out = out.replace(token.getValue(), "<" + token.getKey() + "-token>");
            }
        }
        for (String value : TestValues.issued()) {
            out = out.replace(value, "<stored-value>");
        }
        return out.length() > 600 ? out.substring(0, 600) + "..." : out;
    }

    private static String forgeClaims(String jwt) {
        String[] parts = jwt.split("\\.");
        String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"admin\"", "\"root\"");
        return parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
    }
}
