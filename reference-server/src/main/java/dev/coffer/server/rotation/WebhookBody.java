package dev.coffer.server.rotation;

import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationContext;
import dev.coffer.spi.rotation.RotationRun;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.ServiceLoader;

/**
 * Writes the JSON body of one webhook call with JSON-P. Values go out base64-encoded (standard
 * alphabet, padded) under names ending in {@code ValueBase64}, so any bytes survive the trip and
 * no receiver has to guess an encoding.
 *
 * <pre>{@code
 * byte[] body = WebhookBody.start(WebhookStep.TEST, ctx).value("pendingValueBase64", ctx.pendingValue()).toBytes();
 * }</pre>
 */
final class WebhookBody {
    /** Looked up beside this class, not through the thread's context class loader (which the engine's threads may lack). */
    static final JsonProvider JSON = ServiceLoader.load(JsonProvider.class, WebhookBody.class.getClassLoader())
            .findFirst().orElseGet(JsonProvider::provider);
    private static final JsonGeneratorFactory GENERATORS = JSON.createGeneratorFactory(Map.of());

    private final WipingBuffer out = new WipingBuffer();
    private final JsonGenerator json = GENERATORS.createGenerator(out, StandardCharsets.UTF_8);

    private WebhookBody() {}

    /** A body with the fields every step carries. */
    static WebhookBody start(WebhookStep step, RotationContext ctx) {
        WebhookBody b = new WebhookBody();
        RotationRun run = ctx.run();
        Secret secret = ctx.secret();
        b.json.writeStartObject()
                .write("step", step.wireName())
                .write("runId", run.id())
                .write("tenant", secret.path().tenant())
                .write("secretId", secret.id())
                .write("environment", secret.path().environment())
                .write("path", secret.path().path())
                .write("attempt", run.attempt())
                .write("testOnly", run.testOnly());
        OptionalInt current = ctx.currentVersion();
        if (current.isPresent()) {
            b.json.write("currentVersion", current.getAsInt());
        } else {
            b.json.writeNull("currentVersion");
        }
        if (run.pendingVersion() != null) {
            b.json.write("pendingVersion", run.pendingVersion().intValue());
        } else {
            b.json.writeNull("pendingVersion");
        }
        return b;
    }

    /** Adds a version number. */
    WebhookBody version(String name, int version) {
        json.write(name, version);
        return this;
    }

    /** Adds {@code value} base64-encoded under {@code name}. */
    WebhookBody value(String name, SecretValue value) {
        byte[] raw = value.bytes();
        try {
            // A String cannot be wiped; it lives until the body is sent and collected, like any JSON-P text.
            json.write(name, Base64.getEncoder().encodeToString(raw));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        return this;
    }

    /** The UTF-8 bytes of the finished object; the caller wipes them after sending. */
    byte[] toBytes() {
        json.writeEnd();
        json.close();
        return out.takeAndWipe();
    }

    /** A growable buffer that wipes every array it outgrows and the last one when the bytes are taken. */
    private static final class WipingBuffer extends OutputStream {
        private byte[] buf = new byte[4096];
        private int count;

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                byte[] bigger = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
                Arrays.fill(buf, (byte) 0);
                buf = bigger;
            }
        }

        byte[] takeAndWipe() {
            byte[] copy = Arrays.copyOf(buf, count);
            Arrays.fill(buf, (byte) 0);
            count = 0;
            return copy;
        }
    }
}
