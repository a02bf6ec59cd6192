package dev.coffer.server.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import dev.coffer.server.support.OneServerPerClass;
import dev.coffer.server.support.Reply;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * External Secrets Operator's generic webhook provider pointed at Coffer, as
 * {@code docs/examples/kubernetes/external-secrets} configures it: the example manifests parse
 * (the Secret as fabric8's {@code Secret}, the CRDs as {@code GenericKubernetesResource}), and the
 * requests the provider would make for the example {@code ExternalSecret}'s remoteRefs are
 * replayed against a live server, answers read with the store's {@code result.jsonPath}.
 *
 * <p>The replay follows the provider's code (external-secrets, {@code providers/v1/webhook}, read
 * at cc5bfbc, 2026-08): {@code remoteRef.key}, {@code .version}, {@code .property} are
 * query-escaped for the {@code url} and raw for headers and {@code jsonPath}; the Secrets under
 * {@code secrets} are exposed raw as {@code .<name>.<key>}; 404 is "no secret" (the
 * ExternalSecret's deletionPolicy decides), 304 "not modified", any other non-2xx an error; a
 * 2xx body is parsed as JSON and {@code jsonPath} applied with PaesslerAG/jsonpath, a string
 * result used as it is, the first element of a list, JSON text of a map, a JSON null as an empty
 * value. This test evaluates the path with Jayway JsonPath; {@code $.value} means the same in both.
 */
class ExternalSecretsWebhookTest extends OneServerPerClass {
    private static final Path DIR = repoRoot().resolve("docs/examples/kubernetes/external-secrets");
    /** The origin the examples name; the replay sends to the test server instead. */
    private static final String EXAMPLE_ORIGIN = "https://coffer.coffer.svc:8443/";
    private static final String SUBJECT = "service:prod:payments-external-secrets";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String V1 = "eso-first-" + UUID.randomUUID();
    private static final String V2 = "eso-second-" + UUID.randomUUID();
    private static final String ORDERS = "eso-orders-" + UUID.randomUUID();
    private static final String HOST = "db-" + UUID.randomUUID() + ".payments.svc";
    private static final byte[] BINARY = {0, (byte) 0xff, 1, (byte) 0xfe};
    private static String token;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void secretsAndTheStoresToken() throws IOException {
        String id = server.create("prod", "payments/db-password");
        assertEquals(201, server.put(id, V1, "CURRENT").status());
        assertEquals(201, server.put(id, V2, "CURRENT").status());
        String orders = server.create("prod", "orders/db-password");
        assertEquals(201, server.put(orders, ORDERS, "CURRENT").status());
        String connection = server.create("prod", "payments/db-connection");
        String object = JSON.writeValueAsString(Map.of("host", HOST, "username", "payments"));
        assertEquals(201, server.post("v1/secrets/" + connection + "/versions",
                JSON.writeValueAsString(Map.of("value", object, "status", "CURRENT"))).status());
        String binary = server.create("prod", "payments/keystore");
        assertEquals(201, server.post("v1/secrets/" + binary + "/versions",
                "{\"valueBase64\":\"" + Base64.getEncoder().encodeToString(BINARY) + "\"}").status());
        // The policy the docs give the store's token, installed as an operator would.
        Reply policy = server.send("PUT", "v1/policies/payments-external-secrets", server.adminToken,
                Files.readString(DIR.resolve("payments-external-secrets-policy.json")));
        assertEquals(200, policy.status(), policy::toString);
        token = server.token(SUBJECT);
    }

    // ---- the manifests ----

    @Test
    void theExampleManifestsParseAsTypedObjects() throws IOException {
        List<Map<String, Object>> all = objects();
        assertEquals(List.of("ClusterSecretStore", "ExternalSecret", "Secret", "Secret", "SecretStore"),
                all.stream().map(o -> (String) o.get("kind")).sorted().toList());
        for (Map<String, Object> o : all) {
            if (o.get("kind").equals("Secret")) {
                Secret secret = JSON.convertValue(o, Secret.class);
                assertEquals("webhook", secret.getMetadata().getLabels().get("external-secrets.io/type"),
                        "ESO's webhook provider reads only Secrets with this label");
                assertTrue(secret.getStringData().containsKey("token"));
            } else {
                GenericKubernetesResource r = JSON.convertValue(o, GenericKubernetesResource.class);
                assertEquals("external-secrets.io/v1", r.getApiVersion(), r.getKind());
                assertNotNull(r.getMetadata().getName());
                assertNotNull(r.getAdditionalProperties().get("spec"), r.getKind() + " has a spec");
            }
        }
        Map<String, Object> external = spec(only("ExternalSecret"));
        Map<String, Object> ref = map(external.get("secretStoreRef"));
        assertEquals("SecretStore", ref.get("kind"));
        assertEquals(name(only("SecretStore")), ref.get("name"));
        assertEquals(namespace(only("SecretStore")), namespace(only("ExternalSecret")));
        assertEquals("Retain", map(external.get("target")).get("deletionPolicy"));
    }

    @Test
    void bothStoresMakeTheSameRequestAndNameTheirTokenSecret() throws IOException {
        Map<String, Object> store = webhook(only("SecretStore"));
        Map<String, Object> cluster = webhook(only("ClusterSecretStore"));
        for (String field : List.of("url", "method", "timeout", "headers", "result")) {
            assertEquals(store.get(field), cluster.get(field), field);
        }
        for (Map<String, Object> o : objects()) {
            if (!o.get("kind").toString().endsWith("SecretStore")) {
                continue;
            }
            Map<String, Object> entry = map(list(webhook(o).get("secrets")).get(0));
            Map<String, Object> secretRef = map(entry.get("secretRef"));
            Map<String, Object> tokenSecret = objects().stream()
                    .filter(s -> s.get("kind").equals("Secret") && name(s).equals(secretRef.get("name"))
                            && (o.get("kind").equals("SecretStore") ? namespace(s).equals(namespace(o))
                                    : namespace(s).equals(secretRef.get("namespace"))))
                    .findFirst().orElseThrow(() -> new AssertionError(o.get("kind") + ": its token Secret is not in the examples"));
            assertTrue(map(tokenSecret.get("stringData")).containsKey("token"));
            assertEquals("Bearer {{ ." + entry.get("name") + ".token }}", map(webhook(o).get("headers")).get("Authorization"));
            if (o.get("kind").equals("ClusterSecretStore")) {
                assertNotNull(secretRef.get("namespace"), "a ClusterSecretStore must name the Secret's namespace");
            }
        }
    }

    @Test
    void theUrlAsWrittenPassesTheChecksEsoMakesBeforeTemplating() throws IOException {
        String url = (String) webhook(only("SecretStore")).get("url");
        // ESO's store validation url.Parse()s the template and dials host:port (443 when none is given).
        assertTrue(url.startsWith(EXAMPLE_ORIGIN), "the host and port are literal: " + url);
        assertTrue(Pattern.compile("%(?![0-9A-Fa-f]{2})").matcher(url).results().findAny().isEmpty(),
                "every % in the url starts an escape, or Go's url.Parse refuses it");
        assertTrue(url.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "no control characters");
    }

    // ---- rendering, as ESO renders ----

    @Test
    void remoteRefsRenderAsEsoRendersThem() throws IOException {
        Map<String, Object> store = webhook(only("SecretStore"));
        assertEquals(EXAMPLE_ORIGIN + "v1/secrets/prod/payments/db-password", url(store, "prod/payments/db-password", ""));
        assertEquals(EXAMPLE_ORIGIN + "v1/secrets/prod/payments/db-password?version=1", url(store, "prod/payments/db-password", "1"));
        assertEquals(EXAMPLE_ORIGIN + "v1/secrets/prod/payments/db-password?alias=previous",
                url(store, "prod/payments/db-password", "previous"));
        // Only the slash is put back: anything else stays query-escaped (and Coffer's paths
        // allow nothing else that Go escapes).
        assertEquals(EXAMPLE_ORIGIN + "v1/secrets/prod/a+b%3Fc", url(store, "prod/a b?c", ""));
        assertEquals(EXAMPLE_ORIGIN + "v1/secrets/prod/x?alias=a%26version%3D1", url(store, "prod/x", "a&version=1"));
        assertEquals("a+b%2Fc~%2A%C3%A9.-_", GoTemplate.queryEscape("a b/c~*\u00e9.-_"));
        assertEquals(Map.of("Accept", "application/json", "Authorization", "Bearer t.o.k"),
                headers(store, Map.of("token", "t.o.k"), "prod/payments/db-password", ""));
        assertEquals("$.value", GoTemplate.render((String) map(store.get("result")).get("jsonPath"), Map.of()));
    }

    @Test
    void theRendererRefusesWhatItDoesNotModel() {
        for (String t : List.of("{{ range .x }}{{ end }}", "{{- .x }}", "{{ printf \"%s\" .x }}", "{{ if .x }}", "{{ end }}", "{{ .y }}")) {
            assertThrows(IllegalArgumentException.class, () -> GoTemplate.render(t, Map.of("x", "1")), t);
        }
    }

    // ---- the replay ----

    @Test
    void theExampleExternalSecretGetsTheValuesItNames() throws IOException {
        Map<String, String> expected = Map.of("password", V2, "previous-password", V1, "first-password", V1);
        for (String kind : List.of("SecretStore", "ClusterSecretStore")) {
            Map<String, String> synced = new LinkedHashMap<>();
            for (Object item : list(spec(only("ExternalSecret")).get("data"))) {
                Map<String, Object> data = map(item);
                Map<String, Object> remoteRef = map(data.get("remoteRef"));
                Outcome outcome = getSecret(webhook(only(kind)), token, (String) remoteRef.get("key"),
                        (String) remoteRef.getOrDefault("version", ""));
                assertEquals(200, outcome.status(), kind + " " + data.get("secretKey") + ": " + outcome.error());
                synced.put((String) data.get("secretKey"), outcome.value());
            }
            assertEquals(expected, synced, kind);
        }
        // Every refresh is a read in Coffer's audit, under the store token's subject.
        Reply audit = server.get("v1/audit?environment=prod&path=payments/db-password&type=SECRET_READ");
        assertEquals(200, audit.status(), audit::toString);
        assertTrue(audit.body().contains(SUBJECT), "the reads are audited as " + SUBJECT);
        assertNoValues(audit.body());
    }

    @Test
    void dataFromExtractTurnsAJsonObjectValueIntoKeys() throws IOException {
        for (String kind : List.of("SecretStore", "ClusterSecretStore")) {
            Map<String, String> synced = new LinkedHashMap<>();
            for (Object item : list(spec(only("ExternalSecret")).get("dataFrom"))) {
                Map<String, Object> extract = map(map(item).get("extract"));
                synced.putAll(getSecretMap(webhook(only(kind)), (String) extract.get("key"), (String) extract.getOrDefault("version", "")));
            }
            assertEquals(Map.of("host", HOST, "username", "payments"), synced, kind);
        }
        AssertionError plainText = assertThrows(AssertionError.class,
                () -> getSecretMap(webhook(only("SecretStore")), "prod/payments/db-password", ""));
        assertTrue(plainText.getMessage().startsWith("failed to parse response json from jsonpath"), plainText::getMessage);
        assertNoValues(plainText.getMessage());
    }

    @Test
    void aMissingSecretIsNoSecretNeverAnEmptyValue() throws IOException {
        Outcome outcome = getSecret(webhook(only("SecretStore")), token, "prod/payments/no-such-secret", "");
        assertEquals(404, outcome.status());
        assertEquals("NoSecretError", outcome.error(), "ESO: with deletionPolicy Retain the sync fails and the Secret keeps its values");
        assertNull(outcome.value());
        Outcome noVersion = getSecret(webhook(only("SecretStore")), token, "prod/payments/db-password", "9");
        assertEquals(404, noVersion.status());
        assertNull(noVersion.value());
        Outcome noAlias = getSecret(webhook(only("SecretStore")), token, "prod/payments/db-password", "next");
        assertEquals(404, noAlias.status(), noAlias::toString);
        assertNull(noAlias.value());
    }

    @Test
    void aPathOutsideTheTokensPolicyIsAnErrorAndLeaksNothing() throws IOException {
        Outcome outcome = getSecret(webhook(only("SecretStore")), token, "prod/orders/db-password", "");
        assertEquals(403, outcome.status());
        assertEquals("endpoint gave error 403", outcome.error());
        assertNull(outcome.value());
        assertFalse(outcome.body().contains(ORDERS), "the refusal does not carry the value");
        Outcome notThere = getSecret(webhook(only("SecretStore")), token, "prod/orders/no-such-secret", "");
        assertEquals(403, notThere.status(), "a refusal does not tell whether a secret exists");
    }

    @Test
    void aBadTokenIsAnError() throws IOException {
        Outcome outcome = getSecret(webhook(only("SecretStore")), "REPLACE-WITH-A-COFFER-TOKEN", "prod/payments/db-password", "");
        assertEquals(401, outcome.status());
        assertNull(outcome.value());
        assertFalse(outcome.body().contains(V2));
    }

    @Test
    void aBinarySecretFailsTheJsonPathInsteadOfSyncingNothing() throws IOException {
        Outcome outcome = getSecret(webhook(only("SecretStore")), token, "prod/payments/keystore", "");
        assertEquals(200, outcome.status());
        assertEquals("failed to get response path $.value", outcome.error(),
                "Coffer answers valueBase64 for a binary value: the path finds nothing, and ESO reports an error");
        assertNull(outcome.value());
    }

    @Test
    void withoutTheReplaceAnEscapedNameIsRefusedNotTakenForADeletedSecret() throws IOException {
        // Why the example's url has `| replace "%2F" "/"`: ESO sends the key query-escaped, and
        // /v1/secrets/prod%2Fpayments%2Fdb-password has no literal slash after the environment.
        Map<String, Object> plain = new LinkedHashMap<>(webhook(only("SecretStore")));
        plain.put("url", EXAMPLE_ORIGIN + "v1/secrets/{{ .remoteRef.key }}");
        Outcome outcome = getSecret(plain, token, "prod/payments/db-password", "");
        // The one-segment id route takes it; an id holds no '/', so the escaped name is refused as
        // a client error (400), never answered 404, which ESO would take for a deleted secret.
        assertEquals(400, outcome.status(), outcome.toString());
        assertEquals("endpoint gave error 400", outcome.error());
        assertTrue(outcome.body().contains("INVALID_ARGUMENT") && outcome.body().contains("%2F"), outcome.body());
        assertNull(outcome.value());
    }

    // ---- the provider's request and answer, replayed ----

    /** What the provider makes of one remoteRef: the value ESO would write, or its error. */
    record Outcome(int status, String value, String error, String body) {
        @Override
        public String toString() {
            return "Outcome[status=" + status + ", error=" + error + "]"; // never the value or body
        }
    }

    private Outcome getSecret(Map<String, Object> webhook, String tokenValue, String key, String version) {
        String url = url(webhook, key, version);
        assertTrue(url.startsWith(EXAMPLE_ORIGIN), url);
        URI target = server.base().resolve(url.substring(EXAMPLE_ORIGIN.length()));
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .method((String) webhook.getOrDefault("method", "GET"), HttpRequest.BodyPublishers.noBody())
                .timeout(goDuration((String) webhook.get("timeout")));
        headers(webhook, Map.of("token", tokenValue), key, version).forEach(request::header);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("the request failed: " + e.getClass().getSimpleName());
        }
        int status = response.statusCode();
        String body = response.body();
        assertNoValues(url);
        if (status == 404) {
            return new Outcome(status, null, "NoSecretError", body);
        }
        if (status == 304) {
            return new Outcome(status, null, "NotModifiedError", body);
        }
        if (status < 200 || status >= 300) {
            assertNoValues(body);
            return new Outcome(status, null, "endpoint gave error " + status, body);
        }
        String path = GoTemplate.render((String) map(webhook.get("result")).get("jsonPath"), rawData(Map.of("token", tokenValue), key, version));
        if (path.isEmpty()) {
            return new Outcome(status, body, null, body);
        }
        Object found;
        try {
            found = JsonPath.read(body, path);
        } catch (PathNotFoundException e) {
            return new Outcome(status, null, "failed to get response path " + path, body);
        }
        return new Outcome(status, extract(found), null, body);
    }

    /**
     * As the provider's GetSecretMap (an ExternalSecret's {@code dataFrom.extract}): the jsonPath
     * result, a string parsed as JSON again, must be an object; each field becomes a key, strings
     * as they are and anything else as JSON text. Its errors are AssertionErrors with ESO's words.
     */
    private Map<String, String> getSecretMap(Map<String, Object> webhook, String key, String version) {
        Outcome outcome = getSecret(webhook, token, key, version);
        if (outcome.error() != null) {
            throw new AssertionError(outcome.error());
        }
        Object found = JsonPath.read(outcome.body(), GoTemplate.render((String) map(webhook.get("result")).get("jsonPath"), Map.of()));
        try {
            if (found instanceof String text) {
                found = JSON.readValue(text, Object.class);
            }
        } catch (JacksonException e) {
            throw new AssertionError("failed to parse response json from jsonpath"); // the parser's message would quote the value
        }
        if (!(found instanceof Map<?, ?> fields)) {
            throw new AssertionError("failed to get response (wrong type)");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : fields.entrySet()) {
            values.put((String) e.getKey(), e.getValue() instanceof String v ? v : JSON.writeValueAsString(e.getValue()));
        }
        return values;
    }

    /** As the provider's extractSecretData: strings as they are, a list's first element, a map as JSON, null as empty. */
    private static String extract(Object found) {
        if (found == null) {
            return "";
        }
        if (found instanceof List<?> l) {
            if (l.isEmpty()) {
                throw new AssertionError("filter worked but didn't get any result");
            }
            return extract(l.get(0));
        }
        if (found instanceof Map<?, ?> m) {
            return JSON.writeValueAsString(m);
        }
        return found.toString();
    }

    private static String url(Map<String, Object> webhook, String key, String version) {
        Map<String, Map<String, String>> escaped = new LinkedHashMap<>();
        escaped.put("remoteRef", Map.of("key", GoTemplate.queryEscape(key), "version", GoTemplate.queryEscape(version),
                "property", "", "namespace", "payments"));
        escaped.put("coffer", Map.of("token", "unused-in-the-url"));
        return GoTemplate.render((String) webhook.get("url"), escaped);
    }

    private static Map<String, Map<String, String>> rawData(Map<String, String> tokenSecret, String key, String version) {
        Map<String, Map<String, String>> raw = new LinkedHashMap<>();
        raw.put("remoteRef", Map.of("key", key, "version", version, "property", "", "namespace", "payments"));
        raw.put("coffer", tokenSecret);
        return raw;
    }

    private static Map<String, String> headers(Map<String, Object> webhook, Map<String, String> tokenSecret, String key, String version) {
        Map<String, String> headers = new LinkedHashMap<>();
        map(webhook.get("headers")).forEach((name, template) ->
                headers.put(name, GoTemplate.render((String) template, rawData(tokenSecret, key, version))));
        return headers;
    }

    /** Go's time.ParseDuration for the forms the examples use ({@code 10s}, {@code 1m}, {@code 500ms}). */
    private static Duration goDuration(String text) {
        assertNotNull(text, "the example sets a timeout: ESO's client has none by default");
        var m = Pattern.compile("(\\d+)(ms|s|m)").matcher(text);
        assertTrue(m.matches(), "timeout " + text);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    private static void assertNoValues(String text) {
        for (String v : List.of(V1, V2, ORDERS, token)) {
            assertFalse(text.contains(v), "a secret value or the token in a URL or an error answer");
        }
    }

    // ---- the example files ----

    private static List<Map<String, Object>> objects() throws IOException {
        List<Map<String, Object>> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                Load load = new Load(LoadSettings.builder().setLabel(file.toString()).setAllowDuplicateKeys(false).build());
                for (Object document : load.loadAllFromString(Files.readString(file))) {
                    assertTrue(document instanceof Map, file + ": a document that is not a mapping");
                    objects.add(map(document));
                }
            }
        }
        return objects;
    }

    private static Map<String, Object> only(String kind) throws IOException {
        List<Map<String, Object>> found = objects().stream().filter(o -> kind.equals(o.get("kind"))).toList();
        assertEquals(1, found.size(), "one " + kind + " in the examples");
        return found.get(0);
    }

    private static Map<String, Object> spec(Map<String, Object> object) {
        return map(object.get("spec"));
    }

    private static Map<String, Object> webhook(Map<String, Object> store) {
        return map(map(spec(store).get("provider")).get("webhook"));
    }

    private static String name(Map<String, Object> object) {
        return (String) map(object.get("metadata")).get("name");
    }

    private static String namespace(Map<String, Object> object) {
        return (String) map(object.get("metadata")).get("namespace");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertTrue(o instanceof Map, "a mapping expected");
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertTrue(o instanceof List, "a list expected");
        return (List<Object>) o;
    }

    /** The repository root: the nearest directory upwards that holds {@code mvnw} and {@code README.md}. */
    private static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("README.md"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
}
