package dev.coffer.config.internal;

import java.util.List;
import java.util.Optional;

/**
 * Whether a ConfigSource is being built for a framework's <em>build</em> rather than for the running
 * application. Values a source answers at build time can end up in the build output: Quarkus reads
 * every ConfigSource while it augments the application ({@code mvn package}) and records the
 * properties it does not own as defaults of the runtime configuration, in
 * {@code quarkus-app/quarkus/generated-bytecode.jar}; a secret served then would be served again
 * by every start of that artifact, with no server, no token and no audit.
 *
 * <p>The signal is the calling stack: Quarkus builds its build-time configuration, and with it
 * every ServiceLoader-registered ConfigSource, inside
 * {@code io.quarkus.deployment.configuration.BuildTimeConfigurationReader} (Quarkus 3:
 * {@code initConfiguration} and {@code readConfiguration}), called from
 * {@code io.quarkus.deployment.ExtensionLoader} (which also wraps every build step, and built the
 * configuration itself in older releases). Both classes live in {@code quarkus-core-deployment},
 * which is on the class path of the build only, never of a packaged application. The generated
 * classes a running Quarkus application executes are named {@code io.quarkus.deployment.steps.*},
 * so the check names these two classes exactly rather than the package.
 */
public final class BuildPhase {
    /** The Quarkus classes whose frames mean "augmentation". */
    static final List<String> QUARKUS_BUILD_CLASSES = List.of(
            "io.quarkus.deployment.configuration.BuildTimeConfigurationReader",
            "io.quarkus.deployment.ExtensionLoader");

    private BuildPhase() {}

    /** The build running on this thread, e.g. {@code Quarkus build (io.quarkus...Reader.initConfiguration)}; empty at runtime. */
    public static Optional<String> current() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> isQuarkusBuildClass(f.getClassName()))
                .findFirst()
                .map(f -> "Quarkus build (" + f.getClassName() + "." + f.getMethodName() + ")"));
    }

    static boolean isQuarkusBuildClass(String className) {
        for (String build : QUARKUS_BUILD_CLASSES) {
            if (className.equals(build) || className.startsWith(build + "$")) {
                return true;
            }
        }
        return false;
    }
}
