package dev.coffer.server.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start {@code coffer serve} in a child JVM: {@code java -jar <coffer.jar>} for the jar this
 * command runs from (or an older one, {@code --before-jar}); from a build's classes directory (tests),
 * the same class path and the CLI's main class.
 *
 * @param command the command up to and excluding {@code serve}
 * @param label what the report calls this build
 */
record Launcher(List<String> command, String label) {
    private static final String MAIN = "dev.coffer.server.cli.Coffer";

    Launcher {
        command = List.copyOf(command);
    }

    /** The build this command runs from. */
    static Launcher current() {
        Path java = java();
        Path here;
        try {
            here = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot locate the coffer jar this command runs from", e);
        }
        if (Files.isRegularFile(here)) {
            return new Launcher(List.of(java.toString(), "-jar", here.toString()), here.getFileName().toString());
        }
        return new Launcher(List.of(java.toString(), "-cp", System.getProperty("java.class.path"), MAIN), "classes " + here);
    }

    /** An older coffer.jar. */
    static Launcher jar(Path jar) {
        return new Launcher(List.of(java().toString(), "-jar", jar.toAbsolutePath().toString()), jar.getFileName().toString());
    }

    /** This command's arguments after the launcher's. */
    List<String> with(List<String> arguments) {
        List<String> all = new ArrayList<>(command);
        all.addAll(arguments);
        return all;
    }

    private static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
