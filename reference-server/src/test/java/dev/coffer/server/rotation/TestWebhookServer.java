package dev.coffer.server.rotation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A webhook receiver for tests, on the JDK's HTTP server at 127.0.0.1: it verifies every call's
 * signature with {@link CofferWebhookVerifier} and keeps a "downstream" that accepts a set of
 * credentials, like an API that allows two live keys. {@code apply} adds the pending value,
 * {@code test} checks it is accepted, {@code finish} makes it current, {@code retire} drops the
 * retired value, {@code discard} drops the pending one; {@code create} changes nothing and answers
 * 204 (Coffer generates the value) or, in {@link #supplyValues(boolean) supply} mode, a value of its own,
 * the same one again for a repeated {@code (runId, attempt)}. It can be told to fail a step in the
 * ways {@link Failure} lists.
 */
final class TestWebhookServer implements AutoCloseable {
    /** A way to fail a step. */
    enum Failure {
        /** 500 with an empty body. */
        STATUS_500,
        /** 503 with a problem {@code {"code":"DOWNSTREAM_DOWN"}}. */
        PROBLEM_503,
        /** 422 with {@code {"code":"VALUE_REJECTED","valueRejected":true}}. */
        REJECT_VALUE,
        /** Never answers (until the server closes). */
        HANG,
        /** 200 with a body of 200 KiB, chunked (no length declared). */
        OVERSIZE_CHUNKED,
        /** 200 declaring a Content-Length of 200 KiB. */
        OVERSIZE_DECLARED,
        /** 200, then a body of one byte every 100 ms that never ends (until the server closes). */
        TRICKLE,
        /** 302 to another path of this server. */
        REDIRECT,
        /** 200 with {@code <html>}. */
        NOT_JSON,
        /** 200 with {@code {"value":"a","valueBase64":"YQ=="}}. */
        BOTH_FIELDS,
        /** 200 with {@code {"valueBase64":"not base64!"}}. */
        BAD_BASE64,
    }

    /** What an {@link Interceptor} lets happen to a call. */
    enum Then {
        /** Go on as usual. */
        GO_ON,
        /** Close the exchange unanswered (the Coffer side sees the connection end, or is dead by then). */
        DROP,
    }

    /**
     * Looks at each well-signed call around the downstream's work, e.g. to kill the calling server
     * at a step boundary. Runs on the receiver's handler thread, so it may block (a hang).
     */
    interface Interceptor {
        /** Before the downstream acts; {@link Then#DROP} leaves the downstream untouched. */
        default Then beforeWork(String step, JsonObject body) {
            return Then.GO_ON;
        }

        /** After the downstream acted, before the answer is sent; {@link Then#DROP} keeps the work done. */
        default Then afterWork(String step, JsonObject body) {
            return Then.GO_ON;
        }
    }

    /** One call as received. */
    record Received(String path, String step, String runIdHeader, String userAgent, String contentType,
            boolean signatureValid, JsonObject body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-webhook");
        t.setDaemon(true);
        return t;
    });
    private final CofferWebhookVerifier verifier;
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final Map<String, String> supplied = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger changes = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile String current;
    private volatile boolean supplyValues;
    private volatile Interceptor interceptor = new Interceptor() { };

    private TestWebhookServer(byte[] key, byte[] currentValue, SSLContext tls) throws IOException {
        this.verifier = new CofferWebhookVerifier(key);
        this.current = b64(currentValue);
        accepted.add(current);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(loopback, 0);
        } else {
            HttpsServer https = HttpsServer.create(loopback, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A started server whose downstream accepts {@code currentValue}, verifying with {@code key}. */
    static TestWebhookServer start(byte[] key, byte[] currentValue) throws IOException {
        return new TestWebhookServer(key, currentValue, null);
    }

    /** The same on HTTPS with the certificate {@code tls} holds. */
    static TestWebhookServer startTls(byte[] key, byte[] currentValue, SSLContext tls) throws IOException {
        return new TestWebhookServer(key, currentValue, tls);
    }

    /** The URL the rotator posts to. */
    URI url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/rotate");
    }

    /** Fails {@code step} from now on in the way given; {@code null} heals it. */
    void fail(WebhookStep step, Failure how) {
        if (how == null) {
            failures.remove(step.wireName());
        } else {
            failures.put(step.wireName(), how);
        }
    }

    /** Looks at every call from now on through {@code interceptor} ({@code null}: none). */
    void intercept(Interceptor interceptor) {
        this.interceptor = interceptor == null ? new Interceptor() { } : interceptor;
    }

    /** Whether {@code create} answers a value of its own instead of 204. */
    void supplyValues(boolean on) {
        supplyValues = on;
    }

    /** Whether the downstream accepts {@code value}. */
    boolean accepts(byte[] value) {
        return accepted.contains(b64(value));
    }

    /** Whether {@code value} is the downstream's current credential. */
    boolean isCurrent(byte[] value) {
        return b64(value).equals(current);
    }

    /** How many calls changed the downstream (a repeated step that found its work done changes nothing). */
    int changes() {
        return changes.get();
    }

    /** Every call received, in order. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** The last call received. */
    Received last() {
        List<Received> all = received();
        return all.get(all.size() - 1);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] raw = ex.getRequestBody().readNBytes(1 << 20);
            boolean valid;
            try {
                valid = verifier.verify(ex.getRequestHeaders().getFirst("Coffer-Signature"), raw, Instant.now());
            } catch (GeneralSecurityException e) {
                valid = false;
            }
            JsonObject body = parse(raw);
            String step = body == null ? null : body.getString("step", null);
            received.add(new Received(ex.getRequestURI().getPath(), step, ex.getRequestHeaders().getFirst("Coffer-Run-Id"),
                    ex.getRequestHeaders().getFirst("User-Agent"), ex.getRequestHeaders().getFirst("Content-Type"),
                    valid, body));
            if (!"POST".equals(ex.getRequestMethod()) || !"/rotate".equals(ex.getRequestURI().getPath())) {
                send(ex, 404, "{\"code\":\"NO_SUCH_ENDPOINT\"}");
                return;
            }
            if (!valid) {
                send(ex, 401, "{\"code\":\"SIGNATURE_INVALID\"}");
                return;
            }
            if (body == null || step == null || !step.equals(ex.getRequestHeaders().getFirst("Coffer-Step"))) {
                send(ex, 400, "{\"code\":\"BAD_BODY\"}");
                return;
            }
            Failure failure = failures.get(step);
            if (failure != null) {
                fail(ex, failure);
                return;
            }
            Interceptor around = interceptor;
            if (around.beforeWork(step, body) == Then.DROP) {
                return;
            }
            answer(ex, step, body, around);
        }
    }

    private void answer(HttpExchange ex, String step, JsonObject body, Interceptor around) throws IOException {
        // The downstream's work happens in work(); its answer only goes out if the interceptor allows.
        Reply reply = work(step, body);
        if (around.afterWork(step, body) == Then.DROP) {
            return;
        }
        send(ex, reply.status(), reply.json());
    }

    private record Reply(int status, String json) {
    }

    private Reply work(String step, JsonObject body) {
        switch (step) {
            case "create" -> {
                if (!supplyValues) {
                    return new Reply(204, null);
                }
                // the same value for a repeated (runId, attempt): the receiver's dedupe the contract describes
                String value = supplied.computeIfAbsent(body.getString("runId") + "/" + body.getInt("attempt"),
                        k -> "supplied-" + java.util.UUID.randomUUID());
                return new Reply(200, Json.createObjectBuilder().add("value", value).build().toString());
            }
            case "apply" -> {
                if (accepted.add(body.getString("pendingValueBase64"))) {
                    changes.incrementAndGet();
                }
                return new Reply(204, null);
            }
            case "test" -> {
                if (accepted.contains(body.getString("pendingValueBase64"))) {
                    return new Reply(204, null);
                } else {
                    return new Reply(409, "{\"code\":\"LOGIN_REFUSED\",\"detail\":\"the downstream refuses this credential\"}");
                }
            }
            case "finish" -> {
                String pending = body.getString("pendingValueBase64");
                if (!accepted.contains(pending)) {
                    return new Reply(409, "{\"code\":\"NOT_APPLIED\"}");
                }
                if (!pending.equals(current)) {
                    current = pending;
                    changes.incrementAndGet();
                }
                return new Reply(204, null);
            }
            case "retire" -> {
                String retired = body.getString("retiredValueBase64");
                if (!retired.equals(current) && accepted.remove(retired)) {
                    changes.incrementAndGet();
                }
                return new Reply(204, null);
            }
            case "discard" -> {
                String pending = body.getString("pendingValueBase64");
                if (!pending.equals(current) && accepted.remove(pending)) {
                    changes.incrementAndGet();
                }
                return new Reply(204, null);
            }
            default -> {
                return new Reply(400, "{\"code\":\"UNKNOWN_STEP\"}");
            }
        }
    }

    private void fail(HttpExchange ex, Failure failure) throws IOException {
        switch (failure) {
            case STATUS_500 -> send(ex, 500, null);
            case PROBLEM_503 -> send(ex, 503, "{\"code\":\"DOWNSTREAM_DOWN\",\"valueRejected\":false}");
            case REJECT_VALUE -> send(ex, 422, "{\"code\":\"VALUE_REJECTED\",\"valueRejected\":true}");
            case HANG -> {
                try {
                    closing.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case OVERSIZE_CHUNKED -> {
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    byte[] chunk = new byte[8192];
                    java.util.Arrays.fill(chunk, (byte) 'x');
                    for (int i = 0; i < 25; i++) {
                        out.write(chunk);
                    }
                } catch (IOException clientGaveUp) {
                    // expected: the rotator cancels the exchange once the bound is passed
                }
            }
            case OVERSIZE_DECLARED -> {
                ex.sendResponseHeaders(200, 200 * 1024);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(new byte[200 * 1024]);
                } catch (IOException clientGaveUp) {
                    // expected
                }
            }
            case TRICKLE -> {
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    while (!closing.await(100, TimeUnit.MILLISECONDS)) {
                        out.write(' ');
                        out.flush();
                    }
                } catch (IOException clientGaveUp) {
                    // expected: the rotator gives up at its timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case REDIRECT -> {
                ex.getResponseHeaders().add("Location", "/elsewhere");
                send(ex, 302, null);
            }
            case NOT_JSON -> send(ex, 200, "<html>rotated</html>");
            case BOTH_FIELDS -> send(ex, 200, "{\"value\":\"a-value-from-the-receiver\",\"valueBase64\":\"YQ==\"}");
            case BAD_BASE64 -> send(ex, 200, "{\"valueBase64\":\"not base64!\"}");
        }
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        if (json == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static JsonObject parse(byte[] raw) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(raw))) {
            JsonValue v = reader.readValue();
            return v instanceof JsonObject o ? o : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String b64(byte[] value) {
        return Base64.getEncoder().encodeToString(value);
    }

    /** Stops accepting connections: a downstream that is down. */
    void stop() {
        closing.countDown();
        server.stop(0);
    }

    @Override
    public void close() {
        stop();
        executor.shutdownNow();
    }

    /** Values seen in bodies, decoded, for assertions that name which fields a step carried. */
    static List<String> valueFields(JsonObject body) {
        List<String> names = new ArrayList<>();
        for (String name : body.keySet()) {
            if (name.endsWith("ValueBase64")) {
                names.add(name);
            }
        }
        names.sort(null);
        return names;
    }
}
