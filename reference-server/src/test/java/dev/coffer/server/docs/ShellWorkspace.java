package dev.coffer.server.docs;

import dev.coffer.server.support.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A directory laid out like the repository root of a reader who ran {@code ./coffer serve} there,
 * in front of a {@link TestServer}: {@code coffer-data/} with the server's {@code admin.token} and
 * signing key pair (0600), {@code docs/} (a link to the real one, so examples such as
 * {@code docs/examples/...json} are found), and {@code ./coffer}, a launcher that runs the CLI's
 * main class on the test class path (the real jar exists only after {@code package}). Blocks run
 * there with bash under {@code set -euo pipefail}, with {@code COFFER_CLI_URL} pointing at the
 * server and no other {@code COFFER_*} variable inherited.
 */
final class ShellWorkspace implements AutoCloseable {
    /** Long enough for the slowest walkthrough on a loaded machine; only a hang guard. */
    private static final long HANG_GUARD_MINUTES = 10;

    private final Path dir;
    private final String url;

    /** What one block did. */
    record Result(int exit, String output) {}

    ShellWorkspace(TestServer server) {
        try {
            dir = Files.createTempDirectory("coffer-doc-test");
            Path data = Files.createDirectory(dir.resolve("coffer-data"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            writePrivate(data.resolve("admin.token"), server.adminToken + "\n");
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) server.signingKey();
            writePrivate(data.resolve("jwt-signing-key.pem"), pem("PRIVATE KEY", key.getEncoded()));
            byte[] publicKey = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())).getEncoded();
            writePrivate(data.resolve("jwt-public-key.pem"), pem("PUBLIC KEY", publicKey));
            Files.createSymbolicLink(dir.resolve("docs"), DocBlocks.repoRoot().resolve("docs"));
            Path args = dir.resolve(".coffer-java-args");
            Files.writeString(args, "-cp \"" + classPath().replace("\\", "\\\\") + "\"\n");
            Path launcher = dir.resolve("coffer");
            Files.writeString(launcher, "#!/usr/bin/env bash\n"
                    + "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -XX:TieredStopAtLevel=1"
                    + " -XX:+UseSerialGC '@" + args + "' dev.coffer.server.cli.Coffer \"$@\"\n");
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        String base = server.base().toString();
        url = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** Runs {@code script} with bash in the workspace: {@code set -euo pipefail}, output and errors merged. */
    Result run(String script) {
        try {
            Path file = Files.createTempFile(dir, "block", ".sh");
            Files.writeString(file, script, StandardCharsets.UTF_8);
            ProcessBuilder bash = new ProcessBuilder("bash", "--noprofile", "--norc", "-o", "errexit", "-o", "nounset",
                    "-o", "pipefail", file.toString()).directory(dir.toFile()).redirectErrorStream(true);
            Map<String, String> env = bash.environment();
            env.keySet().removeIf(name -> name.regionMatches(true, 0, "COFFER", 0, 6));
            env.put("COFFER_CLI_URL", url);
            Process process = bash.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(HANG_GUARD_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return new Result(-1, new String(out, StandardCharsets.UTF_8) + "\n(killed: still running after "
                        + HANG_GUARD_MINUTES + " minutes)");
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            // The docs link is deleted as a link; walk does not follow it.
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
