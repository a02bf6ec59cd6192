package dev.coffer.server.k8s.provide;

import static dev.coffer.server.k8s.provide.LayoutSpecs.agent;
import static dev.coffer.server.k8s.provide.LayoutSpecs.basic;
import static dev.coffer.server.k8s.provide.LayoutSpecs.docker;
import static dev.coffer.server.k8s.provide.LayoutSpecs.env;
import static dev.coffer.server.k8s.provide.LayoutSpecs.keyed;
import static dev.coffer.server.k8s.provide.LayoutSpecs.literal;
import static dev.coffer.server.k8s.provide.LayoutSpecs.manager;
import static dev.coffer.server.k8s.provide.LayoutSpecs.opaque;
import static dev.coffer.server.k8s.provide.LayoutSpecs.policy;
import static dev.coffer.server.k8s.provide.LayoutSpecs.secret;
import static dev.coffer.server.k8s.provide.LayoutSpecs.spec;
import static dev.coffer.server.k8s.provide.LayoutSpecs.tls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.k8s.Provenance;
import dev.coffer.server.k8s.connect.Connectors;
import dev.coffer.server.k8s.manifest.Manifests;
import dev.coffer.server.k8s.spec.ConflictLevel;
import dev.coffer.server.k8s.spec.ConflictStrategy;
import dev.coffer.server.k8s.spec.DeliverySpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.SpecException;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Secrets a spec becomes, parsed back with kubernetes-model: types, keys, base64 data equal to
 * the test values, provenance without values; and the typed providers' shape errors.
 */
@ExtendWith(NoValueLeaks.class)
class SecretLayoutTest {
    /** Everything a user sees besides the data: messages, report lines, labels, annotations. */
    private final List<String> seen = new ArrayList<>();

    @AfterEach
    void noTestValueInAnythingSeen() {
        String leaked = NoValueLeaks.firstIssuedValueIn(String.join("\n", seen));
        assertEquals(null, leaked == null ? null : leaked.substring(0, 14), "a test value in a message, report, label or annotation");
    }

    @Test
    void twoTeamsGetTheirOwnOpaqueSecrets() throws Exception {
        String apiKey = TestValues.text();
        String dbUrl = TestValues.text();
        String dbPassword = TestValues.text();
        ManagerSpec frontend = manager("frontend", literal("inline", "API_KEY", apiKey),
                List.of(opaque("app", "frontend-secrets", "apps")), secret("API_KEY"));
        ManagerSpec backend = manager("backend", env("env", null),
                List.of(opaque("app", "backend-secrets", "apps", "jobs")), secret("DATABASE_URL"), keyed("DB_PASSWORD", "db.password"));
        DeliverySpec spec = spec(frontend, backend);
        Connectors connectors = Connectors.builder(spec)
                .environment(Map.of("COFFER_SECRET_DATABASE_URL", dbUrl, "COFFER_SECRET_DB_PASSWORD", dbPassword)).build();

        List<Secret> secrets = roundTrip(SecretLayout.plan(spec).build(connectors));

        assertEquals(List.of("apps/frontend-secrets", "apps/backend-secrets", "jobs/backend-secrets"),
                secrets.stream().map(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()).toList());
        Secret front = secrets.get(0);
        assertEquals("Opaque", front.getType());
        assertEquals(Map.of("API_KEY", apiKey), decoded(front));
        assertEquals(Map.of(Provenance.MANAGED_BY, "coffer", Provenance.MANAGER, "frontend", Provenance.PROVIDER, "app"),
                front.getMetadata().getLabels());
        assertEquals("literal:API_KEY", front.getMetadata().getAnnotations().get(Provenance.SOURCES));
        for (Secret back : secrets.subList(1, 3)) {
            assertEquals(Map.of("DATABASE_URL", dbUrl, "db.password", dbPassword), decoded(back));
            assertEquals(List.of("DATABASE_URL", "db.password"), List.copyOf(back.getData().keySet()), "keys in secret order");
            assertEquals("env:COFFER_SECRET_DATABASE_URL,env:COFFER_SECRET_DB_PASSWORD",
                    back.getMetadata().getAnnotations().get(Provenance.SOURCES));
            assertEquals("backend", back.getMetadata().getLabels().get(Provenance.MANAGER));
            assertTrue(back.getStringData() == null || back.getStringData().isEmpty(), "never stringData");
        }
    }

