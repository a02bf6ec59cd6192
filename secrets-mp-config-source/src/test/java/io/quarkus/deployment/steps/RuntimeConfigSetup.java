package io.quarkus.deployment.steps;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Test stand-in with the name of a class Quarkus <em>generates into the application</em>: a
 * packaged Quarkus application runs its recorded startup steps as
 * {@code io.quarkus.deployment.steps.*} classes, so that package on the stack does not mean
 * "build". Not Quarkus code.
 */
public final class RuntimeConfigSetup {
    private RuntimeConfigSetup() {}

    /** Builds a configuration over the source {@code source} creates, from within this class. */
    public static SmallRyeConfig deploy(Supplier<ConfigSource> source) {
        return new SmallRyeConfigBuilder().withSources(source.get()).build();
    }
}
