package dev.coffer.server.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory only its owner can enter (0700): the servers' data directories in it hold
 * root keys, signing keys and admin tokens. {@link #close()} removes it and everything in it.
 */
final class PrivateDir implements AutoCloseable {
    private final Path path;

    private PrivateDir(Path path) {
        this.path = path;
    }

    /** A new directory {@code coffer-bench-*} under {@code parent}, created 0700. */
    static PrivateDir create(Path parent) {
        try {
            Files.createDirectories(parent);
            return new PrivateDir(Files.createTempDirectory(parent, "coffer-bench-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a private temporary directory in " + parent, e);
        }
    }

    Path path() {
        return path;
    }

    /** A new 0700 subdirectory named {@code name}. */
    Path subdirectory(String name) {
        try {
            return Files.createDirectory(path.resolve(name),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path.resolve(name), e);
        }
    }

    /**
     * Removes the directory. On Ctrl-C this runs while the run's thread (or a server being stopped) may
     * still write into it: a walk that meets a file created meanwhile is repeated a few times.
     */
    @Override
    public void close() throws InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 5 && Files.exists(path); attempt++) {
            try (Stream<Path> all = Files.walk(path)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
                return;
            } catch (IOException | UncheckedIOException e) {
                last = e instanceof IOException io ? io : ((UncheckedIOException) e).getCause();
                Thread.sleep(200);
            }
        }
        if (Files.exists(path)) {
            throw new UncheckedIOException("cannot remove " + path + " (it holds keys and tokens: remove it by hand)", last);
        }
    }
}
