package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.TestServer;
import dev.coffer.spi.access.Policy;
import dev.coffer.tck.support.TestValues;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verbs of issue 11 and the human output, run in-process against the real standalone server:
 * rollback, promote by alias, update, break-glass, audit query paging and times, text and JSON output,
 * one-line errors with the request id. Every byte printed (but {@code secret get}'s value) is scanned
 * for the values put in.
 */
class CliVerbsTest {
    private static final Pattern REQUEST_ID = Pattern.compile("request ([0-9a-f-]{36})");

    private static TestServer server;
    private static Path adminTokenFile;
    private final List<String> values = new ArrayList<>();
    private final List<String> printed = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start();
        adminTokenFile = dir.resolve("admin.token");
        Files.writeString(adminTokenFile, server.adminToken);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void noValueWasPrinted() {
        for (String value : values) {
            for (String text : printed) {
                assertFalse(text.contains(value), "a value was printed");
            }
        }
    }

    private CliRun cli(String stdin, String... args) {
        return as(adminTokenFile, stdin, args);
    }

    private CliRun as(Path tokenFile, String stdin, String... args) {
        CliRun run = CliRun.run(Map.of(ClientOptions.ENV_URL, server.base().toString(), ClientOptions.ENV_TOKEN_FILE, tokenFile.toString()),
                stdin, args);
        if (!(args.length > 1 && args[0].equals("secret") && args[1].equals("get"))) {
            printed.add(run.out());
        }
        printed.add(run.err());
        return run;
    }

    private static CliRun ok(CliRun run) {
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        return run;
    }

    private String value() {
        String v = TestValues.text();
        values.add(v);
        return v;
    }

    /** Creates {@code name} with {@code n} current versions added one after the other. */
    private String secretWithVersions(String name, int n) {
        String id = server.create(name.substring(0, name.indexOf('/')), name.substring(name.indexOf('/') + 1));
        for (int i = 0; i < n; i++) {
            ok(cli(value(), "secret", "put", name));
        }
        return id;
    }

    private static JsonObject aliases(String id) {
        return server.get("v1/secrets/" + id).json().getJsonObject("aliases");
    }

    private static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static List<JsonObject> audit(String query) {
        List<JsonObject> out = new ArrayList<>();
        for (JsonValue v : server.get("v1/audit?limit=1000&" + query).json().getJsonArray("items")) {
            out.add(v.asJsonObject());
        }
        return out;
    }

    private Path tokenFile(String subject) throws IOException {
        Path file = Files.createTempFile(dir, subject, ".token");
        Files.writeString(file, server.token(subject));
        return file;
    }

    // ---- rollback

    @Test
    void rollbackMakesThePreviousVersionCurrentAgain() {
        String id = secretWithVersions("prod/rollback/db", 2);
        CliRun run = ok(cli(null, "secret", "rollback", "prod/rollback/db", "--reason", "bad deploy"));
        assertTrue(run.out().contains("rolled back prod/rollback/db: current 2 -> 1 (previous is now 2)"), run.out());
        assertEquals(1, aliases(id).getInt("current"));
        assertEquals(2, aliases(id).getInt("previous"));
        List<JsonObject> moves = audit("environment=prod&path=rollback/db&type=ALIAS_MOVE");
        assertEquals("bad deploy", moves.get(moves.size() - 1).getString("reason"), "the reason reached the audit");
    }

    @Test
    void rollbackWithoutAPreviousVersionFailsAndChangesNothing() {
        String id = secretWithVersions("prod/rollback/single", 1);
        CliRun run = cli(null, "secret", "rollback", "prod/rollback/single");
        assertEquals(ExitCodes.NOT_FOUND, run.exit(), run.toString());
        assertTrue(run.err().startsWith("coffer: ALIAS_NOT_FOUND: prod/rollback/single has no previous version to roll back to"), run.err());
        assertEquals(Json.createObjectBuilder().add("current", 1).build(), aliases(id));
    }

    @Test
    void rollbackToADisabledPreviousVersionIsRefusedAndChangesNothing() {
        String id = secretWithVersions("prod/rollback/disabled", 2);
        ok(cli(null, "secret", "disable", "prod/rollback/disabled", "1"));
        CliRun run = cli(null, "secret", "rollback", "prod/rollback/disabled");
        assertEquals(ExitCodes.CONFLICT, run.exit(), run.toString());
        assertTrue(run.err().contains("the previous version 1 of prod/rollback/disabled is DISABLED; enable it first"), run.err());
        assertEquals(2, aliases(id).getInt("current"));
    }

    @Test
    void rollbackStartsFromTheCurrentVersionTheServerHolds() {
        String id = secretWithVersions("prod/rollback/race", 3);
        CliRun stale = cli(null, "secret", "promote", "prod/rollback/race", "1", "--expected", "2");
        assertEquals(ExitCodes.CONFLICT, stale.exit(), stale.toString());
        ok(cli(null, "secret", "rollback", "prod/rollback/race"));
        assertEquals(2, aliases(id).getInt("current"));
        assertEquals(3, aliases(id).getInt("previous"));
    }

    // ---- promote by number, previous or alias name

    @Test
    void promoteTakesPreviousOrAnyAliasName() {
        String id = secretWithVersions("prod/promote/alias", 1);
        ok(cli(value(), "secret", "put", "prod/promote/alias", "--pending"));
        ok(cli(null, "secret", "alias", "prod/promote/alias", "blue", "2", "--expected", "none"));
        CliRun blue = ok(cli(null, "secret", "promote", "prod/promote/alias", "blue", "--expected", "1"));
        assertTrue(blue.out().startsWith("current -> 2"), blue.out());
        assertEquals(2, aliases(id).getInt("current"));
        ok(cli(null, "secret", "promote", "prod/promote/alias", "previous", "--expected", "2"));
        assertEquals(1, aliases(id).getInt("current"));
        assertEquals(2, aliases(id).getInt("previous"));
    }

    @Test
    void promoteOfAnUnsetAliasFailsAndChangesNothing() {
        String id = secretWithVersions("prod/promote/unset", 1);
        CliRun run = cli(null, "secret", "promote", "prod/promote/unset", "green", "--expected", "1");
        assertEquals(ExitCodes.NOT_FOUND, run.exit(), run.toString());
        assertTrue(run.err().contains("alias 'green' of prod/promote/unset is not set"), run.err());
        assertEquals(1, aliases(id).getInt("current"));
    }

    @Test
    void aStalePromoteIsAOneLineConflictWithTheRequestIdTheAuditRecorded() {
        String id = secretWithVersions("prod/promote/stale", 2);
        CliRun run = cli(null, "secret", "promote", "prod/promote/stale", "1", "--expected", "1");
        assertEquals(ExitCodes.CONFLICT, run.exit(), run.toString());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("coffer: VERSION_CONFLICT: "), run.err());
        Matcher m = REQUEST_ID.matcher(run.err());
        assertTrue(m.find(), run.err());
        String requestId = m.group(1);
        assertTrue(audit("environment=prod&path=promote/stale").stream().anyMatch(e -> requestId.equals(e.getString("requestId"))
                && e.getString("eventType").equals("ALIAS_MOVE") && !e.getString("decision").equals("ALLOW")),
                "the printed request id is the audited one");
        assertEquals(2, aliases(id).getInt("current"));
    }

    // ---- update

    @Test
    void updateChangesWhatIsGivenAndKeepsTheRest() {
        ok(cli(null, "secret", "create", "prod/update/db", "--owner-team", "payments", "--label", "tier=1", "--description", "old"));
        CliRun run = ok(cli(null, "secret", "update", "prod/update/db", "--description", "orders DB", "--rotation-period", "30d",
                "--owner-team", "platform"));
        assertTrue(run.out().contains("every 30d") && run.out().contains("platform"), run.out());
        CliRun json = ok(cli(null, "secret", "describe", "prod/update/db", "-o", "json"));
        JsonObject secret = json(json.out()).getJsonObject("secret");
        assertEquals("orders DB", secret.getString("description"));
        assertEquals("platform", secret.getString("ownerTeam"));
        assertEquals("PT720H", secret.getString("rotationPeriod"));
        assertEquals(Json.createObjectBuilder().add("tier", "1").build(), secret.getJsonObject("labels"), "labels kept");
    }

    @Test
    void updateWithNothingToChangeSendsNothing() throws IOException {
        try (RecordingServer recorder = new RecordingServer()) {
            CliRun run = CliRun.run(Map.of(ClientOptions.ENV_URL, recorder.url(), ClientOptions.ENV_TOKEN, "t"), null,
                    "secret", "update", "prod/update/none");
            assertEquals(ExitCodes.USAGE, run.exit(), run.toString());
            assertTrue(run.err().contains("nothing to update"), run.err());
            CliRun bad = CliRun.run(Map.of(ClientOptions.ENV_URL, recorder.url(), ClientOptions.ENV_TOKEN, "t"), null,
                    "secret", "update", "prod/update/none", "--rotation-period", "soon");
            assertEquals(ExitCodes.INVALID, bad.exit(), bad.toString());
            assertTrue(bad.err().contains("--rotation-period is not a duration"), bad.err());
            assertEquals(List.of(), recorder.requests());
        }
    }

    @Test
    void labelsMergeKeepingEveryOtherLabel() {
        ok(cli(null, "secret", "create", "prod/labels/db", "--owner-team", "payments", "--label", "tier=1", "--label", "app=orders",
                "--label", "legacy=yes"));
        CliRun run = ok(cli(null, "secret", "update", "prod/labels/db", "--label", "tier=0", "--label", "region=eu",
                "--remove-label", "legacy"));
        assertTrue(run.out().contains("Labels:        app=orders, region=eu, tier=0"), run.out());
        JsonObject secret = json(ok(cli(null, "secret", "describe", "prod/labels/db", "-o", "json")).out()).getJsonObject("secret");
        assertEquals(Json.createObjectBuilder().add("app", "orders").add("region", "eu").add("tier", "0").build(),
                secret.getJsonObject("labels"));
    }

    @Test
    void aLabelBothSetAndRemovedIsRefusedBeforeAnyRequest() throws IOException {
        try (RecordingServer recorder = new RecordingServer()) {
            CliRun run = CliRun.run(Map.of(ClientOptions.ENV_URL, recorder.url(), ClientOptions.ENV_TOKEN, "t"), null,
                    "secret", "update", "prod/labels/both", "--label", "tier=1", "--remove-label", "tier");
            assertEquals(ExitCodes.INVALID, run.exit(), run.toString());
            assertTrue(run.err().startsWith("coffer: INVALID_ARGUMENT: ") && run.err().contains("tier"), run.err());
            assertEquals(List.of(), recorder.requests());
        }
    }

    @Test
    void listFiltersByLabelAndShowsTheCurrentVersionAndPendingDeletion() {
        ok(cli(null, "secret", "create", "flt/a", "--owner-team", "payments", "--label", "tier=1", "--label", "team=pay"));
        ok(cli(null, "secret", "create", "flt/b", "--owner-team", "payments", "--label", "tier=1"));
        ok(cli(null, "secret", "create", "flt/c", "--owner-team", "payments", "--label", "tier=2", "--label", "team=pay"));
        ok(cli(value(), "secret", "put", "flt/a"));
        ok(cli(value(), "secret", "put", "flt/a"));
        ok(cli(null, "secret", "delete", "flt/b", "--recovery-window-days", "7"));

        CliRun tier1 = ok(cli(null, "secret", "list", "--environment", "flt", "--label", "tier=1"));
        List<String> lines = tier1.out().lines().toList();
        assertEquals(3, lines.size(), tier1.out());
        assertTrue(lines.get(0).startsWith("PATH   CURRENT  OWNER     DELETION"), tier1.out());
        assertTrue(lines.get(1).startsWith("flt/a  2        payments  -"), tier1.out());
        assertTrue(lines.get(2).startsWith("flt/b  -        payments  pending, purgeable 20"), tier1.out());

        CliRun both = ok(cli(null, "secret", "list", "--environment", "flt", "--label", "tier=1", "--label", "team=pay", "-o", "json"));
        JsonObject page = json(both.out());
        assertEquals(1, page.getJsonArray("items").size(), both.out());
        JsonObject a = page.getJsonArray("items").getJsonObject(0);
        assertEquals("a", a.getString("path"));
        assertEquals(2, a.getInt("currentVersion"));
        assertFalse(a.getBoolean("pendingDeletion"));
        assertEquals(server.get("v1/secrets?environment=flt&label=tier=1&label=team=pay").json(), page, "the REST list body");
    }

    @Test
    void forceDeleteRemovesTheSecretAtOnceAndSaysItCannotBeRestored() {
        String id = secretWithVersions("dev/force/scratch", 1);
        CliRun run = ok(cli(null, "secret", "delete", "dev/force/scratch", "--force"));
        assertTrue(run.out().contains("deleted dev/force/scratch at once") && run.out().contains("cannot be restored"), run.out());
        assertEquals(404, server.get("v1/secrets/" + id).status());
        assertEquals(1, audit("environment=dev&path=force/scratch&type=SECRET_FORCE_DELETE").size());
        CliRun restore = cli(null, "secret", "restore", "dev/force/scratch");
        assertEquals(ExitCodes.NOT_FOUND, restore.exit(), restore.toString());
        CliRun both = cli(null, "secret", "delete", "dev/force/other", "--force", "--recovery-window-days", "7");
        assertEquals(ExitCodes.USAGE, both.exit(), both.toString());
    }

    @Test
    void forceDeleteInAProtectedEnvironmentIsRefusedAndChangesNothing() {
        String env = TestServer.PROTECTED_ENVIRONMENT;
        String id = secretWithVersions(env + "/force/kept", 1);
        CliRun run = cli(null, "secret", "delete", env + "/force/kept", "--force");
        assertEquals(ExitCodes.DENIED, run.exit(), run.toString());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("coffer: ENVIRONMENT_PROTECTED: ") && run.err().contains("request "), run.err());
        assertEquals(200, server.get("v1/secrets/" + id).status(), "the secret is still there");
        assertEquals(1, aliases(id).getInt("current"));
    }

    @Test
    void byNameCommandsAuditOnlyWhatTheUserDid() {
        String id = secretWithVersions("prod/named/x", 1);
        ok(cli(value(), "secret", "put", "prod/named/x", "--pending"));
        ok(cli(null, "secret", "promote", "prod/named/x", "2", "--expected", "1"));
        ok(cli(null, "secret", "alias", "prod/named/x", "blue", "2", "--expected", "none"));
        ok(cli(null, "secret", "disable", "prod/named/x", "1"));
        ok(cli(null, "secret", "enable", "prod/named/x", "1"));
        ok(cli(null, "secret", "update", "prod/named/x", "--description", "named"));
        ok(cli(null, "secret", "delete", "prod/named/x"));
        ok(cli(null, "secret", "restore", "prod/named/x"));
        List<String> types = audit("environment=prod&path=named/x").stream().map(e -> e.getString("eventType")).toList();
        assertFalse(types.contains("SECRET_DESCRIBE"), types.toString());
        assertTrue(types.contains("ALIAS_MOVE") && types.contains("VERSION_DISABLE") && types.contains("SECRET_UPDATE"), types.toString());
        assertEquals(2, aliases(id).getInt("current"));

        // Listing versions is a metadata read: its one event is the describe the user asked for.
        int before = audit("environment=prod&path=named/x").size();
        ok(cli(null, "secret", "versions", "prod/named/x"));
        List<JsonObject> after = audit("environment=prod&path=named/x");
        assertEquals(List.of("SECRET_DESCRIBE"), after.subList(before, after.size()).stream().map(e -> e.getString("eventType")).toList());
    }

    @Test
    void promoteByNumberWritesNoDescribeEvent() {
        secretWithVersions("prod/named/promote", 1);
        ok(cli(value(), "secret", "put", "prod/named/promote", "--pending"));
        List<JsonObject> before = audit("environment=prod&path=named/promote");
        ok(cli(null, "secret", "promote", "prod/named/promote", "2", "--expected", "1"));
        List<JsonObject> after = audit("environment=prod&path=named/promote");
        List<String> added = after.subList(before.size(), after.size()).stream().map(e -> e.getString("eventType")).toList();
        assertEquals(List.of("ALIAS_MOVE"), added);
    }

    // ---- policies

    @Test
    void policyFilesAreCheckedBeforeAnyRequest() throws IOException {
        try (RecordingServer recorder = new RecordingServer()) {
            Map<String, String> env = Map.of(ClientOptions.ENV_URL, recorder.url(), ClientOptions.ENV_TOKEN, "t");
            Map<String, String> cases = Map.of(
                    "{\"effect\":\"allow\",\"principals\":[\"user:a\"],\"actions\":[\"secrets:read\"],\"resources\":[\"prod/*\"],\"effects\":1}",
                    "unknown field 'effects'",
                    "{\"effect\":\"maybe\",\"principals\":[],\"actions\":[],\"resources\":[]}", "effect must be allow or deny",
                    "{\"effect\":\"allow\",\"principals\":\"user:a\",\"actions\":[],\"resources\":[]}", "'principals' must be an array",
                    "{\"name\":\"other\",\"effect\":\"allow\",\"principals\":[\"user:a\"],\"actions\":[\"secrets:read\"],\"resources\":[\"prod/*\"]}",
                    "differs from the policy name",
                    "not json", "is not a JSON object");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                CliRun run = CliRun.run(env, c.getKey(), "policy", "put", "reader");
                assertEquals(ExitCodes.INVALID, run.exit(), c.getKey() + ": " + run);
                assertTrue(run.err().startsWith("coffer: INVALID_POLICY: ") && run.err().contains(c.getValue()), run.err());
            }
            assertEquals(List.of(), recorder.requests());
        }
    }

    @Test
    void policiesRoundTripAndListAsATable() {
        String file = "{\"effect\":\"allow\",\"principals\":[\"group:payments-readers\"],\"actions\":[\"secrets:read\"],"
                + "\"resources\":[\"prod/payments/*\"],\"conditions\":{\"ticketRequired\":true}}";
        ok(cli(file, "policy", "put", "payments-read"));
        CliRun get = ok(cli(null, "policy", "get", "payments-read"));
        assertEquals(server.get("v1/policies/payments-read").json(), json(get.out()));
        CliRun list = ok(cli(null, "policy", "list"));
        assertTrue(list.out().lines().findFirst().orElse("").startsWith("NAME"), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("payments-read") && l.contains("group:payments-readers")
                && l.contains("prod/payments/*") && l.contains("ticket")), list.out());
        CliRun missing = cli(null, "policy", "get", "no-such-policy");
        assertEquals(ExitCodes.NOT_FOUND, missing.exit(), missing.toString());
        assertTrue(missing.err().startsWith("coffer: POLICY_NOT_FOUND: ") && missing.err().contains("request "), missing.err());
    }

    // ---- break-glass

    @Test
    void breakGlassGrantThenReadIsAuditedWithReasonAndTicket() throws IOException {
        String v = value();
        String id = server.create("prod", "bg/db");
        server.put(id, v, "CURRENT");
        server.allow(Policy.allow("oncall-break-glass", List.of("user:oncall"), List.of("secrets:read-break-glass"), List.of("prod/bg/*")));
        Path oncall = tokenFile("oncall");

        CliRun before = as(oncall, null, "secret", "get", "prod/bg/db");
        assertEquals(ExitCodes.DENIED, before.exit(), before.toString());

        CliRun noTicket = as(oncall, null, "break-glass", "grant", "prod/bg/*", "--reason", "INC-42");
        assertEquals(ExitCodes.USAGE, noTicket.exit(), noTicket.toString());
        assertTrue(noTicket.err().contains("needs --reason and --ticket"), noTicket.err());

        CliRun grant = ok(as(oncall, null, "break-glass", "grant", "prod/bg/*", "--reason", "INC-42 payments down",
                "--ticket", "https://tickets.example/INC-42", "--duration", "30m"));
        assertTrue(grant.out().startsWith("granted bg_") && grant.out().contains("to user:oncall until"), grant.out());

        CliRun read = as(oncall, null, "secret", "get", "prod/bg/db", "--ticket", "https://tickets.example/INC-42");
        assertEquals(ExitCodes.OK, read.exit(), read.toString());
        assertEquals(v, read.out());
        List<JsonObject> reads = audit("environment=prod&path=bg/db&type=BREAK_GLASS_READ");
        assertEquals(1, reads.size());
        assertEquals("INC-42 payments down", reads.get(0).getString("reason"));
        assertEquals("https://tickets.example/INC-42", reads.get(0).getString("ticket"));
    }

    @Test
    void breakGlassDurationsAreWholeMinutesWithinTheBound() throws IOException {
        try (RecordingServer recorder = new RecordingServer()) {
            Map<String, String> env = Map.of(ClientOptions.ENV_URL, recorder.url(), ClientOptions.ENV_TOKEN, "t");
            CliRun seconds = CliRun.run(env, null, "break-glass", "grant", "prod/x", "--reason", "r", "--ticket", "t", "--duration", "90s");
            assertEquals(ExitCodes.USAGE, seconds.exit(), seconds.toString());
            CliRun tooLong = CliRun.run(env, null, "break-glass", "grant", "prod/x", "--reason", "r", "--ticket", "t", "--duration", "5h");
            assertEquals(ExitCodes.INVALID, tooLong.exit(), tooLong.toString());
            assertTrue(tooLong.err().contains("1 to 240 minutes"), tooLong.err());
            assertEquals(List.of(), recorder.requests());
        }
    }

    // ---- human output and JSON

    @Test
    void describeIsReadableTextAndJsonIsTheRestBody() {
        ok(cli(null, "secret", "create", "prod/describe/db", "--owner-team", "payments", "--rotation-period", "90d", "--label", "tier=1"));
        ok(cli(value(), "secret", "put", "prod/describe/db"));
        CliRun text = ok(cli(null, "secret", "describe", "prod/describe/db"));
        assertTrue(text.out().contains("Owner team:    payments"), text.out());
        assertTrue(text.out().contains("manual-overlap, every 90d"), text.out());
        assertTrue(text.out().contains("Labels:        tier=1"), text.out());
        assertTrue(text.out().contains("Aliases:       current -> 1"), text.out());
        assertTrue(text.out().contains("VERSION  STATUS   STATE"), text.out());
        assertFalse(text.out().contains("{") || text.out().contains("PT2160H") || text.out().contains("keyId"), text.out());

        CliRun json = ok(cli(null, "secret", "describe", "prod/describe/db", "-o", "json"));
        String id = json(json.out()).getJsonObject("secret").getString("id");
        assertEquals(server.get("v1/secrets/" + id).json(), json(json.out()), "the same body as GET /v1/secrets/{id}");
    }

    @Test
    void getAsJsonIsTheRestReadBody() {
        String id = secretWithVersions("prod/json/get", 1);
        CliRun json = cli(null, "secret", "get", "prod/json/get", "-o", "json");
        assertEquals(ExitCodes.OK, json.exit(), json.toString());
        assertEquals(server.get("v1/secrets/prod/json/get").json(), json(json.out()));
        assertFalse(id.isEmpty());
    }

    @Test
    void listIsATableWithHeaders() {
        server.create("list", "a/one");
        server.create("list", "a/two-longer-name");
        CliRun run = ok(cli(null, "secret", "list", "--environment", "list"));
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).startsWith("PATH") && lines.get(0).contains("OWNER"), run.out());
        int owner = lines.get(0).indexOf("OWNER");
        assertEquals(3, lines.size(), run.out());
        for (String row : lines.subList(1, 3)) {
            assertEquals("payments", row.substring(owner, owner + "payments".length()), "aligned: " + run.out());
        }
    }

    @Test
    void versionsIsATable() {
        secretWithVersions("prod/versions/db", 2);
        CliRun run = ok(cli(null, "secret", "versions", "prod/versions/db"));
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).startsWith("VERSION  STATUS"), run.out());
        assertTrue(lines.get(1).startsWith("1        PREVIOUS"), run.out());
        assertTrue(lines.get(2).startsWith("2        CURRENT"), run.out());
    }

    // ---- audit

    @Test
    void auditQuerySaysWhenMoreEventsMatchAndAllFetchesEveryOne() {
        secretWithVersions("prod/audit/paged", 5);
        int total = audit("environment=prod&path=audit/paged").size();
        assertTrue(total >= 5, "events: " + total);

        CliRun two = ok(cli(null, "audit", "query", "prod/audit/paged", "--limit", "2"));
        List<String> lines = two.out().lines().toList();
        assertTrue(lines.get(0).startsWith("SEQ") && lines.get(0).contains("EVENT"), two.out());
        assertEquals(3 + 1, lines.size(), two.out()); // header, two events, the note
        assertTrue(two.out().contains("2 events shown; more match: pass --all"), two.out());

        CliRun all = ok(cli(null, "audit", "query", "prod/audit/paged", "--all"));
        assertEquals(total + 1, all.out().lines().count(), all.out());
        assertFalse(all.out().contains("more match"), all.out());

        JsonObject page = json(ok(cli(null, "audit", "query", "prod/audit/paged", "--limit", "2", "-o", "json")).out());
        assertEquals(2, page.getJsonArray("items").size());
        assertTrue(page.containsKey("nextPageToken"), page.toString());
        JsonObject everything = json(ok(cli(null, "audit", "query", "prod/audit/paged", "--all", "-o", "json")).out());
        assertEquals(total, everything.getJsonArray("items").size());
        assertFalse(everything.containsKey("nextPageToken"));
    }

    @Test
    void auditTimesTakeRelativeDurationsAndInstants() {
        secretWithVersions("prod/audit/times", 1);
        CliRun recent = ok(cli(null, "audit", "query", "prod/audit/times", "--since", "1h"));
        assertTrue(recent.out().contains("VERSION_ADD"), recent.out());
        CliRun future = ok(cli(null, "audit", "query", "prod/audit/times", "--since", "2099-01-01T00:00:00Z"));
        assertEquals("no matching events", future.out().strip());
        CliRun none = ok(cli(null, "audit", "query", "prod/audit/times", "--until", "7d"));
        assertEquals("no matching events", none.out().strip());
        CliRun bad = cli(null, "audit", "query", "--since", "last week");
        assertEquals(ExitCodes.USAGE, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("--since takes an ISO-8601 instant"), bad.err());
    }

    @Test
    void auditSummaryIsReadableTextWithoutHashes() {
        secretWithVersions("prod/audit/summary", 1);
        ok(cli(null, "secret", "get", "prod/audit/summary"));
        CliRun text = ok(cli(null, "audit", "summary", "--since", "1h"));
        assertTrue(text.out().startsWith("Audit summary from "), text.out());
        assertTrue(text.out().contains("Reads by principal:") && text.out().contains("Reads by secret:")
                && text.out().contains("prod/audit/summary") && text.out().contains("Break-glass reads:"), text.out());
        assertFalse(text.out().contains("{") || text.out().contains("hash"), text.out());
        JsonObject json = json(ok(cli(null, "audit", "summary", "--since", "1h", "-o", "json")).out());
        assertTrue(json.containsKey("readsByPrincipal") && json.containsKey("pastRotationPeriod"), json.toString());
    }

    @Test
    void anUnreachableServerIsOneLineWithAHint() {
        CliRun run = CliRun.run(Map.of(ClientOptions.ENV_URL, "http://127.0.0.1:1/", ClientOptions.ENV_TOKEN, "t"), null,
                "secret", "list");
        assertEquals(ExitCodes.UNAVAILABLE, run.exit(), run.toString());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("coffer: STORE_UNAVAILABLE: ") && run.err().contains("is the server running?"), run.err());
    }
}
