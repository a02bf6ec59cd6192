package dev.coffer.server.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The main class of the stand-in jar {@link LauncherTest} has {@code ./coffer} run: prints the jar
 * it runs from, its {@code variant.txt} and its arguments; with {@code wait} it then waits for the
 * end of standard input (a long-running {@code coffer serve}) and reads its jar once more.
 */
public final class LauncherProbe {
    private LauncherProbe() {}

    public static void main(String[] args) throws IOException, URISyntaxException {
        System.out.println("jar=" + Path.of(LauncherProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        System.out.println("variant=" + variant());
        System.out.println("args=" + String.join(" ", args));
        System.out.flush();
        if (args.length > 0 && args[0].equals("wait")) {
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
            System.out.println("still variant=" + variant());
        }
    }

    private static String variant() throws IOException {
        try (InputStream in = LauncherProbe.class.getResourceAsStream("/variant.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
