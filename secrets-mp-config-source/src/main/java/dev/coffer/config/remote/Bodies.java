package dev.coffer.config.remote;

import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Conditions;
import dev.coffer.spi.access.Effect;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditSummary;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.model.VersionStatus;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The server's JSON bodies (see {@code dev.coffer.server.api.dto}) to and from the API types.
 * Never handles a value: {@link RemoteSecretManager} treats the one value-bearing body itself.
 */
final class Bodies {
    static final JsonProvider JSON = provider();

    private Bodies() {}

    /**
     * The JSON-P provider beside this class. {@link JsonProvider#provider()} searches the thread's
     * context class loader, and the cache's fetch threads deliberately hold none, so it would search
     * the system class loader: under Quarkus dev mode (layered class loaders) that finds a provider
     * of another copy of the JSON-P API and fails with {@code ServiceConfigurationError}.
     */
    private static JsonProvider provider() {
        return ServiceLoader.load(JsonProvider.class, Bodies.class.getClassLoader()).findFirst()
                .orElseGet(JsonProvider::provider);
    }

    // ------------------------------------------------------------------ responses

    static Secret secret(String tenant, JsonObject o) {
        String period = text(o, "rotationPeriod");
        return new Secret(text(o, "id"), SecretPath.of(tenant, text(o, "environment"), text(o, "path")), text(o, "ownerTeam"),
                text(o, "description"), text(o, "rotationStrategy"), period == null ? null : Duration.parse(period),
                stringMap(o, "labels"), instant(o, "createdAt"), instant(o, "updatedAt"), instant(o, "deletionScheduledAt"),
                instant(o, "lastRotatedAt"));
    }

    static SecretVersion version(JsonObject o) {
        return new SecretVersion(o.getInt("version"), VersionState.valueOf(text(o, "state")),
                VersionStatus.valueOf(text(o, "status")), text(o, "createdBy"), instant(o, "createdAt"),
                instant(o, "expiresAt"), text(o, "keyId"));
    }

    static SecretDetails details(String tenant, JsonObject o) {
        return new SecretDetails(secret(tenant, o.getJsonObject("secret")), versions(o.getJsonArray("versions")),
                aliases(o.getJsonObject("aliases")));
    }

    static List<SecretVersion> versions(JsonArray items) {
        List<SecretVersion> out = new ArrayList<>();
        for (JsonValue v : items) {
            out.add(version(v.asJsonObject()));
        }
        return out;
    }

    static Aliases aliases(JsonObject o) {
        Map<String, Integer> byName = new LinkedHashMap<>();
        if (o != null) {
            o.forEach((name, v) -> byName.put(name, ((JsonNumber) v).intValue()));
        }
        return new Aliases(byName);
    }

    static Policy policy(JsonObject o) {
        Effect effect = "deny".equals(String.valueOf(text(o, "effect")).toLowerCase(Locale.ROOT)) ? Effect.DENY : Effect.ALLOW;
        JsonObject c = o.containsKey("conditions") && !o.isNull("conditions") ? o.getJsonObject("conditions") : null;
        Conditions conditions = c == null ? Conditions.none()
                : new Conditions(bool(c, "mfa"), bool(c, "ticketRequired"), strings(c, "sourceCidr"), strings(c, "sourceCluster"));
        return new Policy(text(o, "name"), effect, strings(o, "principals"), strings(o, "actions"), strings(o, "resources"),
                conditions);
    }

    static BreakGlassGrant grant(String tenant, JsonObject o) {
        return new BreakGlassGrant(text(o, "id"), tenant, text(o, "principal"), strings(o, "resources"), text(o, "reason"),
                text(o, "ticketUrl"), instant(o, "createdAt"), instant(o, "expiresAt"));
    }

    static AuditEvent event(JsonObject o) {
        // "id" is absent from events chained before ids existed, and from servers older than ids.
        return new AuditEvent(o.getJsonNumber("seq").longValue(), text(o, "id"), AuditEventType.valueOf(text(o, "eventType")),
                text(o, "tenant"), text(o, "environment"), text(o, "path"),
                o.containsKey("version") && !o.isNull("version") ? Integer.valueOf(o.getInt("version")) : null,
                text(o, "principal"), text(o, "action"), text(o, "detail"), text(o, "sourceIp"), text(o, "requestId"),
                Decision.valueOf(text(o, "decision")), text(o, "reason"), text(o, "ticket"), instant(o, "createdAt"),
                text(o, "prevHash"), text(o, "hash"));
    }