    @Test
    void placementsSayWhereEachSecretLandsAsTheLayoutBuildsIt() {
        ManagerSpec backend = manager("backend", literal("inline", "DB_PASSWORD", TestValues.text()),
                List.of(opaque("app", "backend-secrets", "apps", "jobs"), agent("agent")), keyed("DB_PASSWORD", "db.password"),
                secret("ROTATED", "agent"));
        DeliverySpec spec = spec(backend);
        List<Placement> placements = Placements.of(spec, "backend", "DB_PASSWORD");
        assertEquals(List.of(new Placement("apps", "backend-secrets", "Opaque", List.of("db.password")),
                new Placement("jobs", "backend-secrets", "Opaque", List.of("db.password"))), placements);
        assertEquals("db.password", placements.get(0).key());
        assertEquals(List.of(), Placements.of(spec, "backend", "ROTATED"), "the agent makes no Secret");
        SecretLayout layout = SecretLayout.plan(spec);
        assertEquals(List.of("apps/backend-secrets", "jobs/backend-secrets"),
                layout.secrets().stream().map(p -> p.key().object()).toList());
        assertEquals(List.of(java.util.Set.of("db.password"), java.util.Set.of("db.password")),
                layout.secrets().stream().map(PlannedSecret::keys).toList());
        IllegalArgumentException unknown = Expect.thrown(IllegalArgumentException.class, () -> Placements.of(spec, "backend", "NOPE"));
        assertTrue(unknown.getMessage().contains("manager 'backend' has no secret 'NOPE'; known: DB_PASSWORD, ROTATED"), unknown.getMessage());
    }

    @Test
    void aStructuredValueInAnOpaqueSecretIsItsJsonText() {
        String password = TestValues.text();
        String json = "{\"user\":\"app\",\"password\":\"" + password + "\",\"port\":5432}";
        DeliverySpec spec = spec(manager("backend", literal("inline", "DB", json), List.of(opaque("app", "db")), secret("DB")));
        Secret s = SecretLayout.plan(spec).build(Connectors.builder(spec).build()).get(0);
        assertEquals(json, decoded(s).get("DB"));
    }

    @Test
    void dockerConfigJsonSecretsMergeIntoOneAuthsMap() throws Exception {
        String p1 = TestValues.text();
        String p2 = TestValues.text();
        DeliverySpec spec = spec(manager("ci", literal("inline",
                        "GHCR", registry("ghcr.io", "bot", p1), "QUAY", registry("quay.io", "robot", p2)),
                List.of(docker("registry", "pull-secret", "apps")), secret("GHCR"), secret("QUAY")));
        List<Secret> secrets = roundTrip(SecretLayout.plan(spec).build(Connectors.builder(spec).build()));
        assertEquals(1, secrets.size());
        Secret s = secrets.get(0);
        assertEquals("kubernetes.io/dockerconfigjson", s.getType());
        assertEquals(List.of(".dockerconfigjson"), List.copyOf(s.getData().keySet()));
        JsonObject auths = Json.createReader(new StringReader(decoded(s).get(".dockerconfigjson"))).readObject().getJsonObject("auths");
        assertEquals(List.of("ghcr.io", "quay.io"), List.copyOf(auths.keySet()));
        JsonObject ghcr = auths.getJsonObject("ghcr.io");
        assertEquals("bot", ghcr.getString("username"));
        assertEquals(p1, ghcr.getString("password"));
        assertEquals("bot:" + p1, new String(Base64.getDecoder().decode(ghcr.getString("auth")), StandardCharsets.UTF_8));
        assertEquals("robot:" + p2, new String(Base64.getDecoder().decode(auths.getJsonObject("quay.io").getString("auth")),
                StandardCharsets.UTF_8));
        assertEquals("literal:GHCR,literal:QUAY", s.getMetadata().getAnnotations().get(Provenance.SOURCES));
    }

