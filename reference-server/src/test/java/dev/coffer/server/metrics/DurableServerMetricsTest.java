package dev.coffer.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.DatabaseConfig;
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
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable standalone server (H2, Tink) as {@code coffer serve} runs it: pool meters and audit append failures. */
class DurableServerMetricsTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path temp;

    @Test
    void bothConnectionPoolsAreMeasuredByName() throws Exception {
        Path data = temp.resolve("coffer-data");
        try (Coffer coffer = start(data)) {
            assertEquals(200, get("http://127.0.0.1:" + coffer.port() + "/health/ready", token(data)).statusCode());
            Scrape scrape = Scrape.parse(scrape(coffer, data));
            for (String pool : new String[] {"coffer-main", "coffer-keys"}) {
                assertTrue(scrape.value("hikaricp_connections_max", Map.of("pool", pool)) >= 2, pool);
                scrape.value("hikaricp_connections_active", Map.of("pool", pool));
                scrape.value("hikaricp_connections_pending", Map.of("pool", pool));
            }
            assertTrue(scrape.has("hikaricp_connections_acquire_seconds_count"));
            assertTrue(scrape.has("jetty_server_requests_seconds_count"), "the real server measures HTTP too");
            assertTrue(scrape.has("jvm_memory_used_bytes"));
        }
    }

    @Test
    void anAuditAppendThatFailsIsCountedByCode() throws Exception {
        Path data = temp.resolve("coffer-data");
        try (Coffer coffer = start(data)) {
            String base = "http://127.0.0.1:" + coffer.port() + "/";
            Map<String, String> unavailable = Map.of("code", "AUDIT_UNAVAILABLE");
            assertEquals(0.0, Scrape.parse(scrape(coffer, data)).value("coffer_audit_append_failures_total", unavailable));
            Jdbi sql = Jdbi.create(DatabaseConfig.h2File(data).jdbcUrl(), "coffer", "");
            sql.useHandle(h -> h.execute("CREATE TRIGGER refuse_audit_insert BEFORE INSERT ON audit_events FOR EACH ROW CALL '"
                    + RefuseInsert.class.getName() + "'"));
            try {
                assertEquals(503, get(base + "v1/secrets", token(data)).statusCode(), "an audited call fails");
                // /metrics writes no audit event, so it answers while the audit table refuses writes.
                assertTrue(Scrape.parse(scrape(coffer, data)).value("coffer_audit_append_failures_total", unavailable) >= 1);
            } finally {
                sql.useHandle(h -> h.execute("DROP TRIGGER refuse_audit_insert"));
            }
        }
    }

    @Test
    void aBreakGlassGrantIsCountedOnceThoughItsEventSkipsTheLogsAppend() throws Exception {
        Path data = temp.resolve("coffer-data");
        try (Coffer coffer = start(data)) {
            String base = "http://127.0.0.1:" + coffer.port() + "/";
            Map<String, String> grants = Map.of("kind", "grant", "environment", "none");
            assertEquals(0.0, Scrape.parse(scrape(coffer, data)).value("coffer_break_glass_total", grants));
            HttpResponse<String> grant = http.send(HttpRequest.newBuilder(URI.create(base + "v1/break-glass/grants"))
                    .header("Authorization", "Bearer " + token(data)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"resources\":[\"prod/metrics/*\"],\"reason\":\"db down\","
                            + "\"ticketUrl\":\"https://t/INC-9\",\"durationMinutes\":30}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, grant.statusCode(), grant.body());
            // On JDBI the grant's event is appended into the chain inside the store's transaction.
            assertEquals(1.0, Scrape.parse(scrape(coffer, data)).value("coffer_break_glass_total", grants));
        }
    }

    /** Refuses every insert into the table it is put on. */
    public static final class RefuseInsert implements org.h2.api.Trigger {
        @Override
        public void fire(java.sql.Connection conn, Object[] oldRow, Object[] newRow) throws java.sql.SQLException {
            throw new java.sql.SQLException("audit inserts refused by the test", "42501");
        }
    }

    private static Coffer start(Path data) {
        return Coffer.start(new ServeOptions("127.0.0.1", 0, data, null, null, false, false, JwtSettings.defaults()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private String scrape(Coffer coffer, Path data) throws Exception {
        HttpResponse<String> metrics = get("http://127.0.0.1:" + coffer.port() + "/metrics", token(data));
        assertEquals(200, metrics.statusCode(), metrics.body());
        return metrics.body();
    }

    private static String token(Path data) throws Exception {
        return Files.readString(data.resolve(DataDir.ADMIN_TOKEN)).trim();
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
