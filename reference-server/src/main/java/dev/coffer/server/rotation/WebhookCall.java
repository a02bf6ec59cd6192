package dev.coffer.server.rotation;

import dev.coffer.spi.rotation.RotationException;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Sends one signed webhook call and turns the answer into the 2xx body or a {@link RotationException}:
 * a non-2xx status becomes the receiver's problem {@code code} (or {@code WEBHOOK_HTTP_<status>})
 * and its {@code valueRejected}; no answer within the timeout, or no connection, becomes
 * {@code WEBHOOK_UNAVAILABLE}; a body above {@value #MAX_RESPONSE_BYTES} bytes becomes
 * {@code WEBHOOK_RESPONSE_TOO_LARGE}. Redirects are not followed (a 3xx is {@code WEBHOOK_HTTP_3xx}).
 * Messages name the step, the run, the URL's origin and the status; never a body or a value.
 */
final class WebhookCall {
    /**
     * The longest answer read: room for the largest value (64 KiB, 87,384 characters in base64) in
     * {@code {"valueBase64":"..."}}, and little more.
     */
    static final int MAX_RESPONSE_BYTES = 96 * 1024;
    static final String UNAVAILABLE = "WEBHOOK_UNAVAILABLE";
    static final String TOO_LARGE = "WEBHOOK_RESPONSE_TOO_LARGE";
    static final String USER_AGENT = "Coffer-Webhook-Rotator/1";

    private static final Logger LOG = Logger.getLogger(WebhookRotator.class.getName());
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    private final HttpClient http;
    private final Clock clock;

    WebhookCall(HttpClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    /**
     * The client {@link WebhookRotator#WebhookRotator()} shares across calls, made as the project's
     * other client ({@code RemoteSecretManager.defaultClient}) is: HTTP/1.1, redirects never
     * followed, a connect timeout; TLS with the JDK's default trust.
     */
    static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * POSTs {@code body}, signed with {@code key}, and returns the 2xx answer's body (possibly
     * empty; the caller wipes it).
     *
     * @throws RotationException as the class comment says
     */
    byte[] post(WebhookParams params, WebhookStep step, String runId, byte[] key, byte[] body) {
        String where = "webhook step " + step.wireName() + " of run " + runId + " at " + params.origin();
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(params.url())
                .version(HttpClient.Version.HTTP_1_1)
                .timeout(params.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", USER_AGENT)
                .header("Coffer-Step", step.wireName())
                .header("Coffer-Run-Id", runId)
                .header(WebhookSignature.HEADER, WebhookSignature.header(key, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> response = exchange(request, params.timeout(), where);
        int status = response.statusCode();
        byte[] answer = response.body() == null ? new byte[0] : response.body();
        if (status >= 200 && status < 300) {
            LOG.fine(() -> where + ": HTTP " + status);
            return answer;
        }
        String code = "WEBHOOK_HTTP_" + status;
        boolean valueRejected = false;
        try {
            JsonObject problem = problem(answer);
            if (problem != null) {
                JsonValue c = problem.get("code");
                if (c instanceof JsonString s && CODE.matcher(s.getString()).matches()) {
                    code = s.getString();
                }
                valueRejected = problem.get("valueRejected") == JsonValue.TRUE;
            }
        } finally {
            Arrays.fill(answer, (byte) 0);
        }
        String why = status >= 300 && status < 400 ? " (redirects are not followed)" : "";
        String message = where + " answered HTTP " + status + why + " with code " + code
                + (valueRejected ? "; the receiver rejected the value" : "");
        LOG.fine(message);
        throw new RotationException(code, valueRejected, message);
    }

    private HttpResponse<byte[]> exchange(HttpRequest request, Duration timeout, String where) {
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, BoundedBody.handler(MAX_RESPONSE_BYTES));
        try {
            // The whole exchange, body included, is bounded here; the request's own timeout covers only the headers.
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw fail(UNAVAILABLE, where + " did not answer within " + timeout, null);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw fail(UNAVAILABLE, where + " was interrupted", null);
        } catch (CancellationException e) {
            throw fail(UNAVAILABLE, where + " was cancelled", null);
        } catch (ExecutionException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof BoundedBody.TooLarge) {
                    throw fail(TOO_LARGE, where + " answered with a body longer than " + MAX_RESPONSE_BYTES + " bytes", null);
                }
                if (t instanceof HttpTimeoutException) {
                    throw fail(UNAVAILABLE, where + " did not answer within " + timeout, null);
                }
            }
            Throwable cause = e.getCause() == null ? e : e.getCause();
            // The JDK's connection errors name the host and the failure, never a body.
            throw fail(UNAVAILABLE, where + " cannot be reached (" + cause.getClass().getSimpleName() + ")", cause);
        }
    }

    private static RotationException fail(String code, String message, Throwable cause) {
        LOG.fine(message);
        return new RotationException(code, false, message, cause);
    }

    /** The problem document in a non-2xx answer, or {@code null} when there is none (a proxy's page, an empty body). */
    private static JsonObject problem(byte[] answer) {
        if (answer.length == 0) {
            return null;
        }
        try (JsonReader reader = WebhookBody.JSON.createReader(new ByteArrayInputStream(answer))) {
            JsonValue v = reader.readValue();
            return v instanceof JsonObject o ? o : null;
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }
}