    @Test
    void aDockerValueWithoutAPasswordFailsNamingTheMemberNeverTheValue() {
        String user = TestValues.text();
        DeliverySpec spec = spec(manager("ci", literal("inline", "GHCR", "{\"username\":\"" + user + "\",\"registry\":\"ghcr.io\"}"),
                List.of(docker("registry", "pull-secret")), secret("GHCR")));
        SpecException e = thrown(() -> SecretLayout.plan(spec).build(Connectors.builder(spec).build()));
        assertTrue(e.getMessage().contains("secrets.GHCR: secret 'GHCR' of manager 'ci' (literal:GHCR) for dockerconfigjson provider"
                + " 'registry' of manager 'ci': the value has no member 'password' (it has: username, registry);"
                + " give {username, password, registry}"), e.getMessage());

        DeliverySpec text = spec(manager("ci", literal("inline", "GHCR", TestValues.text()),
                List.of(docker("registry", "pull-secret")), secret("GHCR")));
        SpecException notJson = thrown(() -> SecretLayout.plan(text).build(Connectors.builder(text).build()));
        assertTrue(notJson.getMessage().contains("the value is not a flat JSON object; give {username, password, registry}"),
                notJson.getMessage());
    }

    @Test
    void twoDockerSecretsForOneRegistryFail() {
        DeliverySpec spec = spec(manager("ci", literal("inline", "A", registry("ghcr.io", "a", TestValues.text()),
                        "B", registry("ghcr.io", "b", TestValues.text())),
                List.of(docker("registry", "pull-secret")), secret("A"), secret("B")));
        SpecException e = thrown(() -> SecretLayout.plan(spec).build(Connectors.builder(spec).build()));
        assertTrue(e.getMessage().contains("it names the same registry as secret 'A' of manager 'ci'"), e.getMessage());
    }

    @Test
    void basicAuthHasUsernameAndPassword() {
        String password = TestValues.text();
        DeliverySpec spec = spec(manager("db", literal("inline", "ADMIN", "{\"username\":\"admin\",\"password\":\"" + password + "\"}"),
                List.of(basic("auth", "db-admin", "data")), secret("ADMIN")));
        Secret s = roundTrip(SecretLayout.plan(spec).build(Connectors.builder(spec).build())).get(0);
        assertEquals("kubernetes.io/basic-auth", s.getType());
        assertEquals(Map.of("username", "admin", "password", password), decoded(s));
        assertEquals("literal:ADMIN", s.getMetadata().getAnnotations().get(Provenance.SOURCES), "one source per secret");
    }

    @Test
    void twoSecretsOnOneBasicAuthProviderCollideOnItsKeys() {
        DeliverySpec spec = spec(manager("db", literal("inline"), List.of(basic("auth", "db-admin", "data")), secret("A"), secret("B")));
        SpecException e = thrown(() -> SecretLayout.plan(spec));
        assertTrue(e.getMessage().contains("key 'username' of Secret 'db-admin' in namespace 'data'"), e.getMessage());
        assertTrue(e.getMessage().contains("holds one secret: give the other one a provider of its own"), e.getMessage());
    }

    @Test
    void tlsTakesKubernetesOrShortMemberNamesAndChecksPem() {
        String cert = pem("CERTIFICATE");
        String key = pem("PRIVATE KEY");
        DeliverySpec spec = spec(manager("edge", literal("inline",
                        "A", Json.createObjectBuilder().add("tls.crt", cert).add("tls.key", key).build().toString(),
                        "B", Json.createObjectBuilder().add("cert", cert).add("key", key).build().toString()),
                List.of(tls("a", "a-tls", "edge"), tls("b", "b-tls", "edge")), secret("A"), secret("B", "b")));
        List<Secret> secrets = roundTrip(SecretLayout.plan(spec).build(Connectors.builder(spec).build()));
        for (Secret s : secrets) {
            assertEquals("kubernetes.io/tls", s.getType());
            assertEquals(Map.of("tls.crt", cert, "tls.key", key), decoded(s));
        }

        String notPem = TestValues.text();
        DeliverySpec bad = spec(manager("edge", literal("inline", "A",
                        Json.createObjectBuilder().add("cert", cert).add("key", notPem).build().toString()),
                List.of(tls("a", "a-tls")), secret("A")));
        SpecException e = thrown(() -> SecretLayout.plan(bad).build(Connectors.builder(bad).build()));
        assertTrue(e.getMessage().contains("member 'key' is not a PEM block (it must start with -----BEGIN)"), e.getMessage());
    }

