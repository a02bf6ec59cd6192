package dev.coffer.config.remote;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** The client {@link RemoteSecretManager} makes for itself: TLS only where the base URL asks for it. */
class DefaultClientTest {

    @Test
    void anHttpsClientKeepsTheJdksTrustStore() throws Exception {
        HttpClient client = RemoteSecretManager.defaultClient(URI.create("https://coffer.example/"), Duration.ofSeconds(1));
        assertSame(SSLContext.getDefault(), client.sslContext());
    }

    @Test
    void anHttpClientDoesNotBuildTheJdksDefaultTlsContext() throws Exception {
        HttpClient client = RemoteSecretManager.defaultClient(URI.create("http://127.0.0.1:8480/"), Duration.ofSeconds(1));
        assertNotSame(SSLContext.getDefault(), client.sslContext());
        assertEquals(HttpClient.Redirect.NEVER, client.followRedirects(), "an http client never follows a redirect to https");
    }
}
