package dev.coffer.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.standalone.Coffer;
import dev.coffer.server.standalone.DataDir;
import dev.coffer.server.standalone.ServeOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --http-threads} and {@code --db-pool-size} size what the server really runs, as its own metrics report it. */
class ServerSizingTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path tmp;

    @Test
    void theDefaultsAreTwoHundredThreadsAndTenConnections() throws Exception {
        Scrape scrape = scrape(new ServeOptions("127.0.0.1", 0, tmp.resolve("data"), null, null, false, false, JwtSettings.defaults()));
        assertEquals(ServeOptions.DEFAULT_HTTP_THREADS, scrape.named("jetty_threads_config_max").get(0).value());
        assertEquals(ServeOptions.DEFAULT_DB_POOL_SIZE, mainPoolMax(scrape));
    }

    @Test
    void theFlagsSizeTheThreadPoolAndTheConnectionPool() throws Exception {
        ServeOptions options = new ServeOptions("127.0.0.1", 0, tmp.resolve("data"), null, null, false, false, JwtSettings.defaults())
                .withHttpThreads(32).withDbPoolSize(3);
        Scrape scrape = scrape(options);
        assertEquals(32.0, scrape.named("jetty_threads_config_max").get(0).value());
        assertEquals(3.0, mainPoolMax(scrape));
    }

    private static double mainPoolMax(Scrape scrape) {
        return scrape.named("hikaricp_connections_max").stream().filter(s -> "coffer-main".equals(s.labels().get("pool")))
                .findFirst().orElseThrow(() -> new AssertionError("no hikaricp_connections_max{pool=coffer-main}")).value();
    }

    private Scrape scrape(ServeOptions options) throws Exception {
        try (Coffer coffer = Coffer.start(options, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            String token = Files.readString(options.data().resolve(DataDir.ADMIN_TOKEN)).trim();
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coffer.port() + "/metrics"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode(), metrics.body());
            return Scrape.parse(metrics.body());
        }
    }
}
