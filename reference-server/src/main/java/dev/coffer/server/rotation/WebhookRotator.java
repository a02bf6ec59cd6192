package dev.coffer.server.rotation;

import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationContext;
import dev.coffer.spi.rotation.RotationException;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.spi.rotation.generated.PasswordPolicy;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The {@code webhook} rotator: each step is one signed {@code POST} of a JSON body to the policy's
 * {@code url}, so a receiver in any language can rotate anything. The contract (body, signature,
 * answers, error codes) is in {@code docs/rotation.md}; the short form:
 *
 * <ul>
 *   <li>body {@code {"step","runId","tenant","secretId","environment","path","attempt","testOnly",
 *       "currentVersion","pendingVersion", ...ValueBase64}}, values base64 and only in the steps that need them;</li>
 *   <li>header {@code Coffer-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of t + "." + body>},
 *       keyed with the bytes of the secret {@code signingKeySecret} names;</li>
 *   <li>2xx is done; {@code create} may answer {@code {"value":"..."}} or {@code {"valueBase64":"..."}},
 *       an empty body lets Coffer generate the value; anything else fails with the receiver's problem
 *       {@code code} and {@code valueRejected}.</li>
 * </ul>
 *
 * <pre>{@code
 * RotationPolicy.builder("webhook", RotationSchedule.parse("30d"))
 *         .param("url", "https://rotate.example.com/coffer")
 *         .param("signingKeySecret", "prod/rotation/webhook-key")
 *         .param("timeout", "10s")
 *         .build();
 * }</pre>
 *
 * <p>Registered for {@link java.util.ServiceLoader} with its public no-arg constructor, which
 * shares one {@link HttpClient} per process. Thread-safe.
 */
public final class WebhookRotator implements Rotator {
    /** The name policies use. */
    public static final String NAME = "webhook";
    /**
     * The value Coffer makes when {@code create} answers with an empty body: the {@code generated}
     * rotator's default password (32 characters with lower, upper, digit and symbol).
     */
    public static final PasswordPolicy GENERATED = PasswordPolicy.defaults();

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = Logger.getLogger(WebhookRotator.class.getName());

    private final HttpClient http;
    private final Clock clock;

    /** The rotator ServiceLoader makes: the process-wide client (made on the first call), the system clock. */
    public WebhookRotator() {
        this.http = null;
        this.clock = Clock.systemUTC();
    }

    /**
     * A rotator on {@code http} (to give it a trust store or a proxy) and {@code clock} (the
     * signature's timestamp: keep it the real time, receivers refuse one five minutes off).
     */
    public WebhookRotator(HttpClient http, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void validate(Map<String, String> params) {
        WebhookParams.parse(params);
    }

    @Override
    public Set<String> secretParams(Map<String, String> params) {
        return Set.of(WebhookParams.SIGNING_KEY_SECRET);
    }

    /** Sends {@code create}; the answer's value, or a generated one when the answer is empty. */
    @Override
    public SecretValue create(RotationContext ctx) {
        WebhookBody body = WebhookBody.start(WebhookStep.CREATE, ctx);
        ctx.currentValue().ifPresent(v -> body.value("currentValueBase64", v));
        byte[] answer = send(ctx, WebhookStep.CREATE, body);
        try {
            return valueOf(answer, ctx);
        } finally {
            Arrays.fill(answer, (byte) 0);
        }
    }

    /** Sends {@code apply} with the pending, current and previous values (the last two to recover a half-done earlier rotation). */
    @Override
    public void apply(RotationContext ctx) {
        WebhookBody body = WebhookBody.start(WebhookStep.APPLY, ctx).value("pendingValueBase64", ctx.pendingValue());
        ctx.currentValue().ifPresent(v -> body.value("currentValueBase64", v));
        ctx.previousValue().ifPresent(v -> body.value("previousValueBase64", v));
        wipe(send(ctx, WebhookStep.APPLY, body));
    }

    /** Sends {@code test} with the pending value. */
    @Override
    public void test(RotationContext ctx) {
        WebhookBody body = WebhookBody.start(WebhookStep.TEST, ctx).value("pendingValueBase64", ctx.pendingValue());
        wipe(send(ctx, WebhookStep.TEST, body));
    }

    /** Sends {@code finish} with the value that just became current. */
    @Override
    public void finish(RotationContext ctx) {
        WebhookBody body = WebhookBody.start(WebhookStep.FINISH, ctx).value("pendingValueBase64", ctx.pendingValue());
        wipe(send(ctx, WebhookStep.FINISH, body));
    }

    /** Sends {@code retire} with the version whose overlap ended and its value. */
    @Override
    public void retire(RotationContext ctx, int version, SecretValue old) {
        WebhookBody body = WebhookBody.start(WebhookStep.RETIRE, ctx).version("retiredVersion", version)
                .value("retiredValueBase64", old);
        wipe(send(ctx, WebhookStep.RETIRE, body));
    }

    /**
     * Sends {@code discard} with the pending and current values, so the receiver can revoke the one
     * and make sure the other still works. A run that never created a value changed nothing
     * downstream, and sends nothing.
     */
    @Override
    public void discard(RotationContext ctx) {
        Optional<SecretValue> pending = pending(ctx);
        if (pending.isEmpty()) {
            return;
        }
        WebhookBody body = WebhookBody.start(WebhookStep.DISCARD, ctx).value("pendingValueBase64", pending.get());
        ctx.currentValue().ifPresent(v -> body.value("currentValueBase64", v));
        wipe(send(ctx, WebhookStep.DISCARD, body));
    }

    private static Optional<SecretValue> pending(RotationContext ctx) {
        if (ctx.run().pendingVersion() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ctx.pendingValue());
        } catch (IllegalStateException none) {
            return Optional.empty();
        }
    }

