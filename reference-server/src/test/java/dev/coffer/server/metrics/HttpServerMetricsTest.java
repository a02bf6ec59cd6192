package dev.coffer.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.Reply;
import dev.coffer.server.support.TestServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The standalone server's HTTP, connection, thread-pool and JVM meters, and their bounded tags. */
class HttpServerMetricsTest {
    private static final Set<String> STATUS_CLASSES = Set.of("1xx", "2xx", "3xx", "4xx", "5xx", "UNKNOWN");

    @Test
    void requestsAreCountedByMethodAndStatusClassWithNothingAClientChose() {
        try (TestServer server = TestServer.start()) {
            String marker = "zq" + UUID.randomUUID().toString().replace("-", "");
            assertEquals(200, server.get("v1/secrets").status());
            assertEquals(401, server.send("GET", "v1/secrets/prod/" + marker, null, null).status());
            assertEquals(404, server.get("v1/secrets/sec_" + marker).status());
            // Jetty takes any token as a method; each must not become a series of its own.
            for (int i = 0; i < 5; i++) {
                Reply odd = server.send("X" + marker.toUpperCase().substring(0, 8) + i, "v1/" + marker + i, server.adminToken, null);
                assertTrue(odd.status() >= 400 && odd.status() < 500, odd::toString);
            }

            String text = server.get("metrics").body();
            Scrape scrape = Scrape.parse(text);
            List<Scrape.Sample> requests = scrape.named("jetty_server_requests_seconds_count");
            assertFalse(requests.isEmpty(), text);
            for (Scrape.Sample sample : requests) {
                assertEquals(Set.of("method", "status", "outcome"), sample.labels().keySet(), sample::toString);
                assertTrue(HttpServerMetrics.METHODS.contains(sample.labels().get("method")) || "OTHER".equals(sample.labels().get("method")),
                        sample::toString);
                assertTrue(STATUS_CLASSES.contains(sample.labels().get("status")), sample::toString);
            }
            assertTrue(scrape.value("jetty_server_requests_seconds_count", Map.of("method", "OTHER", "outcome", "CLIENT_ERROR",
                    "status", "4xx")) >= 5, text);
            assertTrue(scrape.value("jetty_server_requests_seconds_count", Map.of("method", "GET", "outcome", "SUCCESS",
                    "status", "2xx")) >= 1, text);
            assertTrue(scrape.value("jetty_server_requests_seconds_count", Map.of("method", "GET", "outcome", "CLIENT_ERROR",
                    "status", "4xx")) >= 2, text);
            assertTrue(scrape.has("jetty_server_requests_seconds_bucket"), "request durations are a histogram");
            assertFalse(text.toLowerCase().contains(marker), "no path, id or method a client sent appears");
        }
    }

    @Test
    void jvmProcessConnectionAndThreadPoolMetricsAreExposed() {
        try (TestServer server = TestServer.start()) {
            Scrape scrape = Scrape.parse(server.get("metrics").body());
            for (String name : List.of("jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads",
                    "jvm_classes_loaded_classes", "process_cpu_usage", "system_cpu_count", "process_uptime_seconds",
                    "process_start_time_seconds", "jetty_connections_current_connections", "jetty_threads_busy",
                    "jetty_threads_config_max")) {
                assertTrue(scrape.has(name), name);
            }
            assertTrue(scrape.named("jetty_threads_config_max").get(0).value() > 0);
            assertTrue(scrape.named("jetty_connections_current_connections").get(0).value() >= 1, "the scrape's own connection");
        }
    }

    @Test
    void unknownMethodsAndStatusesMapToFixedWords() {
        assertEquals("OTHER", HttpServerMetrics.method("BREW"));
        assertEquals("OTHER", HttpServerMetrics.method("get"));
        assertEquals("OTHER", HttpServerMetrics.method(null));
        assertEquals("PATCH", HttpServerMetrics.method("PATCH"));
        assertEquals("5xx", HttpServerMetrics.statusClass(503));
        assertEquals("UNKNOWN", HttpServerMetrics.statusClass(999));
        assertEquals("UNKNOWN", HttpServerMetrics.statusClass(0));
    }
}
