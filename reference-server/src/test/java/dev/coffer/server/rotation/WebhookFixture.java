package dev.coffer.server.rotation;

import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.tck.rotation.RotatorFixture;
import dev.coffer.tck.rotation.StubRotationContext;
import dev.coffer.tck.support.TestValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The TCK's view of the webhook rotator: a {@link TestWebhookServer} per test as the downstream,
 * an API that keeps two live credentials until {@code retire}.
 */
final class WebhookFixture implements RotatorFixture {
    private static final String KEY_SECRET = "prod/rotation/webhook-key";
    private final byte[] key = TestValues.remember(TestValues.text() + "-signing-key").getBytes(StandardCharsets.UTF_8);
    private final byte[] current = TestValues.text().getBytes(StandardCharsets.UTF_8);
    private final TestWebhookServer server;

    WebhookFixture(boolean receiverSuppliesValues) throws IOException {
        TestValues.remember(Base64.getEncoder().encodeToString(current));
        server = TestWebhookServer.start(key, current);
        server.supplyValues(receiverSuppliesValues);
    }

    @Override
    public Rotator newRotator() {
        return new WebhookRotator();
    }

    @Override
    public Map<String, String> params() {
        return Map.of("url", server.url().toString(), "signingKeySecret", KEY_SECRET, "timeout", "5s");
    }

    @Override
    public SecretValue currentValue() {
        return SecretValue.of(current);
    }

    @Override
    public boolean accepts(SecretValue value) {
        return server.accepts(value.bytes());
    }

    @Override
    public StubRotationContext.Builder prepare(StubRotationContext.Builder context) {
        return context.referencedSecret("signingKeySecret", SecretValue.of(key));
    }

    @Override
    public List<String> secretParts(SecretValue value) {
        // the bodies carry values in base64: a leak of that form counts too
        return List.of(value.asUtf8(), Base64.getEncoder().encodeToString(value.bytes()));
    }

    @Override
    public boolean keepsOldValueAfterRetire() {
        return false;
    }

    @Override
    public boolean failDownstream() {
        server.stop();
        return true;
    }

    @Override
    public Optional<SecretValue> refusedPendingValue() {
        return Optional.of(SecretValue.ofUtf8(TestValues.text()));
    }

    @Override
    public List<InvalidParams> invalidParams() {
        return List.of(
                InvalidParams.of("lack url", Map.of("signingKeySecret", KEY_SECRET)),
                InvalidParams.of("lack signingKeySecret", Map.of("url", "https://rotate.example.com/")),
                InvalidParams.of("use http to a host that is not loopback", Map.of("url", "http://rotate.example.com/",
                        "signingKeySecret", KEY_SECRET)),
                InvalidParams.of("hold user info in the url", Map.of("url", "https://u:p@rotate.example.com/",
                        "signingKeySecret", KEY_SECRET)),
                InvalidParams.of("give a timeout above 60s", Map.of("url", "https://rotate.example.com/",
                        "signingKeySecret", KEY_SECRET, "timeout", "2m")),
                InvalidParams.of("name a param the rotator does not take", Map.of("url", "https://rotate.example.com/",
                        "signingKeySecret", KEY_SECRET, "secret", "x")));
    }

    @Override
    public void close() {
        server.close();
    }
}
