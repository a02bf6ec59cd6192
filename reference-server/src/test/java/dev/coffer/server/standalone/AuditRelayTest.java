package dev.coffer.server.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.ClaimMapping;
import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.server.support.LogCapture;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.memory.InMemorySecrets;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.SwitchableAuditLog;
import dev.coffer.tck.support.TestValues;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's relay of audit outboxes ({@link AuditRelay}) over the in-memory parts, whose
 * stores keep a change's events in an outbox: a write during an audit log outage succeeds, and
 * its events reach the log once, at the first relay after the log is back; the outage is logged
 * once, its end once, with the count; the late events are counted in a metric.
 */
@ExtendWith(NoValueLeaks.class)
class AuditRelayTest {
    private static final Duration NEVER = Duration.ofDays(1);
    private static final String TENANT = ClaimMapping.DEFAULT_TENANT;

    private final InMemorySecrets parts = InMemorySecrets.create();
    private final SwitchableAuditLog audit = new SwitchableAuditLog(parts.auditLog());
    private final InMemoryBackend backend = new InMemoryBackend(parts, audit);
    private final Metrics metrics = new Metrics();
    private final AccessContext admin = AccessContext.of(new Principal("user:admin", TENANT, Set.of(AdminBootstrap.ADMIN_GROUP),
            false, null));
    private StandardSecretManager kernel;
    private Secret secret;

    @TempDir
    Path temp;

    @BeforeEach
    void aKernelOverInMemoryParts() {
        assertTrue(AdminBootstrap.ensurePolicy(backend.policyStore(), audit, backend.bootstrapRecord()));
        kernel = Kernel.standard(backend, metrics, List.of());
        secret = kernel.create(admin, NewSecret.builder(SecretPath.parse(TENANT, "prod/relay/db"), "payments").build());
    }

    @AfterEach
    void closeMetrics() {
        metrics.close();
    }