    @Test
    void eachSecretIsLoadedOnceAndAMissingOneStopsTheBuild() {
        DeliverySpec spec = spec(manager("backend", env("env", null), List.of(opaque("app", "s", "a", "b")), secret("DATABASE_URL")));
        SpecException e = thrown(() -> SecretLayout.plan(spec).build(Connectors.builder(spec).environment(Map.of()).build()));
        assertTrue(e.getMessage().contains("secret 'DATABASE_URL' of manager 'backend': environment variable "
                + "COFFER_SECRET_DATABASE_URL is not set"), e.getMessage());
    }

    @Test
    void overwriteAcrossManagersKeepsTheLaterSecretAndReportsIt() {
        String early = TestValues.text();
        String late = TestValues.text();
        DeliverySpec spec = spec(policy(ConflictLevel.CROSS_MANAGER, ConflictStrategy.OVERWRITE),
                manager("frontend", literal("inline", "K", early), List.of(opaque("app", "shared", "apps")), secret("K")),
                manager("backend", literal("inline", "K", late), List.of(opaque("app", "shared", "apps")), secret("K")));
        SecretLayout layout = SecretLayout.plan(spec);
        seen.addAll(layout.reports());
        assertEquals(1, layout.reports().size(), layout.reports().toString());
        ManagerSpec frontend = spec.manager("frontend").orElseThrow();
        assertEquals(1, Placements.of(frontend, frontend.secrets().get(0)).size(), "the rule alone still places it");
        assertEquals(List.of(), layout.placements(frontend, frontend.secrets().get(0)), "but it was overwritten");
        ManagerSpec backend = spec.manager("backend").orElseThrow();
        assertEquals(Placements.of(backend, backend.secrets().get(0)), layout.placements(backend, backend.secrets().get(0)));
        assertTrue(layout.reports().get(0).startsWith("overwrite: Secret.Opaque:apps/shared of provider 'app' of manager 'backend'"),
                layout.reports().get(0));
        Secret s = layout.build(Connectors.builder(spec).build()).get(0);
        assertEquals(Map.of("K", late), decoded(s));
        assertEquals("backend", s.getMetadata().getLabels().get(Provenance.MANAGER));
    }

    @Test
    void autoMergeAcrossManagersMergesKeysIntoOneSecret() {
        String a = TestValues.text();
        String b = TestValues.text();
        DeliverySpec spec = spec(policy(ConflictLevel.CROSS_MANAGER, ConflictStrategy.AUTO_MERGE),
                manager("frontend", literal("inline", "A", a), List.of(opaque("app", "shared", "apps")), secret("A")),
                manager("backend", literal("inline", "B", b), List.of(opaque("app", "shared", "apps")), secret("B")));
        List<Secret> secrets = SecretLayout.plan(spec).build(Connectors.builder(spec).build());
        assertEquals(1, secrets.size());
        assertEquals(Map.of("A", a, "B", b), decoded(secrets.get(0)));
        assertEquals("frontend", secrets.get(0).getMetadata().getLabels().get(Provenance.MANAGER), "the first claimant owns it");
        assertEquals("literal:A,literal:B", secrets.get(0).getMetadata().getAnnotations().get(Provenance.SOURCES));
    }

    private SpecException thrown(org.junit.jupiter.api.function.Executable call) {
        SpecException e = Expect.thrown(SpecException.class, call);
        seen.add(e.getMessage());
        return e;
    }

    /** Serialized as the CLI would and read back with kubernetes-model; labels and annotations noted for the scan. */
    private List<Secret> roundTrip(List<Secret> secrets) {
        List<Secret> back = new ArrayList<>();
        for (HasMetadata o : Manifests.read("round-trip", Manifests.yaml(secrets))) {
            back.add((Secret) o);
        }
        for (Secret s : secrets) {
            seen.add(String.valueOf(s.getMetadata().getLabels()));
            seen.add(String.valueOf(s.getMetadata().getAnnotations()));
        }
        return back;
    }

    private Map<String, String> decoded(Secret s) {
        seen.add(String.valueOf(s.getMetadata().getLabels()));
        seen.add(String.valueOf(s.getMetadata().getAnnotations()));
        Map<String, String> out = new java.util.LinkedHashMap<>();
        s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        return out;
    }

    private static String registry(String registry, String user, String password) {
        return Json.createObjectBuilder().add("username", user).add("password", password).add("registry", registry).build().toString();
    }

    private static String pem(String label) {
        return "-----BEGIN " + label + "-----\n" + TestValues.text() + "\n-----END " + label + "-----\n";
    }
}