    static AuditSummary summary(JsonObject o) {
        List<AuditEvent> breakGlass = new ArrayList<>();
        for (JsonValue v : array(o, "breakGlassReads")) {
            breakGlass.add(event(v.asJsonObject()));
        }
        List<AuditSummary.OverdueRotation> overdue = new ArrayList<>();
        for (JsonValue v : array(o, "pastRotationPeriod")) {
            JsonObject r = v.asJsonObject();
            overdue.add(new AuditSummary.OverdueRotation(text(r, "secretId"), text(r, "path"), text(r, "ownerTeam"),
                    instant(r, "dueAt")));
        }
        return new AuditSummary(instant(o, "since"), instant(o, "until"), longMap(o, "readsByPrincipal"),
                longMap(o, "readsBySecret"), breakGlass, longMap(o, "deniedReads"), longMap(o, "rotationsByOwnerTeam"), overdue);
    }

    static AuditVerification verification(JsonObject o) {
        return new AuditVerification(o.getBoolean("intact"), text(o, "tenant"), o.getJsonNumber("eventsChecked").longValue(),
                optionalLong(o, "firstSeq"), optionalLong(o, "lastSeq"), optionalLong(o, "checkpointsChecked"),
                o.get("firstBrokenSeq") instanceof JsonNumber broken ? broken.longValue() : 0L, text(o, "problem"));
    }

    // Figures a server before per-tenant verification did not send read as 0.
    private static long optionalLong(JsonObject o, String name) {
        return o.containsKey(name) && !o.isNull(name) ? o.getJsonNumber(name).longValue() : 0;
    }

    // ------------------------------------------------------------------ requests

    static JsonObject policyBody(Policy p) {
        Conditions c = p.conditions();
        return JSON.createObjectBuilder()
                .add("name", p.name())
                .add("effect", p.effect().name().toLowerCase(Locale.ROOT))
                .add("principals", array(p.principals()))
                .add("actions", array(p.actions()))
                .add("resources", array(p.resources()))
                .add("conditions", JSON.createObjectBuilder()
                        .add("mfa", c.mfa())
                        .add("ticketRequired", c.ticketRequired())
                        .add("sourceCidr", array(c.sourceCidr()))
                        .add("sourceCluster", array(c.sourceCluster())))
                .build();
    }

    static JsonArrayBuilder array(List<String> values) {
        JsonArrayBuilder out = JSON.createArrayBuilder();
        values.forEach(out::add);
        return out;
    }

    static JsonObjectBuilder object(Map<String, String> values) {
        JsonObjectBuilder out = JSON.createObjectBuilder();
        values.forEach(out::add);
        return out;
    }

    // ------------------------------------------------------------------ fields

    static String text(JsonObject o, String field) {
        JsonValue v = o.get(field);
        return v instanceof JsonString s ? s.getString() : null;
    }

    /** A number field, empty when absent or null. */
    static java.util.OptionalInt optionalInt(JsonObject o, String field) {
        JsonValue v = o.get(field);
        return v instanceof jakarta.json.JsonNumber n ? java.util.OptionalInt.of(n.intValueExact()) : java.util.OptionalInt.empty();
    }

    static Instant instant(JsonObject o, String field) {
        String t = text(o, field);
        return t == null ? null : Instant.parse(t);
    }

    private static boolean bool(JsonObject o, String field) {
        return o.get(field) == JsonValue.TRUE;
    }

    static JsonArray array(JsonObject o, String field) {
        JsonValue v = o.get(field);
        return v instanceof JsonArray a ? a : JsonValue.EMPTY_JSON_ARRAY;
    }

    private static List<String> strings(JsonObject o, String field) {
        List<String> out = new ArrayList<>();
        for (JsonValue v : array(o, field)) {
            out.add(((JsonString) v).getString());
        }
        return out;
    }

    private static Map<String, String> stringMap(JsonObject o, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o.get(field) instanceof JsonObject m) {
            m.forEach((k, v) -> out.put(k, ((JsonString) v).getString()));
        }
        return out;
    }

    private static Map<String, Long> longMap(JsonObject o, String field) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (o.get(field) instanceof JsonObject m) {
            m.forEach((k, v) -> out.put(k, ((JsonNumber) v).longValue()));
        }
        return out;
    }
}
