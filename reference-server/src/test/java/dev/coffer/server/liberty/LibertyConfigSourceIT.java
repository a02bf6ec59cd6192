package dev.coffer.server.liberty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.CofferConfigSource;
import dev.coffer.server.liberty.sample.ClosesConfigSources;
import dev.coffer.server.liberty.sample.DatabaseSettingsResource;
import dev.coffer.server.liberty.sample.SampleApplication;
import dev.coffer.server.support.Reply;
import dev.coffer.server.support.TestServer;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.tck.support.Await;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coffer's ConfigSource inside Open Liberty: a sample WAR (the {@code sample} package, with
 * {@code secrets-mp-config-source} and {@code secrets-spi} in {@code WEB-INF/lib}) injects
 * {@code @ConfigProperty(name = "db.password")}, mapped to {@code prod/db/password} of a real
 * standalone Coffer server that this test runs; Liberty's {@code mpConfig} finds the source through
 * ServiceLoader and the settings in the WAR's {@code microprofile-config.properties}. The app's
 * token is a file, as a projected service-account token would be.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LibertyConfigSourceIT {
    private static final Duration TTL = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String FIRST = "liberty-first-" + UUID.randomUUID();
    private static final String SECOND = "liberty-second-" + UUID.randomUUID();

    // Deployed and undeployed by anApplicationThatStopsStopsReadingSecrets, beside the main sample.
    private static final String STOPPING = "sample-stopping";
    private static final String SAMPLE_PRINCIPAL = "service:prod:sample";
    private static final String STOPPING_PRINCIPAL = "service:prod:sample-stopping";

    private static TestServer coffer;
    private static String secretId;

    // Both deployments need the server; Arquillian builds them in no particular order.
    private static synchronized TestServer coffer() {
        if (coffer == null) {
            coffer = TestServer.start();
            coffer.allow(Policy.allow("sample-app-reads-db", List.of(SAMPLE_PRINCIPAL, STOPPING_PRINCIPAL), List.of("secrets:read"),
                    List.of("prod/db/*")));
            secretId = coffer.create("prod", "db/password");
            expect(201, coffer.put(secretId, FIRST, "CURRENT"));
        }
        return coffer;
    }

    @Deployment(name = "sample", testable = false)
    static WebArchive deployment() throws IOException {
        return sample("sample.war", SAMPLE_PRINCIPAL);
    }

    @Deployment(name = STOPPING, managed = false, testable = false)
    static WebArchive stoppingDeployment() throws IOException {
        return sample(STOPPING + ".war", STOPPING_PRINCIPAL);
    }

    private static WebArchive sample(String name, String principal) throws IOException {
        Path tokenFile = Files.createTempFile("coffer-sample-token", "");
        tokenFile.toFile().deleteOnExit();
        Files.writeString(tokenFile, coffer().token(principal));

        JavaArchive configSource = ShrinkWrap.create(JavaArchive.class, "secrets-mp-config-source.jar")
                .addPackages(true, CofferConfigSource.class.getPackage())
                .addAsServiceProvider(ConfigSource.class, CofferConfigSource.class);
        JavaArchive spi = ShrinkWrap.create(JavaArchive.class, "secrets-spi.jar")
                .addPackages(true, dev.coffer.spi.SecretManager.class.getPackage());
        return ShrinkWrap.create(WebArchive.class, name)
                .addClasses(SampleApplication.class, DatabaseSettingsResource.class, ClosesConfigSources.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addAsLibraries(configSource, spi)
                .addAsResource(new StringAsset("""
                        coffer.url=%s
                        coffer.token-file=%s
                        coffer.map.db.password=prod/db/password
                        coffer.cache.ttl=%dms
                        coffer.cache.jitter=0s
                        """.formatted(coffer().base(), tokenFile.toAbsolutePath(), TTL.toMillis())),
                        "META-INF/microprofile-config.properties");
    }

    @AfterAll
    static void stopCoffer() {
        if (coffer != null) {
            coffer.close();
        }
    }

    @ArquillianResource
    @OperateOnDeployment("sample")
    URL base;

    @ArquillianResource
    Deployer deployer;

    @Test
    void anInjectedPropertyIsTheSecretAndAProviderSeesARotationWithinTheTtl() throws Exception {
        assertEquals(FIRST, get("db/injected"));
        assertEquals(FIRST, get("db/current"));

        expect(201, coffer.put(secretId, SECOND, "PENDING"));
        expect(200, coffer.post("v1/secrets/" + secretId + "/aliases/current", "{\"version\":2,\"expectedPreviousVersion\":1}"));

        // Refreshed ahead of expiry: within one TTL the Provider sees version 2. The deadline is
        // generous for a loaded machine; this checks that the value arrives, not how fast.
        Instant deadline = Instant.now().plus(TTL.multipliedBy(30));
        String seen = get("db/current");
        while (!SECOND.equals(seen) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            seen = get("db/current");
        }
        assertEquals(SECOND, seen, "the rotation reached the application");
        assertEquals(FIRST, get("db/injected"), "a String injected into an application-scoped bean keeps its startup value");
    }

    @Test
    void anApplicationThatStopsStopsReadingSecrets() throws Exception {
        deployer.deploy(STOPPING);
        URL stopping = base.toURI().resolve("/" + STOPPING + "/").toURL();
        HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(stopping.toURI().resolve("db/current")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, read.statusCode(), "the second sample app reads the secret");
        assertTrue(reads(STOPPING_PRINCIPAL) > 0);
        Path messages = logs().resolve("messages.log");
        long logAtStop = Files.size(messages);

        deployer.undeploy(STOPPING);
        int stoppedReads = reads(STOPPING_PRINCIPAL);
        int sampleReads = reads(SAMPLE_PRINCIPAL);
        // The running sample app's refreshes (one per TTL) are the clock: three TTLs pass.
        Await.until("the running sample app refreshes three times", () -> reads(SAMPLE_PRINCIPAL) >= sampleReads + 3);

        assertEquals(stoppedReads, reads(STOPPING_PRINCIPAL), "the stopped application's ConfigSource still refreshes");
        String logged = Files.readString(messages, StandardCharsets.ISO_8859_1).substring((int) logAtStop);
        assertFalse(logged.contains("CWWKL0002E"), "Liberty could not load a class of the stopped application:\n" + logged);
    }

    // Reads audited for principal (the ConfigSource's startup fetch and each refresh).
    private static int reads(String principal) {
        return coffer.parts().auditLog().query(AuditQuery.tenant("default").withPrincipal(principal)
                .withEventType(AuditEventType.SECRET_READ), PageRequest.first(PageRequest.MAX_LIMIT)).items().size();
    }

    private static Path logs() {
        return Path.of(System.getProperty("coffer.wlp.home"), "usr", "servers", "cofferIT", "logs");
    }

    @Test
    void theSecretIsInNoLibertyLog() throws IOException {
        try (var files = Files.walk(logs())) {
            for (Path log : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".log")).toList()) {
                String text = Files.readString(log, StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(FIRST) || text.contains(SECOND), "a secret value is in " + log);
            }
        }
    }

    private String get(String relative) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.toURI().resolve(relative)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> "GET " + relative + " answered " + response.statusCode());
        return response.body();
    }

    private static void expect(int status, Reply reply) {
        if (reply.status() != status) {
            throw new AssertionError("expected " + status + " but got " + reply);
        }
    }
}