    private byte[] send(RotationContext ctx, WebhookStep step, WebhookBody body) {
        byte[] bytes = body.toBytes();
        byte[] key = null;
        try {
            WebhookParams params = params(ctx);
            key = signingKey(ctx);
            return new WebhookCall(http != null ? http : SharedClient.INSTANCE, clock).post(params, step, ctx.run().id(), key, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    private static WebhookParams params(RotationContext ctx) {
        try {
            return WebhookParams.parse(ctx.policy().params());
        } catch (InvalidRequestException e) {
            // Checked when the policy was set; reaching this means a store holds a policy that skipped validation.
            throw new RotationException("INVALID_ROTATION_POLICY", false, e.getMessage());
        }
    }

    private static byte[] signingKey(RotationContext ctx) {
        SecretValue key;
        try {
            key = ctx.referencedSecret(WebhookParams.SIGNING_KEY_SECRET);
        } catch (SecretsException e) {
            throw new RotationException("WEBHOOK_SIGNING_KEY_UNAVAILABLE", false, "the signing key secret "
                    + ctx.policy().param(WebhookParams.SIGNING_KEY_SECRET) + " cannot be read: " + e.code(), e);
        }
        byte[] bytes = key.bytes();
        if (bytes.length < WebhookSignature.MIN_KEY_BYTES) {
            Arrays.fill(bytes, (byte) 0);
            throw new RotationException("WEBHOOK_SIGNING_KEY_TOO_SHORT", false, "the signing key secret "
                    + ctx.policy().param(WebhookParams.SIGNING_KEY_SECRET) + " holds " + bytes.length
                    + " bytes; an HMAC-SHA256 key needs at least " + WebhookSignature.MIN_KEY_BYTES);
        }
        return bytes;
    }

    /** The value in {@code create}'s answer: {@code value} (text) or {@code valueBase64}; an empty answer asks Coffer to generate it. */
    private static SecretValue valueOf(byte[] answer, RotationContext ctx) {
        if (isBlank(answer)) {
            return generated();
        }
        String where = "webhook step create of run " + ctx.run().id() + " at " + params(ctx).origin();
        JsonObject object;
        try (JsonReader reader = WebhookBody.JSON.createReader(new ByteArrayInputStream(answer))) {
            JsonValue v = reader.readValue();
            if (!(v instanceof JsonObject o)) {
                throw badAnswer(where + " answered 2xx with JSON that is not an object");
            }
            object = o;
        } catch (JsonException | IllegalStateException e) {
            // The parser's message may quote the text around the error, which may be the value.
            throw badAnswer(where + " answered 2xx with a body that is not JSON");
        }
        JsonValue text = object.get("value");
        JsonValue base64 = object.get("valueBase64");
        if ((text == null) == (base64 == null)) {
            throw badAnswer(where + " must answer an empty body, {\"value\":\"...\"} or {\"valueBase64\":\"...\"}"
                    + (text == null ? ", got neither field" : ", got both fields"));
        }
        JsonValue given = text != null ? text : base64;
        String field = text != null ? "value" : "valueBase64";
        if (!(given instanceof JsonString s)) {
            throw badAnswer(where + " answered a " + field + " that is not a JSON string");
        }
        byte[] bytes;
        if (text != null) {
            try (SecretValue utf8 = SecretValue.ofUtf8(s.getString())) {
                bytes = utf8.bytes();
            } catch (InvalidRequestException e) {
                // A lone surrogate, which has no UTF-8 form; the message names no character.
                throw badAnswer(where + " answered a value that is not valid Unicode text; send valueBase64");
            }
        } else {
            try {
                bytes = Base64.getDecoder().decode(s.getString());
            } catch (IllegalArgumentException e) {
                // The decoder's message names the offending character: part of the value.
                throw badAnswer(where + " answered a valueBase64 that is not base64 (standard alphabet)");
            }
        }
        if (bytes.length == 0) {
            throw badAnswer(where + " answered an empty " + field);
        }
        if (bytes.length > SecretValue.MAX_BYTES) {
            Arrays.fill(bytes, (byte) 0);
            throw badAnswer(where + " answered a value of more than " + SecretValue.MAX_BYTES + " bytes");
        }
        return SecretValue.wrap(bytes);
    }

    private static boolean isBlank(byte[] answer) {
        for (byte b : answer) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static RotationException badAnswer(String message) {
        LOG.fine(message);
        return new RotationException("WEBHOOK_BAD_RESPONSE", false, message);
    }

    /** A password of {@link #GENERATED}. */
    static SecretValue generated() {
        char[] chars = GENERATED.generate(RANDOM);
        try {
            return SecretValue.ofUtf8(chars);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private static void wipe(byte[] answer) {
        Arrays.fill(answer, (byte) 0);
    }

    /** Made on first use, so that a process that never rotates through a webhook never starts the client's threads. */
    private static final class SharedClient {
        static final HttpClient INSTANCE = WebhookCall.defaultClient();
    }
}
