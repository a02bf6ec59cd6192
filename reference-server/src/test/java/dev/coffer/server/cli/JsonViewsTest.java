package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.coffer.server.api.dto.AliasesBody;
import dev.coffer.server.api.dto.AuditEventBody;
import dev.coffer.server.api.dto.AuditSummaryBody;
import dev.coffer.server.api.dto.GrantBody;
import dev.coffer.server.api.dto.PolicyBody;
import dev.coffer.server.api.dto.SecretBody;
import dev.coffer.server.api.dto.SecretDetailsBody;
import dev.coffer.server.api.dto.SecretListItemBody;
import dev.coffer.server.api.dto.VerificationBody;
import dev.coffer.server.api.dto.VersionBody;
import dev.coffer.server.api.json.StrictJson;
import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Conditions;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditSummary;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.SecretListItem;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.model.VersionStatus;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * {@code -o json} prints what the REST API answers: for the same API object, the CLI's JSON-P view
 * equals the server's JSON-B body (field names, absent fields left out, values).
 */
class JsonViewsTest {
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    private static final Secret SECRET = new Secret("sec_abc", SecretPath.of("default", "prod", "db/password"), "payments",
            "orders DB", "manual-overlap", Duration.ofDays(90), Map.of("tier", "1", "app", "orders"), T0, T0.plusSeconds(60),
            null, T0.plusSeconds(30));
    private static final SecretVersion VERSION = new SecretVersion(2, VersionState.ENABLED, VersionStatus.CURRENT, "user:admin", T0,
            null, "key-1");
    private static final AuditEvent EVENT = new AuditEvent(7, "Ev3nt-1d_x", AuditEventType.BREAK_GLASS_READ, "default", "prod", "db/password", 2,
            "user:oncall", "secrets:read-break-glass", "grant=bg_1", null, "req-1", Decision.ALLOW, "INC-42", "https://t/42", T0,
            "aa", "bb");

    private static JsonObject rest(Object body) {
        try (JsonReader reader = Json.createReader(new StringReader(StrictJson.jsonb().toJson(body)))) {
            return reader.readObject();
        }
    }

    @Test
    void secretMetadataHasTheRestFieldNames() {
        assertEquals(rest(SecretBody.from(SECRET)), JsonViews.secret(SECRET));
        Secret pending = SECRET.withDeletionScheduledAt(T0.plusSeconds(3600), T0);
        assertEquals(rest(SecretBody.from(pending)), JsonViews.secret(pending));
    }

    @Test
    void listItemsHaveTheRestFieldNames() {
        SecretListItem current = new SecretListItem(SECRET, OptionalInt.of(3));
        assertEquals(rest(SecretListItemBody.from(current)), JsonViews.listItem(current));
        SecretListItem pending = new SecretListItem(SECRET.withDeletionScheduledAt(T0.plusSeconds(3600), T0), OptionalInt.empty());
        assertEquals(rest(SecretListItemBody.from(pending)), JsonViews.listItem(pending));
    }

    @Test
    void detailsVersionsAndAliasesHaveTheRestFieldNames() {
        Aliases aliases = new Aliases(Map.of("current", 2, "previous", 1, "blue", 2));
        SecretVersion old = new SecretVersion(1, VersionState.DISABLED, VersionStatus.DISABLED, "user:admin", T0, T0.plusSeconds(5), "key-1");
        SecretDetails details = new SecretDetails(SECRET, List.of(old, VERSION), aliases);
        assertEquals(rest(SecretDetailsBody.from(details)), JsonViews.details(details));
        assertEquals(rest(VersionBody.from(VERSION)), JsonViews.version(VERSION));
        assertEquals(rest(AliasesBody.from(aliases)), JsonViews.aliasesBody(aliases));
    }

    @Test
    void auditEventsSummaryAndVerificationHaveTheRestFieldNames() {
        assertEquals(rest(AuditEventBody.from(EVENT)), JsonViews.event(EVENT));
        assertEquals("Ev3nt-1d_x", JsonViews.event(EVENT).getString("id"), "the event id is printed");
        // An event chained before events had ids has none, on the wire and in the CLI alike.
        AuditEvent legacy = new AuditEvent(EVENT.seq(), null, EVENT.eventType(), EVENT.tenant(), EVENT.environment(), EVENT.path(),
                EVENT.version(), EVENT.principal(), EVENT.action(), EVENT.detail(), EVENT.sourceIp(), EVENT.requestId(),
                EVENT.decision(), EVENT.reason(), EVENT.ticket(), EVENT.createdAt(), EVENT.prevHash(), EVENT.hash());
        assertEquals(rest(AuditEventBody.from(legacy)), JsonViews.event(legacy));
        assertFalse(JsonViews.event(legacy).containsKey("id"), "no id is invented for an event that has none");
        AuditSummary summary = new AuditSummary(T0, T0.plusSeconds(86_400), Map.of("user:a", 3L), Map.of("prod/db/password", 3L),
                List.of(EVENT), Map.of("user:b", 1L), Map.of("payments", 2L),
                List.of(new AuditSummary.OverdueRotation("sec_abc", "prod/db/password", "payments", T0)));
        assertEquals(rest(AuditSummaryBody.from(summary)), JsonViews.summary(summary));
        AuditVerification broken = AuditVerification.broken("default", 10, 1, 10, 2, 4, "hash mismatch");
        assertEquals(rest(VerificationBody.from(broken)), JsonViews.verification(broken));
    }

    @Test
    void anIntactChainHasNoFirstBrokenSeq() {
        AuditVerification ok = AuditVerification.ok("default", 10, 1, 10, 2);
        JsonObject intact = JsonViews.verification(ok);
        assertEquals(rest(VerificationBody.from(ok)), intact);
        assertEquals(Json.createObjectBuilder().add("intact", true).add("tenant", "default").add("eventsChecked", 10).add("firstSeq", 1)
                .add("lastSeq", 10).add("checkpointsChecked", 2).build(), intact);
    }

    @Test
    void grantsAndPoliciesHaveTheRestFieldNames() {
        BreakGlassGrant grant = new BreakGlassGrant("bg_1", "default", "user:oncall", List.of("prod/db/*"), "INC-42", "https://t/42",
                T0, T0.plusSeconds(1800));
        assertEquals(rest(GrantBody.from(grant)), JsonViews.grant(grant));
        Policy policy = Policy.allow("payments-read", List.of("service:prod:payments-api"), List.of("secrets:read"),
                List.of("prod/payments/*")).withConditions(Conditions.none().withTicketRequired().withSourceCidr("10.0.0.0/8"));
        assertEquals(rest(PolicyBody.from(policy)), JsonViews.policy(policy));
    }
}
