package dev.coffer.config.bench;

import dev.coffer.config.CofferConfigSource;
import dev.coffer.config.EmbeddedSecrets;
import dev.coffer.config.settings.Settings;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.memory.InMemorySecrets;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What reading a secret through the Coffer ConfigSource costs over reading plain configuration:
 * {@code Config.getValue} of a cached secret served by {@link CofferConfigSource} (embedded
 * transport over the in-memory kernel, ttl one hour, so every read is a cache hit) against
 * {@code Config.getValue} of a key from a plain in-memory ConfigSource in the same SmallRye Config.
 * {@code plainOrdinal} puts the plain source below (100: its lookups first pass the Coffer source,
 * which answers {@code null} locally) or above (400) the Coffer source (270). Goal: coffer / plain
 * at most 1.5.
 *
 * <p>Run: {@code ./mvnw -B -pl secrets-mp-config-source -am -Pbench verify -DskipTests}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConfigSourceBenchmark {
    @Param({"100", "400"})
    int plainOrdinal;

    private SmallRyeConfig config;

    @Setup
    public void setUp() {
        InMemorySecrets parts = InMemorySecrets.create();
        parts.bootstrap("acme", Policy.allow("all", List.of("service:bench"), List.of("secrets:*"), List.of("*")));
        AccessContext ctx = AccessContext.of(Principal.of("service:bench", "acme"));
        SecretManager manager = parts.manager();
        String id = manager.create(ctx, NewSecret.builder(SecretPath.parse("acme", "prod/db/password"), "bench").build()).id();
        try (SecretValue v = SecretValue.ofUtf8("bench-secret-value")) {
            manager.addVersion(ctx, id, NewVersion.current(v));
        }
        EmbeddedSecrets embedded = new EmbeddedSecrets() {
            @Override
            public SecretManager manager() {
                return manager;
            }

            @Override
            public AccessContext context() {
                return ctx;
            }
        };
        Settings settings = Settings.builder().url(Settings.EMBEDDED).ttl(Duration.ofHours(1))
                .map("bench.secret", "prod/db/password").build();
        config = new SmallRyeConfigBuilder()
                .withSources(new CofferConfigSource(settings, embedded))
                .withSources(new MapBackedConfigSource("plain", Map.of("bench.plain", "plain-value"), plainOrdinal) {})
                .build();
    }

    @Benchmark
    public String coffer() {
        return config.getValue("bench.secret", String.class);
    }

    @Benchmark
    public String plain() {
        return config.getValue("bench.plain", String.class);
    }
}
