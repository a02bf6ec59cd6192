package dev.coffer.server.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationException;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.tck.rotation.StubRotationContext;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook rotator over HTTPS, against a receiver with a self-signed certificate for 127.0.0.1
 * made by the JDK's keytool: a client trusting it rotates; the default client (system trust) refuses it.
 */
@ExtendWith(NoValueLeaks.class)
class WebhookTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    @TempDir
    static Path dir;
    private static KeyStore store;
    private static final byte[] KEY = TestValues.remember(TestValues.text() + "-signing-key").getBytes(StandardCharsets.UTF_8);
    private static final byte[] CURRENT = TestValues.text().getBytes(StandardCharsets.UTF_8);
    private static TestWebhookServer server;

    @BeforeAll
    static void start() throws Exception {
        Path file = dir.resolve("receiver.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(2, TimeUnit.MINUTES) && keytool.exitValue() == 0, "keytool made a certificate: " + out);
        store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        server = TestWebhookServer.startTls(KEY, CURRENT, serverTls);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aClientThatTrustsTheReceiversCertificateRotatesOverHttps() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(trusting).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        WebhookRotator rotator = new WebhookRotator(client, Clock.systemUTC());

        try (StubRotationContext ctx = context().build(); SecretValue made = rotator.create(ctx)) {
            TestValues.remember(made.asUtf8());
            try (StubRotationContext applying = context().pending(made).state(dev.coffer.spi.rotation.RunState.CREATED).build()) {
                rotator.apply(applying);
            }
            assertTrue(server.accepts(made.bytes()), "the value was applied over HTTPS");
        }
        assertTrue(server.last().signatureValid());
    }

    @Test
    void theDefaultClientRefusesAReceiverWhoseCertificateItDoesNotTrust() {
        int before = server.received().size();
        RotationException e = assertThrows(RotationException.class, () -> {
            try (StubRotationContext ctx = context().build()) {
                new WebhookRotator().create(ctx);
            }
        });
        assertEquals("WEBHOOK_UNAVAILABLE", e.reason());
        assertEquals(before, server.received().size(), "the handshake failed: the receiver got no request");
        NoValueLeaks.assertNoValueIn(e);
    }

    private static StubRotationContext.Builder context() {
        RotationPolicy policy = RotationPolicy.builder("webhook", RotationSchedule.parse("30d"))
                .params(Map.of("url", server.url().toString(), "signingKeySecret", "prod/rotation/webhook-key")).build();
        return StubRotationContext.builder(policy).current(SecretValue.of(CURRENT))
                .referencedSecret("signingKeySecret", SecretValue.of(KEY));
    }
}
