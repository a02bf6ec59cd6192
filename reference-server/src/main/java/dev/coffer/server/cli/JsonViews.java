package dev.coffer.server.cli;

import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Conditions;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditSummary;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.SecretListItem;
import dev.coffer.spi.model.SecretVersion;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The API types as JSON-P objects with the field names of the REST bodies ({@code dev.coffer.server.api.dto}),
 * absent fields left out as the server leaves them out, for {@code -o json}. Built here with JSON-P
 * rather than through the server's JSON-B bodies, so that a client command loads no server classes.
 * Never given a value: {@code secret get -o json} builds its one value-bearing object itself.
 */
final class JsonViews {
    /** Looked up once: {@code Json.createObjectBuilder()} would search the service providers on every call. */
    static final JsonProvider JSON = JsonProvider.provider();

    private JsonViews() {}

    /** A secret's metadata, as {@code SecretBody}. */
    static JsonObject secret(Secret s) {
        JsonObjectBuilder o = JSON.createObjectBuilder().add("id", s.id()).add("environment", s.path().environment())
                .add("path", s.path().path());
        add(o, "ownerTeam", s.ownerTeam());
        add(o, "description", s.description());
        add(o, "rotationStrategy", s.rotationStrategy());
        add(o, "rotationPeriod", s.rotationPeriod() == null ? null : s.rotationPeriod().toString());
        if (s.labels() != null) {
            o.add("labels", strings(s.labels()));
        }
        add(o, "createdAt", s.createdAt());
        add(o, "updatedAt", s.updatedAt());
        add(o, "deletionScheduledAt", s.deletionScheduledAt());
        add(o, "lastRotatedAt", s.lastRotatedAt());
        add(o, "rotationDueAt", s.rotationDueAt().orElse(null));
        return o.build();
    }

    /** A list item, as {@code SecretListItemBody}: the metadata, {@code pendingDeletion} and {@code currentVersion}. */
    static JsonObject listItem(SecretListItem item) {
        JsonObjectBuilder o = JSON.createObjectBuilder(secret(item.secret())).add("pendingDeletion", item.secret().isPendingDeletion());
        item.currentVersion().ifPresent(v -> o.add("currentVersion", v));
        return o.build();
    }

    /** Metadata, versions and aliases, as {@code SecretDetailsBody}. */
    static JsonObject details(SecretDetails d) {
        return JSON.createObjectBuilder().add("secret", secret(d.secret())).add("versions", array(d.versions(), JsonViews::version))
                .add("aliases", aliases(d.aliases())).build();
    }

    /** A version, as {@code VersionBody}. */
    static JsonObject version(SecretVersion v) {
        JsonObjectBuilder o = JSON.createObjectBuilder().add("version", v.number()).add("status", v.status().name())
                .add("state", v.state().name());
        add(o, "createdBy", v.createdBy());
        add(o, "createdAt", v.createdAt());
        add(o, "expiresAt", v.expiresAt());
        add(o, "keyId", v.keyId());
        return o.build();
    }

    /** Alias name to version, as the {@code aliases} object of the bodies. */
    static JsonObject aliases(Aliases a) {
        JsonObjectBuilder o = JSON.createObjectBuilder();
        new TreeMap<>(a.byName()).forEach(o::add);
        return o.build();
    }

    /** {@code {"aliases": {...}}}, as {@code AliasesBody}. */
    static JsonObject aliasesBody(Aliases a) {
        return JSON.createObjectBuilder().add("aliases", aliases(a)).build();
    }

    /** A break-glass grant, as {@code GrantBody}. */
    static JsonObject grant(BreakGlassGrant g) {
        JsonObjectBuilder o = JSON.createObjectBuilder().add("id", g.id());
        add(o, "principal", g.principalId());
        o.add("resources", JSON.createArrayBuilder(g.resources()));
        add(o, "reason", g.reason());
        add(o, "ticketUrl", g.ticketUrl());
        add(o, "createdAt", g.createdAt());
        add(o, "expiresAt", g.expiresAt());
        return o.build();
    }

    /** An audit event, as {@code AuditEventBody}. */
    static JsonObject event(AuditEvent e) {
        JsonObjectBuilder o = JSON.createObjectBuilder().add("seq", e.seq());
        add(o, "id", e.id());
        o.add("eventType", e.eventType().name());
        add(o, "tenant", e.tenant());
        add(o, "environment", e.environment());
        add(o, "path", e.path());
        if (e.version() != null) {
            o.add("version", e.version());
        }
        add(o, "principal", e.principal());
        add(o, "action", e.action());
        add(o, "detail", e.detail());
        add(o, "sourceIp", e.sourceIp());
        add(o, "requestId", e.requestId());
        o.add("decision", e.decision().name());
        add(o, "reason", e.reason());
        add(o, "ticket", e.ticket());
        add(o, "createdAt", e.createdAt());
        add(o, "prevHash", e.prevHash());
        add(o, "hash", e.hash());
        return o.build();
    }

