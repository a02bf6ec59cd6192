package dev.coffer.server.k8s.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The delivery spec's YAML: the reference spec read into records, and every refusal with its line and field. */
class SpecReaderTest {
    private static final String F = "spec.yaml";
    private static final String REF = "spec-reference.yaml";
    /** The first two lines of every spec below, so that their line numbers start at 3. */
    private static final String HEAD = """
            apiVersion: coffer.dev/v1alpha1
            kind: DeliverySpec
            """;
    /** A valid manager (lines 3-10) for cases about what comes after it. */
    private static final String BACKEND = HEAD + """
            managers:
              - name: backend
                connectors:
                  env: { type: env }
                providers:
                  app: { type: opaque, name: backend-secrets }
                secrets:
                  - name: DATABASE_URL
            """;

    @TempDir
    Path dir;

    private static String reference() throws IOException {
        try (InputStream in = SpecReaderTest.class.getResourceAsStream("/k8s/" + REF)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Where at(int line, String field) {
        return new Where(REF, line, field);
    }

    private static String error(String yaml) {
        return assertThrows(SpecException.class, () -> SpecReader.parse(F, yaml, Path.of("/specs"))).getMessage();
    }

    @Test
    void theReferenceSpecReadsIntoTheExpectedRecords() throws IOException {
        DeliverySpec spec = SpecReader.parse(REF, reference(), Path.of("/specs"));

        assertEquals(REF, spec.file());
        assertEquals(Optional.of(new CofferServer("https://coffer.internal:8480", Optional.of(Path.of("/var/run/secrets/coffer/token")),
                at(4, "coffer"))), spec.coffer());
        assertEquals(new ConflictPolicy(false, Map.of(ConflictLevel.INTRA_PROVIDER, ConflictStrategy.AUTO_MERGE,
                ConflictLevel.CROSS_PROVIDER, ConflictStrategy.ERROR, ConflictLevel.CROSS_MANAGER, ConflictStrategy.ERROR)), spec.conflicts());

        Map<String, ConnectorSpec> connectors = new LinkedHashMap<>();
        connectors.put("env", new ConnectorSpec.Env("env", "COFFER_SECRET_", Optional.of(Path.of("/specs/.env")), at(13, "managers[0].connectors.env")));
        connectors.put("vault", new ConnectorSpec.Coffer("vault", Optional.of("prod"), at(14, "managers[0].connectors.vault")));
        connectors.put("fixture", new ConnectorSpec.Literal("fixture", Map.of("API_KEY", "not-a-real-key"), at(15, "managers[0].connectors.fixture")));
        Map<String, ProviderSpec> providers = new LinkedHashMap<>();
        providers.put("app", new ProviderSpec.Opaque("app", "backend-app-secrets", List.of("apps", "apps-staging"), at(18, "managers[0].providers.app")));
        providers.put("registry", new ProviderSpec.DockerConfigJson("registry", "registry-secrets", List.of("default"),
                at(19, "managers[0].providers.registry")));
        providers.put("basic", new ProviderSpec.BasicAuth("basic", "backend-basic", List.of("default"), at(20, "managers[0].providers.basic")));
        providers.put("tls", new ProviderSpec.Tls("tls", "backend-tls", List.of("default"), at(21, "managers[0].providers.tls")));
        providers.put("agent", new ProviderSpec.Agent("agent", "ghcr.io/acme/coffer:0.1.0", AgentMode.BOTH, "http://coffer.coffer.svc:8480", "coffer",
                "/run/coffer/secrets", List.of("apps"), at(22, "managers[0].providers.agent")));
        List<SecretSpec> secrets = List.of(
                new SecretSpec("DATABASE_URL", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), at(26, "managers[0].secrets[0]")),
                new SecretSpec("db-password", Optional.of("vault"), Optional.empty(), Optional.of("payments/db-password#current"), Optional.of("password"),
                        at(27, "managers[0].secrets[1]")),
                new SecretSpec("DOCKER_REGISTRY_TOKEN", Optional.empty(), Optional.of("registry"), Optional.empty(), Optional.empty(),
                        at(28, "managers[0].secrets[2]")),
                new SecretSpec("API_KEY", Optional.of("fixture"), Optional.empty(), Optional.empty(), Optional.empty(), at(29, "managers[0].secrets[3]")),
                new SecretSpec("admin-login", Optional.of("vault"), Optional.of("basic"), Optional.of("payments/admin-login"), Optional.empty(),
                        at(30, "managers[0].secrets[4]")),
                new SecretSpec("tls-cert", Optional.of("vault"), Optional.of("tls"), Optional.of("payments/tls@3"), Optional.empty(),
                        at(31, "managers[0].secrets[5]")),
                new SecretSpec("SESSION_KEY", Optional.of("vault"), Optional.of("agent"), Optional.of("payments/session-key#next"), Optional.empty(),
                        at(32, "managers[0].secrets[6]")));
        ManagerSpec backend = new ManagerSpec("backend", connectors, Optional.of("env"), providers, Optional.of("app"), secrets, at(11, "managers[0]"));
        ManagerSpec frontend = new ManagerSpec("frontend",
                Map.of("coffer", new ConnectorSpec.Coffer("coffer", Optional.empty(), at(35, "managers[1].connectors.coffer"))), Optional.of("coffer"),
                Map.of("app", new ProviderSpec.Opaque("app", "frontend-app-secrets", List.of("apps"), at(37, "managers[1].providers.app"))),
                Optional.of("app"),
                List.of(new SecretSpec("FRONTEND_API_KEY", Optional.empty(), Optional.empty(), Optional.of("prod/web/api-key"), Optional.empty(),
                        at(39, "managers[1].secrets[0]"))),
                at(33, "managers[1]"));
        assertEquals(List.of(backend, frontend), spec.managers());
        // Map equality ignores order; the order written is part of the contract.
        assertEquals(List.of("env", "vault", "fixture"), List.copyOf(spec.managers().get(0).connectors().keySet()));
        assertEquals(List.of("app", "registry", "basic", "tls", "agent"), List.copyOf(spec.managers().get(0).providers().keySet()));

        Optional<String> none = Optional.empty();
        WorkloadSpec web = new WorkloadSpec("web", Optional.of(Path.of("/specs/k8s/web.yaml")), Optional.empty(), Optional.of("deployment/web"), List.of(
                new InjectionSpec("backend", Optional.of("DATABASE_URL"), none, Optional.of(InjectionKind.ENV), Optional.of("DB_CONNECTION"),
                        Optional.empty(), none, none, at(45, "workloads[0].inject[0]")),
                new InjectionSpec("backend", Optional.of("db-password"), none, Optional.of(InjectionKind.ENV), none,
                        Optional.of(new ContainerRef.ByIndex(1)), none, none, at(46, "workloads[0].inject[1]")),
                new InjectionSpec("backend", Optional.of("API_KEY"), none, Optional.of(InjectionKind.ENV), none,
                        Optional.of(new ContainerRef.ByName("app")), none, none, at(47, "workloads[0].inject[2]")),
                new InjectionSpec("backend", Optional.of("tls-cert"), none, Optional.of(InjectionKind.VOLUME), Optional.of("tls.crt"),
                        Optional.empty(), none, Optional.of("/etc/tls"), at(48, "workloads[0].inject[3]")),
                new InjectionSpec("backend", none, Optional.of("app"), Optional.of(InjectionKind.ENV_FROM), none,
                        Optional.empty(), Optional.of("deployment/worker"), none, at(49, "workloads[0].inject[4]")),
                new InjectionSpec("backend", none, Optional.of("basic"), Optional.of(InjectionKind.ENV_FROM), none,
                        Optional.empty(), none, none, at(50, "workloads[0].inject[5]")),
                new InjectionSpec("backend", Optional.of("DOCKER_REGISTRY_TOKEN"), none, Optional.of(InjectionKind.IMAGE_PULL_SECRETS), none,
                        Optional.empty(), none, none, at(51, "workloads[0].inject[6]"))),
                at(41, "workloads[0]"));
        WorkloadSpec api = new WorkloadSpec("api", Optional.empty(),
                Optional.of(new GeneratedDeployment("api-service", "apps", "api:1.0", 2, OptionalInt.of(8080))), none, List.of(
                new InjectionSpec("backend", Optional.of("SESSION_KEY"), none, Optional.of(InjectionKind.VOLUME), Optional.of("session.key"),
                        Optional.empty(), none, none, at(55, "workloads[1].inject[0]")),
                new InjectionSpec("frontend", Optional.of("FRONTEND_API_KEY"), none, Optional.of(InjectionKind.ENV), Optional.of("API_KEY"),
                        Optional.empty(), Optional.of("deployment/api-service"), none, at(56, "workloads[1].inject[1]"))),
                at(52, "workloads[1]"));
        assertEquals(List.of(web, api), spec.workloads());

        assertEquals(List.of("spec-reference.yaml:46: workloads[0].inject[1]: the variable is named 'db-password' (the secret's name), which is"
                + " not a C identifier and which shells and many programs cannot read: add `as:` with letters, digits and _"), SpecReader.warnings(spec));
    }

    @Test
    void readResolvesRelativePathsAgainstTheSpecsDirectory() throws IOException {
        Path file = dir.resolve("delivery.yaml");
        Files.writeString(file, BACKEND.replace("env: { type: env }", "env: { type: env, envFile: secrets/.env }") + """
                workloads:
                  - { id: web, file: ../k8s/web.yaml, inject: [ { manager: backend, secret: DATABASE_URL, kind: env } ] }
                """);
        DeliverySpec spec = SpecReader.read(file);
        assertEquals(file.toString(), spec.file());
        ConnectorSpec.Env env = (ConnectorSpec.Env) spec.managers().get(0).connectors().get("env");
        assertEquals(Optional.of(dir.toAbsolutePath().resolve("secrets/.env")), env.envFile());
        assertEquals(Optional.of(dir.toAbsolutePath().resolve("../k8s/web.yaml")), spec.workloads().get(0).file());
        assertEquals(new Where(file.toString(), 10, "managers[0].secrets[0]"), spec.managers().get(0).secrets().get(0).where());
    }

    @Test
    void defaultsApplyWhereTheSpecIsSilent() {
        DeliverySpec spec = SpecReader.parse(F, BACKEND, null);
        ManagerSpec m = spec.managers().get(0);
        assertEquals(Optional.of("env"), m.defaultConnector());
        assertEquals(Optional.of("app"), m.defaultProvider());
        assertEquals(new ConnectorSpec.Env("env", "COFFER_SECRET_", Optional.empty(), new Where(F, 6, "managers[0].connectors.env")),
                m.connectorOf(m.secrets().get(0)));
        assertEquals(List.of("default"), m.providerOf(m.secrets().get(0)).namespaces());
        assertEquals(ConflictPolicy.DEFAULTS, spec.conflicts());
        assertEquals(Optional.empty(), spec.coffer());
        assertEquals(List.of(), spec.workloads());
    }

    @Test
    void anAgentProviderTakesItsDefaults() {
        DeliverySpec spec = SpecReader.parse(F, HEAD + """
                managers:
                  - name: backend
                    connectors: { vault: { type: coffer, environment: prod } }
                    providers: { agent: { type: agent, image: "coffer:1", server: "https://coffer:8480" } }
                    secrets: [ { name: token, path: payments/token } ]
                workloads:
                  - { id: api, generate: { name: api, image: "api:1" }, inject: [ { manager: backend, secret: token } ] }
                """, null);
        assertEquals(new ProviderSpec.Agent("agent", "coffer:1", AgentMode.BOTH, "https://coffer:8480", "coffer", "/run/coffer/secrets",
                List.of("default"), new Where(F, 6, "managers[0].providers.agent")), spec.managers().get(0).providers().get("agent"));
        assertEquals(new GeneratedDeployment("api", "default", "api:1", 1, OptionalInt.empty()), spec.workloads().get(0).generate().orElseThrow());
        assertEquals(Optional.of(InjectionKind.VOLUME), spec.workloads().get(0).inject().get(0).kind());
    }

    @Test
    void strictWithStrategiesIsReadAndWarned() {
        DeliverySpec spec = SpecReader.parse(F, BACKEND + """
                conflicts: { strict: true, strategies: { crossManager: overwrite } }
                """, null);
        assertEquals(ConflictStrategy.ERROR, spec.conflicts().at(ConflictLevel.CROSS_MANAGER));
        assertEquals(ConflictStrategy.OVERWRITE, spec.conflicts().strategies().get(ConflictLevel.CROSS_MANAGER));
        assertTrue(SpecReader.warnings(spec).contains("spec.yaml: conflicts.strategies: ignored: strict: true makes every level error"));
    }

    @Test
    void aSecretNoWorkloadInjectsIsDeliveredAsASecretOnlyAndWarned() {
        DeliverySpec spec = SpecReader.parse(F, HEAD + """
                managers:
                  - name: backend
                    connectors: { fixture: { type: literal, values: { A: "1", B: "2", UNUSED: "3" } } }
                    providers: { app: { type: opaque, name: backend-app-secrets, namespaces: [apps, apps-staging] } }
                    secrets: [ { name: A }, { name: B } ]
                workloads:
                  - { id: web, file: web.yaml, inject: [ { manager: backend, secret: A, kind: env } ] }
                """, null);
        assertEquals(List.of(
                "spec.yaml:5: managers[0].connectors.fixture: literal value 'UNUSED' is read by no secret of manager 'backend'",
                "spec.yaml:7: managers[0].secrets[1]: secret 'B' of manager 'backend' is injected into no workload: delivered as Secret"
                        + " backend-app-secrets only (in apps, apps-staging)"),
                SpecReader.warnings(spec));
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of("empty", "", "spec.yaml: is empty; start with apiVersion: coffer.dev/v1alpha1 and kind: DeliverySpec"),
                Arguments.of("not YAML", HEAD + "managers: [ { name: a\n", "spec.yaml:4: is not valid YAML: expected ',' or '}', but got <stream end>"),
                Arguments.of("duplicate key", BACKEND + "managers: []\n", "spec.yaml:11: managers: is written twice (first at line 3); remove one"),
                Arguments.of("wrong apiVersion", "apiVersion: v1\nkind: DeliverySpec\n",
                        "spec.yaml:1: apiVersion: 'v1' is not supported; write apiVersion: coffer.dev/v1alpha1"),
                Arguments.of("wrong kind", "apiVersion: coffer.dev/v1alpha1\nkind: Deployment\n",
                        "spec.yaml:2: kind: 'Deployment' is not a delivery spec; write kind: DeliverySpec"),
                Arguments.of("no apiVersion", "kind: DeliverySpec\n", "spec.yaml:1: apiVersion: is required"),
                Arguments.of("unknown root key", HEAD + "manager: []\n",
                        "spec.yaml:3: manager: is not a known key; known: apiVersion, kind, coffer, conflicts, managers, workloads"),
                Arguments.of("managers not a list", HEAD + "managers: { name: backend }\n", "spec.yaml:3: managers: must be a list, not a mapping"),
                Arguments.of("no manager", HEAD + "managers: []\n", "spec.yaml:3: managers: lists no manager; give at least one (one per team)"),
                Arguments.of("name not a string", BACKEND.replace("name: backend", "name: 42"),
                        "spec.yaml:4: managers[0].name: must be a string, not a number; put it in quotes"),
                Arguments.of("manager name not a label", BACKEND.replace("name: backend", "name: Backend_Team"),
                        "spec.yaml:4: managers[0].name: 'Backend_Team' is not a valid manager name: lowercase letters, digits and -, starting and"
                                + " ending with a letter or digit, at most 63 characters (a DNS-1123 label)"),
                Arguments.of("duplicate manager", BACKEND + """
                          - name: backend
                            connectors: { env: { type: env } }
                            providers: { app: { type: opaque, name: other } }
                            secrets: [ { name: X } ]
                        """, "spec.yaml:11: managers[1].name: manager name 'backend' is already used at spec.yaml:4; give each team's manager its own name"),
                Arguments.of("unknown connector type", BACKEND.replace("{ type: env }", "{ type: vault }"),
                        "spec.yaml:6: managers[0].connectors.env.type: 'vault' is not one of coffer, env, literal"),
                Arguments.of("unknown connector key", BACKEND.replace("{ type: env }", "{ type: env, prefx: APP_ }"),
                        "spec.yaml:6: managers[0].connectors.env.prefx: is not a known key; known: type, prefix, envFile"),
                Arguments.of("bad connector id", BACKEND.replace("env: { type: env }", "1env: { type: env }"),
                        "spec.yaml:6: managers[0].connectors.1env: '1env' is not a valid connector id: a letter, then letters, digits, _ and - (at most 63)"),
                Arguments.of("bad prefix", BACKEND.replace("{ type: env }", "{ type: env, prefix: APP- }"),
                        "spec.yaml:6: managers[0].connectors.env.prefix: 'APP-' is not a variable prefix: letters, digits and _, not starting with a digit"),
                Arguments.of("bad environment", BACKEND.replace("{ type: env }", "{ type: coffer, environment: Prod }"),
                        "spec.yaml:6: managers[0].connectors.env.environment: 'Prod' is not an environment: environment must match [a-z][a-z0-9-]{0,62}"),
                Arguments.of("unknown provider type", BACKEND.replace("type: opaque", "type: generic"),
                        "spec.yaml:8: managers[0].providers.app.type: 'generic' is not one of opaque, dockerconfigjson, basic-auth, tls, agent"),
                Arguments.of("provider without name", BACKEND.replace("{ type: opaque, name: backend-secrets }", "{ type: opaque }"),
                        "spec.yaml:8: managers[0].providers.app.name: is required"),
                Arguments.of("Secret name not a subdomain", BACKEND.replace("backend-secrets", "Backend_Secrets"),
                        "spec.yaml:8: managers[0].providers.app.name: 'Backend_Secrets' is not a valid Secret name: lowercase letters, digits, - and .,"
                                + " starting and ending with a letter or digit, at most 253 characters (a DNS-1123 subdomain)"),
                Arguments.of("namespaces not a list", BACKEND.replace("name: backend-secrets", "name: backend-secrets, namespaces: apps"),
                        "spec.yaml:8: managers[0].providers.app.namespaces: must be a list, not a string"),
                Arguments.of("duplicate namespace", BACKEND.replace("name: backend-secrets", "name: backend-secrets, namespaces: [apps, web, apps]"),
                        "spec.yaml:8: managers[0].providers.app.namespaces[2]: namespace 'apps' is listed twice (first at line 8); remove one"),
                Arguments.of("namespace not a label", BACKEND.replace("name: backend-secrets", "name: backend-secrets, namespaces: [apps.prod]"),
                        "spec.yaml:8: managers[0].providers.app.namespaces[0]: 'apps.prod' is not a valid namespace: lowercase letters, digits and -,"
                                + " starting and ending with a letter or digit, at most 63 characters (a DNS-1123 label)"),
                Arguments.of("agent server not a URL", BACKEND.replace("{ type: opaque, name: backend-secrets }",
                                "{ type: agent, image: \"coffer:1\", server: coffer.svc }"),
                        "spec.yaml:8: managers[0].providers.app.server: 'coffer.svc' is not an http(s) URL, e.g. https://coffer.internal:8443"),
                Arguments.of("agent mode unknown", BACKEND.replace("{ type: opaque, name: backend-secrets }",
                                "{ type: agent, image: \"coffer:1\", server: \"https://c\", mode: always }"),
                        "spec.yaml:8: managers[0].providers.app.mode: 'always' is not one of init, sidecar, both"),
                Arguments.of("agent mountPath relative", BACKEND.replace("{ type: opaque, name: backend-secrets }",
                                "{ type: agent, image: \"coffer:1\", server: \"https://c\", mountPath: run/coffer }"),
                        "spec.yaml:8: managers[0].providers.app.mountPath: 'run/coffer' is not an absolute path without '..' or ':', e.g. /etc/secrets"),
                Arguments.of("unknown default provider", BACKEND.replace("    secrets:", "    defaultProvider: ap\n    secrets:"),
                        "spec.yaml:9: managers[0].defaultProvider: unknown provider 'ap'; known: app"),
                Arguments.of("unknown provider of a secret", BACKEND.replace("- name: DATABASE_URL", "- { name: DATABASE_URL, provider: registy }"),
                        "spec.yaml:10: managers[0].secrets[0].provider: unknown provider 'registy' in manager 'backend'; known: app"),
                Arguments.of("no default provider", BACKEND.replace("app: { type: opaque, name: backend-secrets }",
                                "app: { type: opaque, name: backend-secrets }\n      web: { type: opaque, name: web-secrets }"),
                        "spec.yaml:11: managers[0].secrets[0]: secret 'DATABASE_URL' names no provider and manager 'backend' has no defaultProvider:"
                                + " add `provider:` or `defaultProvider:`"),
                Arguments.of("no default connector", BACKEND.replace("env: { type: env }", "env: { type: env }\n      other: { type: env }"),
                        "spec.yaml:11: managers[0].secrets[0]: secret 'DATABASE_URL' names no connector and manager 'backend' has no defaultConnector:"
                                + " add `connector:` or `defaultConnector:`"),
                Arguments.of("secrets not a list", BACKEND.replace("    secrets:\n      - name: DATABASE_URL\n", "    secrets: DATABASE_URL\n"),
                        "spec.yaml:9: managers[0].secrets: must be a list, not a string"),
                Arguments.of("bad secret name", BACKEND.replace("name: DATABASE_URL", "name: \"DATABASE URL\""),
                        "spec.yaml:10: managers[0].secrets[0].name: 'DATABASE URL' is not a valid secret name: letters, digits, _, . and - (at most 253)"),
                Arguments.of("duplicate secret", BACKEND + "      - name: DATABASE_URL\n",
                        "spec.yaml:11: managers[0].secrets[1].name: secret 'DATABASE_URL' is already declared at spec.yaml:10;"
                                + " names are unique within a manager"),
                Arguments.of("unknown secret key", BACKEND.replace("- name: DATABASE_URL", "- { name: DATABASE_URL, as: DB }"),
                        "spec.yaml:10: managers[0].secrets[0].as: is not a known key; known: name, connector, provider, path, key"),
                Arguments.of("env variable not a C identifier", BACKEND.replace("name: DATABASE_URL", "name: db-url"),
                        "spec.yaml:10: managers[0].secrets[0].name: secret 'db-url' reads the variable COFFER_SECRET_db-url (connector 'env'),"
                                + " which is not a valid variable name: use letters, digits and _ in the name, or another connector"),
                Arguments.of("coffer connector without path", BACKEND.replace("{ type: env }", "{ type: coffer, environment: prod }"),
                        "spec.yaml:10: managers[0].secrets[0].path: is required: secret 'DATABASE_URL' reads coffer connector 'env', and a coffer"
                                + " connector needs `path:` on each secret, e.g. path: payments/db-password"),
                Arguments.of("bad coffer path", BACKEND.replace("{ type: env }", "{ type: coffer, environment: prod }")
                                .replace("- name: DATABASE_URL", "- { name: DATABASE_URL, path: \"payments/db@latest\" }"),
                        "spec.yaml:10: managers[0].secrets[0].path: 'payments/db@latest': version 'latest' after @ is not a number; write e.g. @3"),
                Arguments.of("coffer path without environment", BACKEND.replace("{ type: env }", "{ type: coffer }")
                                .replace("- name: DATABASE_URL", "- { name: DATABASE_URL, path: db-url }"),
                        "spec.yaml:10: managers[0].secrets[0].path: 'db-url': a secret path has no path after the environment; write"
                                + " <environment>/<path>; write <environment>/<path>[#alias|@version] (connector 'env' names no environment, so the path"
                                + " starts with one)"),
                Arguments.of("path on an env connector", BACKEND.replace("- name: DATABASE_URL", "- { name: DATABASE_URL, path: prod/db }"),
                        "spec.yaml:10: managers[0].secrets[0].path: is only for coffer connectors; secret 'DATABASE_URL' reads connector 'env' (env)"),
                Arguments.of("literal without the value", BACKEND.replace("{ type: env }", "{ type: literal, values: { OTHER: \"x\" } }"),
                        "spec.yaml:10: managers[0].secrets[0]: literal connector 'env' has no value for secret 'DATABASE_URL': add DATABASE_URL under"
                                + " its values (managers[0].connectors.env.values)"),
                Arguments.of("literal value not a string", BACKEND.replace("{ type: env }", "{ type: literal, values: { DATABASE_URL: 5432 } }"),
                        "spec.yaml:6: managers[0].connectors.env.values.DATABASE_URL: must be a string, not a number; put it in quotes"),
                Arguments.of("agent fed by env", BACKEND.replace("{ type: opaque, name: backend-secrets }",
                                "{ type: agent, image: \"coffer:1\", server: \"https://c\" }"),
                        "spec.yaml:10: managers[0].secrets[0]: secret 'DATABASE_URL' is delivered by agent provider 'app', which reads Coffer itself:"
                                + " its connector must be a coffer connector, not 'env' (env)"),
                Arguments.of("agent secret delivered nowhere", BACKEND.replace("{ type: env }", "{ type: coffer, environment: prod }")
                                .replace("{ type: opaque, name: backend-secrets }", "{ type: agent, image: \"coffer:1\", server: \"https://c\" }")
                                .replace("- name: DATABASE_URL", "- { name: DATABASE_URL, path: db }"),
                        "spec.yaml:10: managers[0].secrets[0]: secret 'DATABASE_URL' of manager 'backend' is delivered by agent provider 'app', and no"
                                + " workload injects it, so it is delivered nowhere: inject it into a workload, or move it to a Secret provider"),
                Arguments.of("workload without file or generate", BACKEND + """
                        workloads:
                          - id: web
                            inject: [ { manager: backend, secret: DATABASE_URL } ]
                        """, "spec.yaml:12: workloads[0]: workload 'web' has neither `file:` nor `generate:`; give exactly one:"
                                + " file: <manifest.yaml> or generate: { name, image }"),
                Arguments.of("workload with file and generate", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, generate: { name: web, image: "web:1" }, inject: [ { manager: backend, provider: app } ] }
                        """, "spec.yaml:12: workloads[0]: workload 'web' has both `file:` and `generate:`; give exactly one:"
                                + " file: <manifest.yaml> or generate: { name, image }"),
                Arguments.of("envFrom with as", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, provider: app, as: X } ] }
                        """, "spec.yaml:12: workloads[0].inject[0].as: is not for kind envFrom, which injects every key of Secret backend-secrets"
                                + " under its own name"),
                Arguments.of("no injection", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, inject: [] }
                        """, "spec.yaml:12: workloads[0].inject: lists no injection; give at least one, e.g. - { manager: backend, secret:"
                                + " DATABASE_URL, kind: env }"),
                Arguments.of("duplicate workload", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, secret: DATABASE_URL, kind: env } ] }
                          - { id: web, file: web2.yaml, inject: [ { manager: backend, secret: DATABASE_URL, kind: env } ] }
                        """, "spec.yaml:13: workloads[1].id: workload id 'web' is already used at spec.yaml:12; give each workload its own id"),
                Arguments.of("unknown manager", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend-team, secret: DATABASE_URL } ] }
                        """, "spec.yaml:12: workloads[0].inject[0].manager: unknown manager 'backend-team'; known: backend"),
                Arguments.of("unknown secret", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, secret: DATABASE } ] }
                        """, "spec.yaml:12: workloads[0].inject[0].secret: unknown secret 'DATABASE' in manager 'backend'; known: DATABASE_URL"),
                Arguments.of("several kinds, none given", BACKEND + """
                        workloads:
                          - id: web
                            file: web.yaml
                            inject:
                              - { manager: backend, secret: DATABASE_URL }
                        """, "spec.yaml:15: workloads[0].inject[0]: provider 'app' (opaque) supports env, envFrom, volume: give `kind:`"),
                Arguments.of("kind the provider lacks", HEAD + """
                        managers:
                          - name: backend
                            connectors: { env: { type: env } }
                            providers: { registry: { type: dockerconfigjson, name: registry-secrets } }
                            secrets: [ { name: DOCKER_REGISTRY_TOKEN } ]
                        workloads:
                          - id: web
                            file: web.yaml
                            inject:
                              - { manager: backend, secret: DOCKER_REGISTRY_TOKEN, kind: env }
                        """, "spec.yaml:12: workloads[0].inject[0].kind: kind 'env' is not supported by provider 'registry' (dockerconfigjson):"
                                + " it supports imagePullSecrets"),
                Arguments.of("secret and provider", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, secret: DATABASE_URL, provider: app } ] }
                        """, "spec.yaml:12: workloads[0].inject[0]: has both `secret:` and `provider:`; give exactly one: secret: <name> (one secret)"
                                + " or provider: <id> (its whole Secret, kind envFrom)"),
                Arguments.of("neither secret nor provider", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, kind: env } ] }
                        """, "spec.yaml:12: workloads[0].inject[0]: names neither `secret:` nor `provider:`; give exactly one: secret: <name>"
                                + " (one secret) or provider: <id> (its whole Secret, kind envFrom)"),
                Arguments.of("provider with kind env", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, provider: app, kind: env } ] }
                        """, "spec.yaml:12: workloads[0].inject[0].kind: `provider:` injects a whole Secret and goes only with kind envFrom;"
                                + " to inject one secret as env, name it with `secret:`"),
                Arguments.of("secret with kind envFrom", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, secret: DATABASE_URL, kind: envFrom } ] }
                        """, "spec.yaml:12: workloads[0].inject[0].kind: kind envFrom injects a whole Secret: write `provider: app` instead of `secret:`"),
                Arguments.of("as not an env name", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, secret: DATABASE_URL, kind: env, as: db-url } ] }
                        """, "spec.yaml:12: workloads[0].inject[0].as: 'db-url' is not a valid environment variable name: letters, digits and _,"
                                + " not starting with a digit"),
                Arguments.of("volume without mountPath", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, secret: DATABASE_URL, kind: volume } ] }
                        """, "spec.yaml:12: workloads[0].inject[0].mountPath: is required for kind volume on provider 'app' (opaque): the directory"
                                + " the file appears in, e.g. mountPath: /etc/secrets"),
                Arguments.of("mountPath on an agent injection", HEAD + """
                        managers:
                          - name: backend
                            connectors: { vault: { type: coffer, environment: prod } }
                            providers: { agent: { type: agent, image: "coffer:1", server: "https://c" } }
                            secrets: [ { name: token, path: payments/token } ]
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, secret: token, mountPath: /etc/token } ] }
                        """, "spec.yaml:9: workloads[0].inject[0].mountPath: is set once on agent provider 'agent' (/run/coffer/secrets);"
                                + " an injection names only the file, with `as:`"),
                Arguments.of("key on a dockerconfigjson secret", HEAD + """
                        managers:
                          - name: backend
                            connectors: { env: { type: env } }
                            providers: { registry: { type: dockerconfigjson, name: registry-secrets } }
                            secrets: [ { name: DOCKER_REGISTRY_TOKEN, key: token } ]
                        """, "spec.yaml:7: managers[0].secrets[0].key: is not for provider 'registry' (dockerconfigjson), whose Secret's keys"
                                + " are fixed: .dockerconfigjson"),
                Arguments.of("relative mountPath", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, secret: DATABASE_URL, kind: volume, mountPath: etc/db } ] }
                        """, "spec.yaml:12: workloads[0].inject[0].mountPath: 'etc/db' is not an absolute path without '..' or ':', e.g. /etc/secrets"),
                Arguments.of("negative container index", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, secret: DATABASE_URL, kind: env, container: -1 } ] }
                        """, "spec.yaml:12: workloads[0].inject[0].container: must be a whole number from 0 to 255"),
                Arguments.of("bad resource id", BACKEND + """
                        workloads:
                          - { id: web, file: web.yaml, defaultResource: web, inject: [ { manager: backend, secret: DATABASE_URL, kind: env } ] }
                        """, "spec.yaml:12: workloads[0].defaultResource: 'web' is not a resource id; write <kind>/<name> with kind deployment,"
                                + " statefulset, daemonset, job or cronjob, e.g. deployment/web"),
                Arguments.of("resource a generated workload lacks", BACKEND + """
                        workloads:
                          - id: api
                            generate: { name: api, image: "api:1" }
                            inject: [ { manager: backend, secret: DATABASE_URL, kind: env, resource: deployment/web } ]
                        """, "spec.yaml:14: workloads[0].inject[0].resource: unknown resource 'deployment/web'; the generated workload has only"
                                + " deployment/api"),
                Arguments.of("generated workload outside the provider's namespaces", BACKEND + """
                        workloads:
                          - id: api
                            generate: { name: api, namespace: apps, image: "api:1" }
                            inject: [ { manager: backend, secret: DATABASE_URL, kind: env } ]
                        """, "spec.yaml:14: workloads[0].inject[0]: workload 'api' runs in namespace 'apps', but provider 'app' of manager 'backend'"
                                + " delivers into default only: add apps to managers[0].providers.app.namespaces"),
                Arguments.of("replicas not a number", BACKEND + """
                        workloads:
                          - id: api
                            generate: { name: api, image: "api:1", replicas: two }
                            inject: [ { manager: backend, secret: DATABASE_URL, kind: env } ]
                        """, "spec.yaml:13: workloads[0].generate.replicas: must be a whole number from 0 to 10000, not a string"),
                Arguments.of("imagePullSecrets with as", HEAD + """
                        managers:
                          - name: backend
                            connectors: { env: { type: env } }
                            providers: { registry: { type: dockerconfigjson, name: registry-secrets } }
                            secrets: [ { name: DOCKER_REGISTRY_TOKEN } ]
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, secret: DOCKER_REGISTRY_TOKEN, as: TOKEN } ] }
                        """, "spec.yaml:9: workloads[0].inject[0].as: is not for kind imagePullSecrets: the pod pulls images with the whole Secret"
                                + " registry-secrets"),
                Arguments.of("envFrom on dockerconfigjson", HEAD + """
                        managers:
                          - name: backend
                            connectors: { env: { type: env } }
                            providers: { registry: { type: dockerconfigjson, name: registry-secrets } }
                            secrets: [ { name: DOCKER_REGISTRY_TOKEN } ]
                        workloads:
                          - { id: web, file: web.yaml, inject: [ { manager: backend, provider: registry } ] }
                        """, "spec.yaml:9: workloads[0].inject[0].provider: kind 'envFrom' is not supported by provider 'registry' (dockerconfigjson):"
                                + " it supports imagePullSecrets"),
                Arguments.of("strategy unknown", BACKEND + "conflicts: { strategies: { crossManager: merge } }\n",
                        "spec.yaml:11: conflicts.strategies.crossManager: 'merge' is not one of error, overwrite, autoMerge"),
                Arguments.of("strict not a boolean", BACKEND + "conflicts: { strict: \"yes\" }\n",
                        "spec.yaml:11: conflicts.strict: must be true or false, not a string"),
                Arguments.of("coffer url", BACKEND + "coffer: { url: \"coffer:8480\" }\n",
                        "spec.yaml:11: coffer.url: 'coffer:8480' is not an http(s) URL, e.g. https://coffer.internal:8443"),
                Arguments.of("a key that is not text", BACKEND + "1: x\n", "spec.yaml:11: has a key that is not text; write keys as plain words"),
                Arguments.of("null value", BACKEND.replace("name: backend-secrets", "name:"), "spec.yaml:8: managers[0].providers.app.name: has no value;"
                        + " write one or remove the key"),
                Arguments.of("too many aliases", HEAD + "x: &a 1\n" + "y: [" + "*a, ".repeat(17) + "]\n",
                        "spec.yaml:4: uses more than 16 aliases; write the values out"),
                Arguments.of("too deep", HEAD + "x: " + "[".repeat(40) + "]".repeat(40) + "\n",
                        "spec.yaml:3: nests deeper than 32 levels; a delivery spec needs about seven"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void aBadSpecIsRefusedWithItsLineFieldAndFix(String name, String yaml, String expected) {
        assertEquals(expected, error(yaml));
    }

    @Test
    void anOversizedSpecIsRefusedBeforeParsing() {
        String big = HEAD + "# " + "x".repeat(SpecReader.MAX_FILE_BYTES) + "\n";
        assertEquals("spec.yaml: is larger than 1048576 bytes; a delivery spec is a few kilobytes", error(big));
    }

    @Test
    void aMissingOrOversizedFileIsRefusedNamingIt() throws IOException {
        Path missing = dir.resolve("missing.yaml");
        assertEquals(missing + ": cannot be read (NoSuchFileException); check the path given with -f",
                assertThrows(SpecException.class, () -> SpecReader.read(missing)).getMessage());
        Path big = Files.writeString(dir.resolve("big.yaml"), "#".repeat(SpecReader.MAX_FILE_BYTES + 1));
        assertEquals(big + ": is larger than 1048576 bytes; a delivery spec is a few kilobytes",
                assertThrows(SpecException.class, () -> SpecReader.read(big)).getMessage());
    }

    @Test
    void tooManyManagersAreRefused() {
        StringBuilder yaml = new StringBuilder(HEAD).append("managers:\n");
        for (int i = 0; i <= SpecReader.MAX_MANAGERS; i++) {
            yaml.append("  - { name: m").append(i).append(", connectors: { e: { type: env } }, providers: { p: { type: opaque, name: s")
                    .append(i).append(" } }, secrets: [ { name: A } ] }\n");
        }
        assertEquals("spec.yaml:3: managers: lists 257 managers; at most 256", error(yaml.toString()));
    }

    @Test
    void aRecursiveAliasIsRefused() {
        assertEquals("spec.yaml:6: managers[0].connectors.env: refers to itself through an alias; write the value out",
                error(BACKEND.replace("env: { type: env }", "env: &loop { type: literal, values: *loop }")));
    }

    /** The values of every literal connector in the specs above: none may show up in a message or a record's text. */
    private static final List<String> VALUES = List.of("not-a-real-key", "s3cr3t-literal-value", "another-hidden-value");

    static Stream<String> specsHoldingValues() {
        String literal = "{ type: literal, values: { DATABASE_URL: \"s3cr3t-literal-value\", OTHER: \"another-hidden-value\" } }";
        return Stream.of(
                BACKEND.replace("{ type: env }", literal),
                BACKEND.replace("{ type: env }", literal).replace("name: backend-secrets", "name: Bad_Name"),
                BACKEND.replace("{ type: env }", "{ type: literal, values: { DATABASE_URL: [ \"s3cr3t-literal-value\" ] } }"),
                BACKEND.replace("{ type: env }", "{ type: literal, values: { DATABASE_URL: \"s3cr3t-literal-value }"),
                BACKEND.replace("{ type: env }", "{ type: literal, values: { DATABASE_URL: \"s3cr3t-literal-value\", DATABASE_URL: \"another-hidden-value\" } }"),
                BACKEND.replace("{ type: env }", literal) + "workloads: [ { id: w, file: w.yaml, inject: [ { manager: backend, secret: OTHER } ] } ]\n",
                BACKEND.replace("{ type: env }", "{ type: literal, values: { DATABASE_URL: !secret s3cr3t-literal-value } }"));
    }

    @ParameterizedTest
    @MethodSource("specsHoldingValues")
    void noLiteralValueAppearsInAMessageOrARecord(String yaml) throws IOException {
        StringBuilder seen = new StringBuilder();
        try {
            DeliverySpec spec = SpecReader.parse(F, yaml, null);
            seen.append(spec).append('\n').append(SpecReader.warnings(spec));
        } catch (SpecException e) {
            seen.append(e.getMessage()).append('\n').append(e);
        }
        DeliverySpec reference = SpecReader.parse(REF, reference(), null);
        seen.append(reference).append(SpecReader.warnings(reference));
        for (String value : VALUES) {
            assertFalse(seen.toString().contains(value), () -> "a value shows in: " + seen);
        }
    }
}
