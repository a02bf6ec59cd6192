package dev.coffer.server.cli;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Rotation statuses and runs, from the server's JSON, as text for people: labelled lines and a table. */
final class RotationText {
    private RotationText() {}

    /** {@code rotation show}: the policy, the times, and the open and last runs. */
    static String status(JsonObject s) {
        JsonObject p = s.getJsonObject("policy");
        StringBuilder out = new StringBuilder();
        out.append(line("Secret", text(s, "environment") + "/" + text(s, "path") + "  (" + text(s, "secretId") + ")")).append('\n');
        if (p != null) {
            out.append(line("Rotator", text(p, "rotator") + (p.getBoolean("enabled", true) ? "" : " (disabled)"))).append('\n');
            out.append(line("Schedule", text(p, "schedule"))).append('\n');
            out.append(line("Window", duration(p, "window")) + "   overlap " + duration(p, "overlap") + "   canary "
                    + duration(p, "canary") + "   max attempts " + (p.containsKey("maxAttempts") ? p.get("maxAttempts").toString() : "-"))
                    .append('\n');
            out.append(line("Params", params(p.getJsonObject("params")))).append('\n');
        }
        out.append(line("Last rotated", s.containsKey("lastRotatedAt") ? text(s, "lastRotatedAt") : "never")).append('\n');
        out.append(line("Next rotation", (s.containsKey("nextRotationAt") ? text(s, "nextRotationAt") : "-")
                + (s.getBoolean("overdue", false) ? "  OVERDUE" : ""))).append('\n');
        JsonObject open = object(s, "openRun");
        JsonObject last = object(s, "lastRun");
        out.append(line("Open run", open == null ? "none" : runLine(open)));
        if (last != null && (open == null || !text(open, "id").equals(text(last, "id")))) {
            out.append('\n').append(line("Last run", runLine(last)));
        }
        return out.toString();
    }

    /** One run on one line: id, state, next step, attempts, last error, when. */
    static String runLine(JsonObject r) {
        StringBuilder out = new StringBuilder(text(r, "id")).append(' ').append(text(r, "state"));
        if (r.containsKey("step")) {
            out.append(" (next: ").append(text(r, "step")).append(')');
        }
        if (r.getBoolean("testOnly", false)) {
            out.append(" test-only");
        }
        if (r.getBoolean("cancelRequested", false)) {
            out.append(" cancel requested");
        }
        int attempt = r.containsKey("attempt") ? r.getInt("attempt") : 0;
        if (attempt > 0) {
            out.append(", ").append(attempt).append(attempt == 1 ? " failed attempt" : " failed attempts");
        }
        if (r.containsKey("lastErrorCode")) {
            out.append(", last error ").append(text(r, "lastErrorCode"));
        }
        if (r.containsKey("finishedAt")) {
            out.append(", ended ").append(text(r, "finishedAt"));
        } else if (r.containsKey("nextAttemptAt")) {
            out.append(", next at ").append(text(r, "nextAttemptAt"));
        }
        return Table.clean(out.toString());
    }

    /** {@code rotation list}: one row per secret. */
    static String list(JsonObject page) {
        Table table = new Table("SECRET", "ID", "ROTATOR", "SCHEDULE", "LAST ROTATED", "NEXT ROTATION", "OVERDUE", "LAST RUN", "ERROR");
        for (JsonValue v : page.getJsonArray("items")) {
            JsonObject s = v.asJsonObject();
            JsonObject p = object(s, "policy");
            JsonObject last = object(s, "lastRun");
            table.row(text(s, "environment") + "/" + text(s, "path"), text(s, "secretId"), p == null ? null : text(p, "rotator"),
                    p == null ? null : text(p, "schedule"), nullable(s, "lastRotatedAt"), nullable(s, "nextRotationAt"),
                    s.getBoolean("overdue", false) ? "yes" : "no", last == null ? null : text(last, "state"),
                    last == null ? null : nullable(last, "lastErrorCode"));
        }
        String next = page.containsKey("nextPageToken") ? "\nmore: --page-token " + text(page, "nextPageToken") : "";
        return (table.isEmpty() ? "no rotation policies" : table.toString()) + next;
    }

    /** The aliases after a rollback: {@code current -> 2, previous -> 3}. */
    static String aliases(JsonObject body) {
        JsonObject aliases = object(body, "aliases");
        if (aliases == null || aliases.isEmpty()) {
            return "no aliases";
        }
        return Table.clean(new TreeMap<>(aliases).entrySet().stream().map(e -> e.getKey() + " -> " + e.getValue())
                .collect(Collectors.joining(", ")));
    }

    private static String params(JsonObject params) {
        if (params == null || params.isEmpty()) {
            return "none";
        }
        Map<String, String> sorted = new TreeMap<>();
        params.forEach((k, v) -> sorted.put(k, v.getValueType() == JsonValue.ValueType.STRING ? params.getString(k) : v.toString()));
        return sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String duration(JsonObject o, String field) {
        String iso = nullable(o, field);
        if (iso == null) {
            return "-";
        }
        try {
            Duration d = Duration.parse(iso);
            return d.isZero() ? "none" : Times.format(d);
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    private static JsonObject object(JsonObject o, String field) {
        JsonValue v = o.get(field);
        return v != null && v.getValueType() == JsonValue.ValueType.OBJECT ? v.asJsonObject() : null;
    }

    private static String nullable(JsonObject o, String field) {
        JsonValue v = o.get(field);
        return v == null || v.getValueType() == JsonValue.ValueType.NULL ? null : text(o, field);
    }

    private static String text(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return "-";
        }
        return v.getValueType() == JsonValue.ValueType.STRING ? o.getString(field) : v.toString();
    }

    private static String line(String label, String value) {
        return String.format("%-14s %s", label + ":", Table.clean(value));
    }
}