    /** The audit summary, as {@code AuditSummaryBody}. */
    static JsonObject summary(AuditSummary s) {
        JsonObjectBuilder o = JSON.createObjectBuilder();
        add(o, "since", s.since());
        add(o, "until", s.until());
        o.add("readsByPrincipal", counts(s.readsByPrincipal()))
                .add("readsBySecret", counts(s.readsBySecret()))
                .add("breakGlassReads", array(s.breakGlassReads(), JsonViews::event))
                .add("deniedReads", counts(s.deniedReads()))
                .add("rotationsByOwnerTeam", counts(s.rotationsByOwnerTeam()))
                .add("pastRotationPeriod", array(s.pastRotationPeriod(), r -> {
                    JsonObjectBuilder b = JSON.createObjectBuilder();
                    add(b, "secretId", r.secretId());
                    add(b, "path", r.path());
                    add(b, "ownerTeam", r.ownerTeam());
                    add(b, "dueAt", r.dueAt());
                    return b.build();
                }));
        return o.build();
    }

    /** The verification result, as {@code VerificationBody}: {@code firstBrokenSeq} only when the chain is broken. */
    static JsonObject verification(AuditVerification v) {
        JsonObjectBuilder o = JSON.createObjectBuilder().add("intact", v.intact());
        add(o, "tenant", v.tenant());
        o.add("eventsChecked", v.eventsChecked()).add("firstSeq", v.firstSeq()).add("lastSeq", v.lastSeq())
                .add("checkpointsChecked", v.checkpointsChecked());
        if (!v.intact()) {
            o.add("firstBrokenSeq", v.firstBrokenSeq());
        }
        add(o, "problem", v.problem());
        return o.build();
    }

    /** A policy, as {@code PolicyBody}. */
    static JsonObject policy(Policy p) {
        JsonObjectBuilder o = JSON.createObjectBuilder().add("name", p.name()).add("effect", p.effect().name().toLowerCase(Locale.ROOT))
                .add("principals", JSON.createArrayBuilder(p.principals()))
                .add("actions", JSON.createArrayBuilder(p.actions()))
                .add("resources", JSON.createArrayBuilder(p.resources()));
        if (p.conditions() != null) {
            Conditions c = p.conditions();
            o.add("conditions", JSON.createObjectBuilder().add("mfa", c.mfa()).add("ticketRequired", c.ticketRequired())
                    .add("sourceCidr", JSON.createArrayBuilder(c.sourceCidr()))
                    .add("sourceCluster", JSON.createArrayBuilder(c.sourceCluster())));
        }
        return o.build();
    }

    /** A list response, as {@code PageBody}: {@code items} and, unless this is the last page, {@code nextPageToken}. */
    static <T> JsonObject page(Page<T> page, Function<T, JsonObject> item) {
        JsonObjectBuilder o = JSON.createObjectBuilder().add("items", array(page.items(), item));
        add(o, "nextPageToken", page.nextPageToken());
        return o.build();
    }

    /** A complete list, as {@code PageBody} without a next page. */
    static <T> JsonObject items(List<T> items, Function<T, JsonObject> item) {
        return JSON.createObjectBuilder().add("items", array(items, item)).build();
    }

    private static <T> JsonArrayBuilder array(Collection<T> items, Function<T, JsonObject> item) {
        JsonArrayBuilder a = JSON.createArrayBuilder();
        items.forEach(i -> a.add(item.apply(i)));
        return a;
    }

    private static JsonObjectBuilder strings(Map<String, String> map) {
        JsonObjectBuilder o = JSON.createObjectBuilder();
        new TreeMap<>(map).forEach(o::add);
        return o;
    }

    private static JsonObjectBuilder counts(Map<String, Long> map) {
        JsonObjectBuilder o = JSON.createObjectBuilder();
        new TreeMap<>(map).forEach(o::add);
        return o;
    }

    private static void add(JsonObjectBuilder o, String name, String value) {
        if (value != null) {
            o.add(name, value);
        }
    }

    private static void add(JsonObjectBuilder o, String name, Instant value) {
        if (value != null) {
            o.add(name, value.toString());
        }
    }
}
