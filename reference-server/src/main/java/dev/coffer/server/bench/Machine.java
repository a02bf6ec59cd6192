package dev.coffer.server.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the report says about the machine: processors, the load average, the JVM, the tools on the PATH. */
final class Machine {
    private Machine() {}

    /** The 1, 5 and 15 minute load averages, as {@code uptime} prints them (from {@code /proc/loadavg}). */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** How many processors this JVM may use ({@code nproc}). */
    static int processors() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The first line of {@code java -version} of the JVM the servers run on. */
    static String javaVersion(Path dir) throws InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            String out = ChildOutput.run(List.of(java.toString(), "-version"), dir, Duration.ofSeconds(30), Map.of());
            return out.lines().filter(l -> !l.isBlank() && !l.startsWith("Picked up")).findFirst().orElse("unknown").trim();
        } catch (IllegalStateException e) {
            return System.getProperty("java.vm.name") + " " + System.getProperty("java.version");
        }
    }

    /** An executable named {@code name} on the PATH. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
