package dev.coffer.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.Reply;
import dev.coffer.server.support.TestServer;
import dev.coffer.spi.access.Policy;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.spi.rotation.RunState;
import dev.coffer.tck.support.ScriptedRotator;
import dev.coffer.tck.support.TestValues;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The alerting rules watch series the server really emits: a real server is read from, refused and
 * broken into by break-glass, then every metric name (and exact label value) that the rules and
 * their promtool inputs use must be in its scrape.
 */
@ExtendWith(NoValueLeaks.class)
class AlertSeriesTest {
    @Test
    void everySeriesTheRulesAndTheirTestsUseIsInARealScrape() {
        try (TestServer server = TestServer.start()) {
            String id = server.create("prod", "alerts/db");
            String value = TestValues.text();
            assertEquals(201, server.put(id, value, "CURRENT").status());
            String staging = server.create("staging", "alerts/db");
            assertEquals(201, server.put(staging, value, "CURRENT").status());
            assertEquals(value, server.get("v1/secrets/prod/alerts/db").json().getString("value"));
            String stranger = server.token("mallory", "nobody");
            assertEquals(403, server.send("GET", "v1/secrets/prod/alerts/db", stranger, null).status());
            server.allow(Policy.allow("oncall-glass", List.of("group:oncall"), List.of("secrets:read-break-glass"),
                    List.of("prod/alerts/*", "staging/alerts/*")));
            String oncall = server.token("bob", "oncall");
            Reply grant = server.send("POST", "v1/break-glass/grants", oncall,
                    "{\"resources\":[\"prod/alerts/*\",\"staging/alerts/*\"],\"reason\":\"db down\",\"ticketUrl\":\"https://t/INC-1\",\"durationMinutes\":30}");
            assertEquals(201, grant.status(), grant::toString);
            assertEquals(value, server.send("GET", "v1/secrets/prod/alerts/db", oncall, null).json().getString("value"));
            assertEquals(value, server.send("GET", "v1/secrets/staging/alerts/db", oncall, null).json().getString("value"));

            // Rotation: a generated secret rotated for real, and a scripted one whose apply fails until its one attempt is spent.
            String rotated = server.create("prod", "alerts/rotated");
            assertEquals(201, server.put(rotated, TestValues.text(), "CURRENT").status());
            assertEquals(200, server.send("PUT", "v1/secrets/" + rotated + "/rotation", server.adminToken,
                    "{\"rotator\":\"generated\",\"schedule\":\"30d\"}").status());
            assertEquals(202, server.post("v1/secrets/" + rotated + "/rotation/run", null).status());
            String failing = server.create("prod", "alerts/failing");
            String current = TestValues.text();
            assertEquals(201, server.put(failing, current, "CURRENT").status());
            server.scriptedRotator().accept(current);
            assertEquals(200, server.send("PUT", "v1/secrets/" + failing + "/rotation", server.adminToken,
                    "{\"rotator\":\"" + ScriptedRotator.NAME + "\",\"schedule\":\"30d\",\"maxAttempts\":1}").status());
            server.scriptedRotator().failNext("apply", 1, "DOWNSTREAM_DOWN", false);
            assertEquals(202, server.post("v1/secrets/" + failing + "/rotation/run", null).status());
            server.rotationEngine().runDue(10);
            assertEquals("FAILED", server.get("v1/secrets/" + failing + "/rotation").json().getJsonObject("lastRun").getString("state"));
            // The promtool cases name a failed generated run: the observer call the engine makes for one.
            server.metrics().rotation().runEnded("generated", RunState.FAILED);
            server.metrics().rotation().overdue(0);

            String text = server.get("metrics").body();
            Scrape scrape = Scrape.parse(text);
            Set<String> names = AlertRules.names();
            assertTrue(names.containsAll(Set.of("coffer_reads_total", "coffer_break_glass_total", "coffer_secret_reads_hottest",
                    "coffer_envelope_failures_total", "coffer_audit_append_failures_total", "coffer_rotation_runs_total",
                    "coffer_rotation_overdue_secrets")), names::toString);
            for (AlertRules.Selector selector : AlertRules.selectors()) {
                assertTrue(scrape.named(selector.name()).stream().anyMatch(s -> s.labels().entrySet().containsAll(selector.labels().entrySet())),
                        () -> "no series " + selector + " in the scrape:\n" + text);
            }
            assertTrue(scrape.value("coffer_reads_total", Map.of("code", "ACCESS_DENIED", "outcome", "failure")) >= 1, text);
            assertEquals(1.0, scrape.value("coffer_break_glass_total", Map.of("kind", "read", "environment", "prod")), text);
            assertEquals(1.0, scrape.value("coffer_rotation_runs_total", Map.of("rotator", ScriptedRotator.NAME, "result", "failed")), text);
            assertEquals(1.0, scrape.value("coffer_rotation_runs_total", Map.of("rotator", "generated", "result", "finished")), text);
            assertTrue(!text.contains(value) && !text.contains("alerts/db") && !text.contains("mallory"), "no value, path or principal");
            assertTrue(!text.contains("alerts/rotated") && !text.contains(rotated) && !text.contains(current), "no rotated secret either");
        }
    }
}