    @Test
    void aWriteDuringAnOutageSucceedsAndItsEventsReachTheLogOnceAfterTheNextRelay() {
        String value = TestValues.text();
        try (LogCapture log = LogCapture.start();
                AuditRelay relay = AuditRelay.start(kernel::relayAuditOutbox, true, metrics, NEVER)) {
            assertEquals(0, relay.relayNow(), "nothing waits while the log takes every event");
            audit.failAppends(true);
            try (SecretValue v = SecretValue.ofUtf8(value)) {
                assertEquals(1, kernel.addVersion(admin, secret.id(), NewVersion.current(v)).number(),
                        "a write on an outbox-keeping store succeeds while the audit log is down");
            }
            assertEquals(0, versionAdds(), "the write's events wait in the outbox, not in the log");
            Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE,
                    () -> kernel.read(admin, secret.path(), VersionSelector.current()));

            for (int tick = 0; tick < 3; tick++) {
                assertEquals(-1, relay.relayNow(), "a relay while the log is down fails, quietly");
            }
            assertEquals(1, relayRecords(log, Level.WARNING), () -> "one warning for the whole outage:\n" + log.text());
            assertEquals(0.0, relayedLate(), "nothing was relayed yet");

            audit.failAppends(false);
            int relayed = relay.relayNow();
            assertTrue(relayed >= 1, "the write's events (its VERSION_ADD, and the move of current) are relayed: " + relayed);
            assertEquals(1, versionAdds(), "the write's VERSION_ADD is in the log once");
            assertEquals(0, relay.relayNow(), "and the outbox is empty");
            assertEquals(1, versionAdds(), "a second relay appends nothing again");
            assertEquals(relayed, relayedLate(), "every event relayed late is counted");
            assertEquals(1, relayRecords(log, Level.WARNING), "no warning once the log is back");
            assertTrue(log.records().stream().anyMatch(r -> r.getLevel() == Level.INFO && isRelay(r)
                    && r.getMessage().contains("relayed " + relayed + " audit event")), () -> "an INFO line with the count:\n" + log.text());
            assertTrue(parts.auditLog().verify(TENANT).intact(), "the relayed events are chained like any other");

            try (SecretContent content = kernel.read(admin, secret.path(), VersionSelector.current())) {
                assertEquals(value, content.value().asUtf8(), "the write stands");
            }
            assertFalse(log.text().contains(value), "no value in the log lines");
        }
    }

    @Test
    void theTimerRelaysWithoutBeingAsked() {
        try (AuditRelay relay = AuditRelay.start(kernel::relayAuditOutbox, true, metrics, Duration.ofMillis(50))) {
            assertTrue(relay.periodic());
            audit.failAppends(true);
            try (SecretValue v = TestValues.value()) {
                kernel.addVersion(admin, secret.id(), NewVersion.current(v));
            }
            assertEquals(0, versionAdds());
            audit.failAppends(false);
            Await.until("the timer relays the write's events", () -> versionAdds() == 1);
            Await.until("the late events are counted", () -> relayedLate() >= 1);
        }
    }

    @Test
    void aStartUpDuringAnOutageIsNotFatalAndTheNextRelayCatchesUp() {
        audit.failAppends(true);
        try (SecretValue v = TestValues.value()) {
            kernel.addVersion(admin, secret.id(), NewVersion.current(v)); // as if the previous run had stopped now
        }
        try (LogCapture log = LogCapture.start(); AuditRelay relay = AuditRelay.start(kernel, backend, metrics)) {
            assertTrue(relay.periodic(), "the in-memory stores keep outboxes, so the relay runs every period");
            assertEquals(1, relayRecords(log, Level.WARNING), () -> "the failed start-up relay is one line:\n" + log.text());
            LogRecord warning = log.records().stream().filter(r -> r.getLevel() == Level.WARNING && isRelay(r)).findFirst().orElseThrow();
            assertTrue(warning.getMessage().contains("AUDIT_UNAVAILABLE") && warning.getThrown() == null,
                    "the warning names the code, with no stack trace: " + warning.getMessage());
            audit.failAppends(false);
            assertTrue(relay.relayNow() >= 0, "the next relay succeeds (the timer may have been first)");
            assertEquals(1, versionAdds(), "the events of the write are in the log once");
            assertEquals(1, relayRecords(log, Level.INFO), () -> "the end of the outage is one line:\n" + log.text());
        }
    }

    @Test
    void theInMemoryServerRelaysAndReportsTheMetric() throws Exception {
        Path data = temp.resolve("data");
        ServeOptions options = new ServeOptions("127.0.0.1", 0, data, null, null, true, false, JwtSettings.defaults());
        try (Coffer coffer = Coffer.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            String token = Files.readString(data.resolve(DataDir.ADMIN_TOKEN)).trim();
            HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + coffer.port() + "/metrics")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode(), scrape.body());
            assertTrue(scrape.body().lines().anyMatch(l -> l.startsWith("coffer_audit_relayed_late_total")),
                    () -> "the late-relay counter is exposed from the start:\n" + scrape.body());
            HttpResponse<String> audited = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + coffer.port() + "/v1/audit?principal=system:bootstrap"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, audited.statusCode(), audited.body());
            assertTrue(audited.body().contains("\"POLICY_PUT\""), () -> "the bootstrap's event reached the log: " + audited.body());
        }
    }

    @Test
    void theDurableServerKeepsNoOutboxSoNoRelayTimerRuns() {
        Path data = temp.resolve("durable");
        ServeOptions options = new ServeOptions("127.0.0.1", 0, data, null, null, false, false, JwtSettings.defaults());
        try (Coffer coffer = Coffer.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            assertFalse(coffer.auditRelay().periodic(), "JDBI appends a change's events in its own transaction");
            assertEquals(0, coffer.auditRelay().relayNow(), "and the relay has nothing to move");
        }
    }

    @Test
    void theInMemoryServerStopsItsRelayThreadWhenClosed() {
        Path data = temp.resolve("memory");
        ServeOptions options = new ServeOptions("127.0.0.1", 0, data, null, null, true, false, JwtSettings.defaults());
        AuditRelay relay;
        try (Coffer coffer = Coffer.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            relay = coffer.auditRelay();
            assertTrue(relay.periodic(), "--in-memory keeps events in outboxes, so they are relayed every period");
        }
        Await.until("the relay thread ends with the server",
                () -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("coffer-audit-relay") && t.isAlive()));
    }

    private int versionAdds() {
        return parts.auditLog().query(AuditQuery.tenant(TENANT).withSecret("prod", "relay/db").withEventType(AuditEventType.VERSION_ADD),
                PageRequest.first(100)).items().size();
    }

    private double relayedLate() {
        return metrics.registry().get(AuditRelay.RELAYED_LATE).counter().count();
    }

    private static long relayRecords(LogCapture log, Level level) {
        return log.records().stream().filter(r -> r.getLevel() == level && isRelay(r)).count();
    }

    private static boolean isRelay(LogRecord r) {
        return AuditRelay.class.getName().equals(r.getLoggerName());
    }
}
