package dev.coffer.server.standalone;

import dev.coffer.spi.internal.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The server's data directory ({@code ./coffer-data} by default), under {@link PrivateFiles}' one
 * rule: the directory is {@code 0700} (created so; an existing one open to group or others is
 * restricted, with a warning), every file is created {@code 0600}, complete and first-writer-wins,
 * and a key or token file open to group or others is refused (on POSIX file systems; elsewhere
 * nothing is checked).
 *
 * <pre>
 * coffer-data/
 *   coffer.lock           held by the running server (see {@link #lock()})
 *   jwt-signing-key.pem   RS256 private key (PKCS#8) that signs tokens
 *   jwt-public-key.pem    its public key, which verifies them
 *   root-keyset.json      the root key (Tink keyset) that wraps tenant keys
 *   coffer.mv.db          the H2 database (unless --db names another)
 *   admin.token           a token of the bootstrap administrator (written on the first start only)
 *   bootstrap.done        records that first start, so a removed admin.token stays removed
 *   bootstrap.pending     only while the first start is under way (or was cut short)
 * </pre>
 */
public final class DataDir {
    /** The admin token's file name. */
    public static final String ADMIN_TOKEN = "admin.token";
    /** The signing key's file name. */
    public static final String SIGNING_KEY = "jwt-signing-key.pem";
    /** The public key's file name. */
    public static final String PUBLIC_KEY = "jwt-public-key.pem";
    /** The root keyset's file name. */
    public static final String ROOT_KEYSET = "root-keyset.json";
    /** The file that records the data directory's one-time bootstrap (the admin token). */
    public static final String BOOTSTRAP_MARKER = "bootstrap.done";
    /**
     * Present while the data directory's first start is under way (written before its signing key,
     * removed with {@link #BOOTSTRAP_MARKER}'s creation): a start that finds it completes the
     * bootstrap that one left half-done (killed, or failed where nothing could be removed).
     */
    public static final String BOOTSTRAP_PENDING = "bootstrap.pending";
    /** The lock file a running server holds. */
    public static final String LOCK = "coffer.lock";

    private final Path root;

    private DataDir(Path root) {
        this.root = root;
    }

    /**
     * Opens {@code root}: creates it {@code 0700} when missing, restricts it to {@code 0700} (warning) when open.
     *
     * @throws IllegalArgumentException when {@code root} is a file
     * @throws UncheckedIOException "cannot create the data directory ...: permission denied" and the like
     */
    public static DataDir prepare(Path root) {
        Path dir = root.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("data directory " + dir + " is a file, not a directory; "
                    + "give --data a directory (it is created when missing)");
        }
        try {
            PrivateFiles.prepareOwnDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + (Files.isDirectory(dir) ? "restrict" : "create") + " the data directory "
                    + dir + ": " + reason(e), e);
        }
        return new DataDir(dir);
    }

    /** What went wrong with a file, in the words of the OS ("permission denied", "not a directory"), never a stack trace. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason().toLowerCase(Locale.ROOT)
                    + (fs.getFile() == null ? "" : " (" + fs.getFile() + ")");
        }
        return e.getClass().getSimpleName();
    }

    /** Opens an existing data directory (for {@code token mint}); does not create it. */
    public static DataDir existing(Path root) {
        Path dir = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("data directory " + dir + " does not exist; start the server once with --data " + root);
        }
        return new DataDir(dir);
    }

    /**
     * Takes the directory for this process until the lock is closed.
     *
     * @throws DataDirInUseException "data directory ... in use by another server (pid N)" when another
     *         process (or another server in this JVM) holds it
     */
    public DataDirLock lock() {
        return DataDirLock.acquire(file(LOCK));
    }

    /** The directory. */
    public Path root() {
        return root;
    }

    /** A file in the directory. */
    public Path file(String name) {
        return root.resolve(name);
    }

    /**
     * Creates a file holding {@code text} unless it exists: {@code 0600} from the start and
     * published whole. Returns whether this call created it (if not, the existing file stands).
     */
    public boolean createOnce(String name, String text) {
        Path target = file(name);
        try {
            return PrivateFiles.createOnce(target, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + reason(e), e);
        }
    }

    /** Restricts an existing file to {@code 0600} (for files other libraries created, e.g. the H2 database). */
    public void restrict(String name) {
        if (!PrivateFiles.isPosix(root)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(file(name), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict " + file(name) + ": " + reason(e), e);
        }
    }

    /**
     * Refuses a key or token file that group or others may use.
     *
     * @throws IllegalStateException naming the file, its mode and the {@code chmod} that fixes it
     */
    public void requirePrivate(String name) {
        Path target = file(name);
        try {
            PrivateFiles.requireOwnerOnly(target, why -> new IllegalStateException(
                    target + " holds a key or token and cannot be used: " + why));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the permissions of " + target + ": " + reason(e), e);
        }
    }

    /** The text of a key or token file, refused (see {@link #requirePrivate}) if group or others may use it. */
    public String readPrivate(String name) {
        requirePrivate(name);
        try {
            return Files.readString(file(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file(name) + ": " + reason(e), e);
        }
    }

    /** Removes a file if it exists. */
    public void delete(String name) {
        try {
            Files.deleteIfExists(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file(name) + ": " + reason(e), e);
        }
    }

    /** Whether a file exists. */
    public boolean has(String name) {
        return Files.exists(file(name));
    }
}
