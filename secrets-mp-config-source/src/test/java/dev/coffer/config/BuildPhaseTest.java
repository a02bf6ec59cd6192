package dev.coffer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.settings.Settings;
import dev.coffer.config.support.Embedded;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import io.quarkus.deployment.configuration.BuildTimeConfigurationReader;
import io.quarkus.deployment.steps.RuntimeConfigSetup;
import io.smallrye.config.SmallRyeConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A source built while Quarkus augments an application (the stack holds
 * {@code io.quarkus.deployment.configuration.BuildTimeConfigurationReader}, here a test stand-in of
 * that name) serves nothing and fetches nothing, so no secret can be recorded into the build
 * output; the same settings serve at runtime.
 */
@ExtendWith(NoValueLeaks.class)
class BuildPhaseTest {
    private final Embedded coffer = new Embedded();

    private Settings settings() {
        return Settings.builder().url(Settings.EMBEDDED).map("db.password", "prod/payments/db-password")
                .ttl(Duration.ofMinutes(5)).startupTimeout(Duration.ofSeconds(2)).build();
    }

    @Test
    void duringTheQuarkusBuildTheSourceAnswersNothingAndReadsNothing() {
        coffer.create("prod/payments/db-password", TestValues.text());
        int reads = coffer.reads.get();
        CofferConfigSource[] built = new CofferConfigSource[1];
        SmallRyeConfig buildConfig = BuildTimeConfigurationReader.initConfiguration(() -> built[0] = new CofferConfigSource(settings(), coffer));

        assertTrue(built[0].getPropertyNames().isEmpty(), "no names for the build to record");
        assertNull(built[0].getValue("db.password"));
        assertTrue(built[0].getProperties().isEmpty());
        assertEquals(Optional.empty(), buildConfig.getOptionalValue("db.password", String.class));
        assertTrue(built[0].getName().contains("build time"), built[0].getName());
        assertEquals(reads, coffer.reads.get(), "the build never reached the secret store");
    }

    @Test
    void theServiceLoaderConstructorIsInertDuringTheBuildToo() {
        // Quarkus instantiates the ServiceLoader-registered class; its settings would come from the build's environment.
        // Outside a build these settings would need a registered EmbeddedSecrets (there is none): the source would throw.
        System.setProperty("coffer.url", "embedded");
        System.setProperty("coffer.map.db.password", "prod/payments/db-password");
        try {
            AtomicInteger names = new AtomicInteger(-1);
            BuildTimeConfigurationReader.initConfiguration(() -> {
                CofferConfigSource source = new CofferConfigSource();
                names.set(source.getPropertyNames().size());
                return source;
            });
            assertEquals(0, names.get());
        } finally {
            System.clearProperty("coffer.url");
            System.clearProperty("coffer.map.db.password");
        }
    }

    @Test
    void atRuntimeTheSameSettingsServeTheValue() {
        String value = TestValues.text();
        coffer.create("prod/payments/db-password", value);
        // A packaged application starts from generated io.quarkus.deployment.steps classes: that is runtime.
        SmallRyeConfig runtime = RuntimeConfigSetup.deploy(() -> new CofferConfigSource(settings(), coffer));
        assertEquals(value, runtime.getValue("db.password", String.class));
    }
}
