package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.k8s.Provenance;
import dev.coffer.server.k8s.manifest.Manifests;
import dev.coffer.server.support.TestServer;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coffer k8s validate | generate | apply | diff} in-process with an explicit environment
 * (the env connector's variables, {@code COFFER_KUBECTL}), against a fake {@code kubectl} (a shell
 * script that records its arguments and its stdin in a directory of its own) and, for the
 * {@code coffer} connector, a real server. Every run is scanned for the test values, as text and as
 * base64, except where {@code generate} is meant to print them; the proof that {@code apply} writes
 * nothing to disk runs coffer as a real process with a temp directory of its own, so that nothing
 * else on the machine writes where the watch looks.
 */
@ExtendWith(NoValueLeaks.class)
class K8sCliTest {
    private static final String PREFIX = "K8SCLI_";

    private static TestServer server;

    @TempDir
    Path dir;

    private String databaseUrl;
    private String apiKey;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.allow(Policy.allow("k8scli-deployer", List.of("user:deployer"), List.of("secrets:read"), List.of("prod/k8scli/*")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void values() {
        databaseUrl = TestValues.text();
        apiKey = TestValues.text();
    }

    // ---------------------------------------------------------------- running coffer

    /** What one in-process run printed (a kubectl it starts writes to the JVM's own descriptors, not here). */
    private record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + ", stderr: " + err; // never stdout: generate's holds values
        }
    }

