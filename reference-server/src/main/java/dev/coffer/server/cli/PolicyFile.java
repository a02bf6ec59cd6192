package dev.coffer.server.cli;

import dev.coffer.spi.access.Conditions;
import dev.coffer.spi.access.Effect;
import dev.coffer.spi.access.Policy;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A policy file for {@code coffer policy put}: the JSON body of {@code PUT /v1/policies/{name}}
 * ({@code effect}, {@code principals}, {@code actions}, {@code resources}, optional {@code conditions}
 * and {@code name}), read strictly: an unknown field or a wrong type is refused with the field's
 * name, as the server refuses it, before any request.
 *
 * <pre>{@code
 * {"effect": "allow", "principals": ["service:prod:payments-api"],
 *  "actions": ["secrets:read"], "resources": ["prod/payments/*"]}
 * }</pre>
 */
final class PolicyFile {
    private static final Set<String> FIELDS = Set.of("name", "effect", "principals", "actions", "resources", "conditions");
    private static final Set<String> CONDITIONS = Set.of("mfa", "ticketRequired", "sourceCidr", "sourceCluster");

    private PolicyFile() {}

    /** The policy {@code name} in {@code file}, or on standard input when {@code file} is {@code null}. */
    static Policy read(String name, Path file) {
        JsonObject o;
        String where = file == null ? "standard input" : "the file " + file;
        try (InputStream in = file == null ? System.in : Files.newInputStream(file); JsonReader reader = Json.createReader(in)) {
            o = reader.readObject();
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the policy from " + where);
        } catch (JsonException | IllegalStateException e) {
            throw invalid("the policy in " + where + " is not a JSON object");
        }
        unknown(o, FIELDS, "");
        if (o.containsKey("name") && !(o.get("name") instanceof JsonString s && s.getString().equals(name))) {
            throw invalid("the file's 'name' differs from the policy name " + name + "; leave it out or make them equal");
        }
        Effect effect = switch (text(o, "effect").toLowerCase(Locale.ROOT)) {
            case "allow" -> Effect.ALLOW;
            case "deny" -> Effect.DENY;
            default -> throw invalid("effect must be allow or deny");
        };
        Conditions conditions = Conditions.none();
        if (o.containsKey("conditions") && o.get("conditions") != JsonValue.NULL) {
            if (!(o.get("conditions") instanceof JsonObject c)) {
                throw invalid("conditions must be an object");
            }
            unknown(c, CONDITIONS, "conditions.");
            conditions = new Conditions(bool(c, "mfa"), bool(c, "ticketRequired"), strings(c, "sourceCidr", true),
                    strings(c, "sourceCluster", true));
        }
        return new Policy(name, effect, strings(o, "principals", false), strings(o, "actions", false), strings(o, "resources", false),
                conditions);
    }

    private static void unknown(JsonObject o, Set<String> known, String prefix) {
        for (String key : o.keySet()) {
            if (!known.contains(key)) {
                throw invalid("unknown field '" + prefix + Table.clean(key) + "'; a policy has " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private static String text(JsonObject o, String field) {
        if (!(o.get(field) instanceof JsonString s)) {
            throw invalid("'" + field + "' must be a string");
        }
        return s.getString();
    }

    private static boolean bool(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return false;
        }
        if (v != JsonValue.TRUE && v != JsonValue.FALSE) {
            throw invalid("'conditions." + field + "' must be true or false");
        }
        return v == JsonValue.TRUE;
    }

    private static List<String> strings(JsonObject o, String field, boolean optional) {
        JsonValue v = o.get(field);
        if ((v == null || v == JsonValue.NULL) && optional) {
            return List.of();
        }
        if (!(v instanceof JsonArray array)) {
            throw invalid("'" + field + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonValue item : array) {
            if (!(item instanceof JsonString s)) {
                throw invalid("'" + field + "' must be an array of strings");
            }
            out.add(s.getString());
        }
        return out;
    }

    private static CliException invalid(String message) {
        return new CliException(ExitCodes.INVALID, "INVALID_POLICY: " + message + "; nothing was sent");
    }
}