    /** Runs coffer with {@code environment} as the whole process environment, standard input empty. */
    private static Run coffer(Map<String, String> environment, String... args) {
        InputStream in = System.in;
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(new byte[0]));
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int exit = Coffer.run(environment, args);
            return new Run(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(in);
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** The env connector's variables set to this test's values, plus {@code pairs}. */
    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put(PREFIX + "DATABASE_URL", databaseUrl);
        env.put(PREFIX + "API_KEY", apiKey);
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Fails when {@code text} holds an issued test value, or one of {@code values} as text or base64. */
    private static void assertNoValueIn(String what, String text, String... values) {
        // assertNull would quote the value it found in its own message
        assertTrue(NoValueLeaks.firstIssuedValueIn(text) == null, what + " holds a test value");
        for (String value : values) {
            assertFalse(text.contains(value), what + " holds a value");
            assertFalse(text.contains(base64(value)), what + " holds a value in base64");
        }
    }

    private void assertNoValueIn(Run run) {
        assertNoValueIn("stdout", run.out(), databaseUrl, apiKey);
        assertNoValueIn("stderr", run.err(), databaseUrl, apiKey);
    }

    // ---------------------------------------------------------------- specs

    /** One team, an env connector, an Opaque Secret in two namespaces, a generated Deployment with both secrets as variables. */
    private static final String SPEC = """
            apiVersion: coffer.dev/v1alpha1
            kind: DeliverySpec
            managers:
              - name: backend
                connectors:
                  env: { type: env, prefix: K8SCLI_ }
                providers:
                  app: { type: opaque, name: backend-app-secrets, namespaces: [apps, apps-staging] }
                secrets:
                  - name: DATABASE_URL
                  - name: API_KEY
            workloads:
              - id: api
                generate: { name: api-service, namespace: apps, image: "api:1.0" }
                inject:
                  - { manager: backend, secret: DATABASE_URL, kind: env }
                  - { manager: backend, secret: API_KEY, kind: env, as: API_TOKEN }
            """;

    private Path spec(String yaml) throws IOException {
        Path specDir = Files.createDirectories(dir.resolve("spec"));
        return Files.writeString(specDir.resolve("spec.yaml"), yaml);
    }

    /** The 1-based line of the first line of {@code yaml} containing {@code text}. */
    private static int lineOf(String yaml, String text) {
        List<String> lines = yaml.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line holds " + text);
    }

    // ---------------------------------------------------------------- the fake kubectl

    /**
     * A fake kubectl: a shell script that writes its arguments, one per line, to {@code argv} and
     * its stdin to {@code stdin} in {@link #records}, a directory of its own (outside the spec's,
     * the working and the temp directory), then exits with {@code exit}. It writes nothing to its
     * stdout or stderr, which in-process are the test JVM's own.
     */
    private record FakeKubectl(Path executable, Path records) {
        static FakeKubectl create(Path under, String name, String afterRecording) throws IOException {
            Path records = Files.createDirectories(under.resolve(name + "-records"));
            Path bin = Files.createDirectories(under.resolve(name + "-bin"));
            Path script = bin.resolve("kubectl");
            // No here-document: a shell may back one with a temp file.
            Files.writeString(script, "#!/bin/sh\n"
                    + "printf '%s\\n' \"$@\" > '" + records.resolve("argv") + "'\n"
                    + afterRecording + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
            return new FakeKubectl(script, records);
        }

        /** Records argv and stdin, then exits {@code code}. */
        static FakeKubectl exiting(Path under, String name, int code) throws IOException {
            return create(under, name, "cat > '" + under.resolve(name + "-records").resolve("stdin") + "'\nexit " + code);
        }

        List<String> argv() throws IOException {
            return Files.readAllLines(records.resolve("argv"));
        }

        String stdin() throws IOException {
            return Files.readString(records.resolve("stdin"));
        }

        boolean ran() throws IOException {
            try (Stream<Path> files = Files.list(records)) {
                return files.findAny().isPresent();
            }
        }

        @Override
        public String toString() {
            return executable.toString();
        }
    }

    // ---------------------------------------------------------------- validate

    @Test
    void validateSummarizesAGoodSpecWithoutReadingAValue() throws IOException {
        Path file = spec(SPEC);
        Map<String, String> unset = Map.of("PATH", System.getenv("PATH")); // the env connector's variables are not set
        Run run = coffer(unset, "k8s", "validate", "-f", file.toString());
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertEquals(file + ": valid: 1 manager(s), 2 Secret(s), 1 workload(s)", lines.get(0), run.out());
        assertTrue(lines.get(1).contains("apps/backend-app-secrets  manager backend, provider app, keys [DATABASE_URL, API_KEY]"), run.out());
        assertTrue(lines.get(2).contains("apps-staging/backend-app-secrets  manager backend, provider app, keys [DATABASE_URL, API_KEY]"),
                run.out());
        assertEquals("  Deployment apps/api-service", lines.get(3), run.out());
        assertEquals(4, lines.size(), run.out());
        assertEquals("", run.err());
        assertNoValueIn(run);
    }

    @Test
    void validateContactsNoServerForACofferConnector() throws IOException {
        Path file = spec("""
                apiVersion: coffer.dev/v1alpha1
                kind: DeliverySpec
                coffer: { url: "http://127.0.0.1:1/", tokenFile: no-such-token }
                managers:
                  - name: payments
                    connectors:
                      vault: { type: coffer, environment: prod }
                    providers:
                      app: { type: opaque, name: payments-secrets }
                    secrets:
                      - { name: DB_PASSWORD, path: k8scli/db-password }
                """);
        Run run = coffer(env(), "k8s", "validate", "-f", file.toString());
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertTrue(run.out().startsWith(file + ": valid: 1 manager(s), 1 Secret(s), 0 workload(s)"), run.out());
        assertTrue(run.err().contains("coffer: note: ") && run.err().contains("is injected into no workload"), run.err());
        assertNoValueIn(run);
    }

    @Test
    void validateOfABadSpecExitsInvalidWithFileLineAndField() throws IOException {
        String yaml = SPEC.replace("- name: API_KEY", "- { name: API_KEY, provider: registy }");
        Path file = spec(yaml);
        Run run = coffer(env(), "k8s", "validate", "-f", file.toString());
        assertEquals(ExitCodes.INVALID, run.exit(), run.toString());
        assertEquals("", run.out());
        String expected = "coffer: " + file + ":" + lineOf(yaml, "registy") + ": managers[0].secrets[1].provider: ";
        assertTrue(run.err().startsWith(expected), run.err());
        assertTrue(run.err().contains("'registy'") && run.err().contains("app"), "names the provider written and the known one: " + run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertNoValueIn(run);
    }

    @Test
    void aYamlErrorOnALineHoldingALiteralValueDoesNotQuoteIt() throws IOException {
        String literal = TestValues.text();
        String yaml = """
                apiVersion: coffer.dev/v1alpha1
                kind: DeliverySpec
                managers:
                  - name: backend
                    connectors:
                      fixture: { type: literal, values: { API_KEY: "%s" }
                    providers:
                      app: { type: opaque, name: backend-app-secrets }
                    secrets:
                      - name: API_KEY
                """.formatted(literal);
        Path file = spec(yaml);
        for (String command : List.of("validate", "generate")) {
            Run run = coffer(env(), "k8s", command, "-f", file.toString());
            assertEquals(ExitCodes.INVALID, run.exit(), run.toString());
            assertTrue(run.err().startsWith("coffer: " + file + ":"), run.err());
            assertTrue(run.err().contains("is not valid YAML"), run.err());
            assertNoValueIn("stderr", run.err(), literal);
            assertNoValueIn("stdout", run.out(), literal);
        }
    }

    // ---------------------------------------------------------------- generate

    @Test
    void generateToStdoutParsesBackWithTheValuesUnderDataOnly() throws IOException {
        Path file = spec(SPEC);
        Run run = coffer(env(), "k8s", "generate", "-f", file.toString());
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertNoValueIn("stderr", run.err(), databaseUrl, apiKey);
        assertFalse(run.out().contains(databaseUrl) || run.out().contains(apiKey), "values are base64 under data, never as text");

        List<HasMetadata> objects = Manifests.read("stdout", run.out());
        assertEquals(List.of("Secret apps/backend-app-secrets", "Secret apps-staging/backend-app-secrets", "Deployment apps/api-service"),
                objects.stream().map(K8sCommand::describe).toList());
        for (HasMetadata o : objects.subList(0, 2)) {
            Secret secret = (Secret) o;
            assertEquals("Opaque", secret.getType());
            assertEquals(Map.of("DATABASE_URL", base64(databaseUrl), "API_KEY", base64(apiKey)), secret.getData());
            assertEquals("backend", secret.getMetadata().getLabels().get(Provenance.MANAGER));
            String sources = secret.getMetadata().getAnnotations().get(Provenance.SOURCES);
            assertTrue(sources.contains("env:K8SCLI_DATABASE_URL") && sources.contains("env:K8SCLI_API_KEY"), sources);
            assertNoValueIn("labels and annotations", secret.getMetadata().getLabels() + " " + secret.getMetadata().getAnnotations(),
                    databaseUrl, apiKey);
        }
        Deployment deployment = (Deployment) objects.get(2);
        Map<String, EnvVar> vars = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, v -> v));
        assertEquals("backend-app-secrets", vars.get("DATABASE_URL").getValueFrom().getSecretKeyRef().getName());
        assertEquals("DATABASE_URL", vars.get("DATABASE_URL").getValueFrom().getSecretKeyRef().getKey());
        assertEquals("API_KEY", vars.get("API_TOKEN").getValueFrom().getSecretKeyRef().getKey(), "renamed with as:");
        assertNull(vars.get("API_TOKEN").getValue(), "a reference, not the value");
    }

    @Test
    void generateWithAnUnsetVariableExitsInvalidNamingTheSecretAndTheVariable() throws IOException {
        Path file = spec(SPEC);
        Map<String, String> env = env();
        env.remove(PREFIX + "API_KEY");
        Run run = coffer(env, "k8s", "generate", "-f", file.toString());
        assertEquals(ExitCodes.INVALID, run.exit(), run.toString());
        assertEquals("", run.out(), "nothing printed before every value is read");
        assertTrue(run.err().startsWith("coffer: " + file + ":" + lineOf(SPEC, "name: API_KEY") + ": managers[0].secrets[1]: "), run.err());
        assertTrue(run.err().contains("'API_KEY'") && run.err().contains("K8SCLI_API_KEY is not set") && run.err().contains("export it"),
                run.err());
        assertNoValueIn(run);
    }

    @Test
    void generateToADirectoryWritesOneOwnerOnlyFilePerObjectInApplyOrderAndWarns() throws IOException {
        Path file = spec(SPEC);
        Run toStdout = coffer(env(), "k8s", "generate", "-f", file.toString());
        assertEquals(ExitCodes.OK, toStdout.exit(), toStdout.toString());
        List<HasMetadata> expected = Manifests.read("stdout", toStdout.out());

        Path out = dir.resolve("generated").resolve("manifests");
        Run run = coffer(env(), "k8s", "generate", "-f", file.toString(), "-o", out.toString());
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertNoValueIn(run);
        assertEquals("wrote 3 file(s) to " + out + "\n", run.out());
        assertTrue(run.err().contains("coffer: warning: 2 of them hold secret values (base64 is not encryption)"), run.err());
        assertTrue(run.err().contains("keep " + out + " out of version control"), run.err());

        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(out), "the directory is created 0700");
        List<Path> files;
        try (Stream<Path> listed = Files.list(out)) {
            files = listed.sorted().toList();
        }
        assertEquals(List.of("001-secret-apps-backend-app-secrets.yaml", "002-secret-apps-staging-backend-app-secrets.yaml",
                "003-deployment-apps-api-service.yaml"), files.stream().map(f -> f.getFileName().toString()).toList(),
                "one file per object, named in apply order, no temp file left");
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(f), f + " is 0600");
            List<HasMetadata> inFile = Manifests.read(f);
            assertEquals(1, inFile.size(), f + " holds one object");
            assertEquals(Manifests.yaml(List.of(expected.get(i))), Manifests.yaml(inFile), f + " holds the object stdout has at " + i);
        }
    }

    @Test
    void generateToANonEmptyDirectoryIsRefusedBeforeAnyValueIsRead() throws IOException {
        Path file = spec(SPEC);
        Path out = Files.createDirectory(dir.resolve("out"));
        Path stale = Files.writeString(out.resolve("003-deployment-apps-old.yaml"), "kind: Deployment\n");
        Map<String, String> unset = Map.of("PATH", System.getenv("PATH")); // reading a value would fail with exit 8
        Run run = coffer(unset, "k8s", "generate", "-f", file.toString(), "-o", out.toString());
        assertEquals(ExitCodes.USAGE, run.exit(), run.toString());
        assertTrue(run.err().contains("-o " + out + " is not empty: files left there would be applied with these"), run.err());
        assertTrue(run.err().contains("remove them, or give a new directory"), run.err());
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of(stale), left.toList(), "nothing written, nothing removed");
        }

        Files.delete(stale);
        Run empty = coffer(env(), "k8s", "generate", "-f", file.toString(), "-o", out.toString());
        assertEquals(ExitCodes.OK, empty.exit(), "an existing empty directory is fine: " + empty);
        try (Stream<Path> written = Files.list(out)) {
            assertEquals(3, written.count());
        }
        assertNoValueIn(run);
        assertNoValueIn(empty);
    }

    @Test
    void generateToAFileThatIsNotADirectoryIsAUsageError() throws IOException {
        Path file = spec(SPEC);
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        Run run = coffer(env(), "k8s", "generate", "-f", file.toString(), "-o", notADir.toString());
        assertEquals(ExitCodes.USAGE, run.exit(), run.toString());
        assertTrue(run.err().contains("-o " + notADir + " exists and is not a directory"), run.err());
        assertEquals("x", Files.readString(notADir));
        assertNoValueIn(run);
    }

    // ---------------------------------------------------------------- apply

    @Test
    void applyStreamsTheGeneratedManifestsToKubectlApplyOnItsStdin() throws IOException {
        Path file = spec(SPEC);
        FakeKubectl kubectl = FakeKubectl.exiting(dir, "fake", 0);
        Run run = coffer(env(), "k8s", "apply", "-f", file.toString(), "--kubectl", kubectl.toString(), "--", "--context", "staging",
                "--server-side");
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertNoValueIn(run);
        assertEquals(List.of("apply", "-f", "-", "--context", "staging", "--server-side"), kubectl.argv());

        Run generated = coffer(env(), "k8s", "generate", "-f", file.toString());
        assertEquals(ExitCodes.OK, generated.exit(), generated.toString());
        assertEquals(generated.out(), kubectl.stdin(), "kubectl reads exactly what generate prints");
    }

    @Test
    void applyRunsTheKubectlNamedByCofferKubectlAndKubectlOptionWins() throws IOException {
        Path file = spec(SPEC);
        FakeKubectl fromEnv = FakeKubectl.exiting(dir, "env", 0);
        FakeKubectl fromOption = FakeKubectl.exiting(dir, "option", 0);

        Run run = coffer(env(K8sCommand.ENV_KUBECTL, fromEnv.toString()), "k8s", "apply", "-f", file.toString());
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertEquals(List.of("apply", "-f", "-"), fromEnv.argv());
        assertTrue(fromEnv.stdin().contains("kind: Secret"));

        Files.delete(fromEnv.records().resolve("argv"));
        Files.delete(fromEnv.records().resolve("stdin"));
        Run both = coffer(env(K8sCommand.ENV_KUBECTL, fromEnv.toString()), "k8s", "apply", "-f", file.toString(),
                "--kubectl", fromOption.toString());
        assertEquals(ExitCodes.OK, both.exit(), both.toString());
        assertEquals(List.of("apply", "-f", "-"), fromOption.argv());
        assertFalse(fromEnv.ran(), "--kubectl wins over $COFFER_KUBECTL");
        assertNoValueIn(run);
        assertNoValueIn(both);
    }

    @Test
    void aFailingKubectlMakesApplyFailNamingItsExitCode() throws IOException {
        Path file = spec(SPEC);
        FakeKubectl kubectl = FakeKubectl.exiting(dir, "failing", 1);
        Run run = coffer(env(), "k8s", "apply", "-f", file.toString(), "--kubectl", kubectl.toString());
        assertTrue(run.exit() != ExitCodes.OK, run.toString());
        assertTrue(run.err().contains("kubectl apply exited 1"), run.err());
        assertNoValueIn(run);
    }

    @Test
    void aMissingKubectlExits127WithTheFix() throws IOException {
        Path file = spec(SPEC);
        Path missing = dir.resolve("nowhere").resolve("kubectl");
        Run run = coffer(env(), "k8s", "apply", "-f", file.toString(), "--kubectl", missing.toString());
        assertEquals(ExitCodes.CANNOT_START, run.exit(), run.toString());
        assertTrue(run.err().startsWith("coffer: cannot run " + missing), run.err());
        assertTrue(run.err().contains("install kubectl, or name it with --kubectl or $COFFER_KUBECTL"), run.err());
        assertNoValueIn(run);
    }

    @Test
    void aKubectlOutlivingTheTimeoutIsStoppedAndReported() throws IOException {
        Path file = spec(SPEC);
        FakeKubectl kubectl = FakeKubectl.create(dir, "slow", "cat > '" + dir.resolve("slow-records").resolve("stdin") + "'\nexec sleep 60");
        long start = System.nanoTime();
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> coffer(env(), "k8s", "apply", "-f", file.toString(), "--kubectl", kubectl.toString(), "--timeout", "1s"));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(ExitCodes.UNAVAILABLE, run.exit(), run.toString());
        assertTrue(run.err().contains("kubectl apply did not finish within 1s and was stopped"), run.err());
        assertTrue(took < 15_000, "stopped after the timeout, not after kubectl's own 60 s: " + took + " ms");
        assertNoValueIn(run);
    }

    @Test
    void theTimeoutAlsoStopsAKubectlThatNeverReadsItsStdin() throws IOException {
        // More manifest than a pipe holds (64 KiB on Linux): writing it blocks until kubectl reads.
        StringBuilder yaml = new StringBuilder("""
                apiVersion: coffer.dev/v1alpha1
                kind: DeliverySpec
                managers:
                  - name: backend
                    connectors:
                      env: { type: env, prefix: K8SCLI_BIG_ }
                    providers:
                      app: { type: opaque, name: backend-app-secrets }
                    secrets:
                """);
        Map<String, String> env = env();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            yaml.append("      - name: S").append(i).append('\n');
            String value = TestValues.text() + "-".repeat(2000);
            values.add(value);
            env.put("K8SCLI_BIG_S" + i, value);
        }
        Path file = spec(yaml.toString());
        FakeKubectl kubectl = FakeKubectl.create(dir, "deaf", "exec sleep 60");
        long start = System.nanoTime();
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(40),
                () -> coffer(env, "k8s", "apply", "-f", file.toString(), "--kubectl", kubectl.toString(), "--timeout", "2s"));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(ExitCodes.UNAVAILABLE, run.exit(), run.toString());
        assertTrue(run.err().contains("kubectl apply did not finish within 2s and was stopped"), run.err());
        assertTrue(took < 20_000, "stopped after the timeout, not after kubectl's own 60 s: " + took + " ms");
        assertNoValueIn("stdout", run.out(), values.toArray(String[]::new));
        assertNoValueIn("stderr", run.err(), values.toArray(String[]::new));
    }

    @Test
    void aBadTimeoutIsAUsageErrorBeforeAnythingRuns() throws IOException {
        Path file = spec(SPEC);
        FakeKubectl kubectl = FakeKubectl.exiting(dir, "unused", 0);
        for (String timeout : List.of("0s", "2d", "soon")) {
            Run run = coffer(env(), "k8s", "apply", "-f", file.toString(), "--kubectl", kubectl.toString(), "--timeout", timeout);
            assertEquals(ExitCodes.USAGE, run.exit(), timeout + ": " + run);
            assertTrue(run.err().contains("--timeout"), run.err());
            assertFalse(kubectl.ran(), timeout + ": kubectl was started");
            assertNoValueIn(run);
        }
    }

    @Test
    void applyDryRunRunsNoKubectlAndPrintsThePlanWithEveryValueMasked() throws IOException {
        Path file = spec(SPEC);
        FakeKubectl kubectl = FakeKubectl.exiting(dir, "dry", 0);
        Run run = coffer(env(K8sCommand.ENV_KUBECTL, kubectl.toString()), "k8s", "apply", "-f", file.toString(), "--dry-run",
                "--kubectl", kubectl.toString());
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertNoValueIn(run);
        assertFalse(kubectl.ran(), "--dry-run runs no kubectl");

        List<String> lines = run.out().lines().toList();
        assertEquals("# coffer k8s apply --dry-run: 3 object(s); nothing was applied, values are masked", lines.get(0));
        assertEquals(List.of("#   Secret apps/backend-app-secrets", "#   Secret apps-staging/backend-app-secrets",
                "#   Deployment apps/api-service"), lines.subList(1, 4));
        List<HasMetadata> objects = Manifests.read("dry-run", run.out());
        assertEquals(3, objects.size());
        for (HasMetadata o : objects.subList(0, 2)) {
            Map<String, String> data = ((Secret) o).getData();
            assertEquals("*** (" + databaseUrl.getBytes(StandardCharsets.UTF_8).length + " bytes)", data.get("DATABASE_URL"));
            assertEquals("*** (" + apiKey.getBytes(StandardCharsets.UTF_8).length + " bytes)", data.get("API_KEY"));
        }
        assertTrue(objects.get(2) instanceof Deployment, "the workload is printed as it would be applied");
    }

    @Test
    void applyDryRunMasksSecretsAWorkloadManifestBringsAlongToo() throws IOException {
        String inData = TestValues.text();
        String inStringData = TestValues.text();
        Path specDir = Files.createDirectories(dir.resolve("spec"));
        // A manifest file may hold more than workloads; a Secret in it passes through, and is masked like ours.
        Files.writeString(specDir.resolve("web.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: { name: web, namespace: apps }
                spec:
                  selector: { matchLabels: { app: web } }
                  template:
                    metadata: { labels: { app: web } }
                    spec:
                      containers: [ { name: app, image: "web:1.0" } ]
                ---
                apiVersion: v1
                kind: Secret
                metadata: { name: hand-written, namespace: apps }
                data: { token: "%s" }
                stringData: { password: "%s" }
                ---
                apiVersion: v1
                kind: Secret
                metadata: { name: empty, namespace: apps }
                """.formatted(base64(inData), inStringData));
        Path file = spec(SPEC + """
                  - id: web
                    file: web.yaml
                    inject:
                      - { manager: backend, secret: API_KEY, kind: env, resource: deployment/web }
                """);
        Run run = coffer(env(), "k8s", "apply", "-f", file.toString(), "--dry-run");
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertNoValueIn(run);
        assertNoValueIn("stdout", run.out(), inData, inStringData);
        Map<String, Secret> secrets = Manifests.read("dry-run", run.out()).stream().filter(o -> o instanceof Secret)
                .collect(Collectors.toMap(o -> o.getMetadata().getName(), o -> (Secret) o, (a, b) -> a));
        Secret handWritten = secrets.get("hand-written");
        assertEquals(Map.of("token", "*** (" + inData.length() + " bytes)"), handWritten.getData());
        assertEquals(Map.of("password", "*** (" + inStringData.length() + " bytes)"), handWritten.getStringData());
        assertTrue(secrets.containsKey("empty"), "a Secret without data is printed too");
    }

    // ---------------------------------------------------------------- apply writes nothing to disk

    /** Collects ENTRY_CREATE and ENTRY_MODIFY events of some directories (not their subdirectories) until closed. */
    private static final class DiskWatch implements AutoCloseable {
        private final WatchService watch = FileSystems.getDefault().newWatchService();
        private final Map<WatchKey, Path> dirs = new LinkedHashMap<>();
        private final List<String> events = new CopyOnWriteArrayList<>();
        private final Thread collector;

        DiskWatch(List<Path> watched) throws IOException {
            for (Path d : watched) {
                dirs.put(d.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY), d);
            }
            collector = new Thread(this::collect, "k8s-cli-disk-watch");
            collector.setDaemon(true);
            collector.start();
        }

        private void collect() {
            try {
                while (true) {
                    WatchKey key = watch.take();
                    for (WatchEvent<?> e : key.pollEvents()) {
                        Object context = e.context();
                        events.add(e.kind().name() + " " + (context == null ? dirs.get(key) : dirs.get(key).resolve((Path) context)));
                    }
                    key.reset();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // closed: the run is over
            }
        }

        /** The events so far, in {@code d} (or everywhere when {@code d} is null). */
        List<String> in(Path d) {
            return events.stream().filter(e -> d == null || e.substring(e.indexOf(' ') + 1).startsWith(d + "/")).toList();
        }

        @Override
        public void close() throws IOException {
            watch.close();
            collector.interrupt();
        }
    }

    @Test
    void applyAsARealProcessWritesNothingToTheTempTheSpecOrTheWorkingDirectory() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Path file = spec(SPEC);
        FakeKubectl kubectl = FakeKubectl.exiting(dir, "watched", 0);

        // A real process, so that its java.io.tmpdir (and TMPDIR, for kubectl) can be a directory nothing else on the
        // machine writes to: the test JVM's own /tmp is shared. No perf-data file (HotSpot puts it in /tmp regardless).
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), Coffer.class.getName(),
                "k8s", "apply", "-f", file.toString(), "--", "--context", "staging");
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        ClientOptions.ENV_NAMES.forEach(builder.environment()::remove);
        builder.environment().putAll(env("TMPDIR", tmp.toString(), K8sCommand.ENV_KUBECTL, kubectl.toString()));

        String output;
        int exit;
        List<String> elsewhere;
        List<String> recorder;
        try (DiskWatch watch = new DiskWatch(List.of(tmp, file.getParent(), cwd, kubectl.records()))) {
            Process coffer = builder.start();
            coffer.getOutputStream().close();
            // Read through a pipe, never a file: stdout and stderr together.
            output = new String(coffer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(coffer.waitFor(60, TimeUnit.SECONDS), "coffer ended");
            exit = coffer.exitValue();
            // The recorder's own writes are the control: once they are seen, the watch is known to work.
            Await.until("the watch sees the recorder's files", () -> watch.in(kubectl.records()).stream()
                    .anyMatch(e -> e.endsWith("/stdin")));
            Thread.sleep(300); // events of the same moment, if any, are delivered too
            recorder = watch.in(kubectl.records());
            elsewhere = watch.in(null).stream().filter(e -> !recorder.contains(e)).toList();
        }
        assertEquals(ExitCodes.OK, exit, output);
        assertNoValueIn("output", output, databaseUrl, apiKey);
        assertEquals(List.of(), elsewhere, "coffer wrote to disk (temp, spec or working directory)");
        assertTrue(recorder.stream().allMatch(e -> e.endsWith("/argv") || e.endsWith("/stdin")), recorder::toString);
        assertEquals(List.of("apply", "-f", "-", "--context", "staging"), kubectl.argv());

        Run generated = coffer(env(), "k8s", "generate", "-f", file.toString());
        assertEquals(generated.out(), kubectl.stdin(), "the process streamed exactly what generate prints");
        try (Stream<Path> left = Stream.concat(Files.list(tmp), Files.list(cwd))) {
            assertEquals(List.of(), left.toList(), "nothing left in the temp or working directory");
        }
    }

    // ---------------------------------------------------------------- diff

    @Test
    void diffPassesKubectlDiffsVerdictThrough() throws IOException {
        Path file = spec(SPEC);
        FakeKubectl same = FakeKubectl.exiting(dir, "same", 0);
        Run none = coffer(env(), "k8s", "diff", "-f", file.toString(), "--kubectl", same.toString(), "--", "--context", "staging");
        assertEquals(ExitCodes.OK, none.exit(), none.toString());
        assertEquals(List.of("diff", "-f", "-", "--context", "staging"), same.argv());
        assertEquals("", none.err());
        Run generated = coffer(env(), "k8s", "generate", "-f", file.toString());
        assertEquals(generated.out(), same.stdin(), "kubectl diff reads what generate prints");

        FakeKubectl changed = FakeKubectl.exiting(dir, "changed", 1);
        Run differences = coffer(env(), "k8s", "diff", "-f", file.toString(), "--kubectl", changed.toString());
        assertEquals(1, differences.exit(), "1: there are differences, " + differences);
        assertEquals("", differences.err(), "differences are not an error");

        FakeKubectl broken = FakeKubectl.exiting(dir, "broken", 2);
        Run failed = coffer(env(), "k8s", "diff", "-f", file.toString(), "--kubectl", broken.toString());
        assertEquals(2, failed.exit(), failed.toString());
        assertTrue(failed.err().contains("kubectl diff exited 2"), failed.err());
        for (Run run : List.of(none, differences, failed)) {
            assertNoValueIn(run);
        }
    }

    // ---------------------------------------------------------------- the coffer connector against a server

    private Path cofferSpec(String path, String subject) throws IOException {
        Path token = Files.createDirectories(dir.resolve("spec")).resolve("token");
        Files.writeString(token, server.token(subject));
        return spec("""
                apiVersion: coffer.dev/v1alpha1
                kind: DeliverySpec
                coffer: { url: "%s", tokenFile: token }
                managers:
                  - name: payments
                    connectors:
                      vault: { type: coffer, environment: prod }
                    providers:
                      app: { type: opaque, name: payments-secrets, namespaces: [apps] }
                    secrets:
                      - { name: DB_PASSWORD, path: "%s" }
                workloads:
                  - id: api
                    generate: { name: api, namespace: apps, image: "api:1.0" }
                    inject:
                      - { manager: payments, secret: DB_PASSWORD, kind: env }
                """.formatted(server.base(), path));
    }

    private static List<AuditEvent> reads(String principal, String path) {
        return server.parts().auditLog().query(AuditQuery.tenant("default").withPrincipal(principal).withSecret("prod", path)
                .withEventType(AuditEventType.SECRET_READ), PageRequest.first(PageRequest.MAX_LIMIT)).items();
    }

    @Test
    void generateReadsACofferSecretThroughTheServerAuditedAsTheTokensSubject() throws IOException {
        String password = TestValues.text();
        assertEquals(201, server.put(server.create("prod", "k8scli/db-password"), password, "CURRENT").status());
        Path file = cofferSpec("k8scli/db-password", "deployer");

        Run run = coffer(env(), "k8s", "generate", "-f", file.toString());
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertNoValueIn("stderr", run.err(), password);
        assertFalse(run.out().contains(password), "the value is base64 under data, never as text");
        Secret secret = (Secret) Manifests.read("stdout", run.out()).get(0);
        assertEquals(base64(password), secret.getData().get("DB_PASSWORD"));
        assertEquals("coffer:prod/k8scli/db-password@1", secret.getMetadata().getAnnotations().get(Provenance.SOURCES));

        List<AuditEvent> reads = reads("user:deployer", "k8scli/db-password");
        assertEquals(1, reads.size(), "one audited read by the token's subject: " + reads);
        assertEquals(1, reads.get(0).version());

        // --url and --token-file win over the spec's coffer: block.
        Path other = Files.writeString(dir.resolve("other.token"), server.token("deployer"));
        String broken = Files.readString(file).replace(server.base().toString(), "http://127.0.0.1:1/");
        Files.writeString(file, broken.replace("tokenFile: token", "tokenFile: no-such-token"));
        Run overridden = coffer(env(), "k8s", "generate", "-f", file.toString(), "--url", server.base().toString(),
                "--token-file", other.toString());
        assertEquals(ExitCodes.OK, overridden.exit(), overridden.toString());
        assertEquals(run.out(), overridden.out());
        assertNoValueIn("stderr", overridden.err(), password);
        assertEquals(2, reads("user:deployer", "k8scli/db-password").size());
    }

    @Test
    void aMissingCofferPathExitsNotFoundNamingTheSecretAndThePath() throws IOException {
        Path file = cofferSpec("k8scli/missing", "deployer");
        Run run = coffer(env(), "k8s", "generate", "-f", file.toString());
        assertEquals(ExitCodes.NOT_FOUND, run.exit(), run.toString());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("coffer: " + file + ":"), run.err());
        assertTrue(run.err().contains("secret 'DB_PASSWORD' of manager 'payments': coffer prod/k8scli/missing#current: SECRET_NOT_FOUND"),
                run.err());
        assertTrue(run.err().contains("create it (coffer secret create) or correct the path"), run.err());
        assertNoValueIn(run);
    }

    @Test
    void aBadTokenExitsUnauthenticatedAndAStoppedServerUnavailable() throws IOException {
        Path file = cofferSpec("k8scli/db-password", "deployer");
        Files.writeString(file.resolveSibling("token"), "not-a-token");
        Run bad = coffer(env(), "k8s", "generate", "-f", file.toString());
        assertEquals(ExitCodes.UNAUTHENTICATED, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("UNAUTHENTICATED"), bad.err());
        assertEquals("", bad.out());

        Files.writeString(file.resolveSibling("token"), server.token("deployer"));
        Run stopped = coffer(env(), "k8s", "generate", "-f", file.toString(), "--url", "http://127.0.0.1:1/");
        assertEquals(ExitCodes.UNAVAILABLE, stopped.exit(), stopped.toString());
        assertTrue(stopped.err().startsWith("coffer: "), stopped.err());
        assertEquals("", stopped.out());
        assertNoValueIn(bad);
        assertNoValueIn(stopped);
    }

    @Test
    void aForbiddenCofferPathExitsDenied() throws IOException {
        String password = TestValues.text();
        assertEquals(201, server.put(server.create("prod", "k8scli/forbidden"), password, "CURRENT").status());
        Path file = cofferSpec("k8scli/forbidden", "stranger");
        FakeKubectl kubectl = FakeKubectl.exiting(dir, "denied", 0);
        Run generate = coffer(env(), "k8s", "generate", "-f", file.toString());
        Run apply = coffer(env(), "k8s", "apply", "-f", file.toString(), "--kubectl", kubectl.toString());
        for (Run run : List.of(generate, apply)) {
            assertEquals(ExitCodes.DENIED, run.exit(), run.toString());
            assertTrue(run.err().contains("secret 'DB_PASSWORD' of manager 'payments': coffer prod/k8scli/forbidden#current: ACCESS_DENIED"),
                    run.err());
            assertEquals("", run.out());
            assertNoValueIn("stdout", run.out(), password);
            assertNoValueIn("stderr", run.err(), password);
        }
        assertFalse(kubectl.ran(), "apply starts kubectl only once every value is read");
    }
}
