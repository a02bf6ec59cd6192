package dev.coffer.server.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The server's data directory ({@code ./coffer-data} by default): created {@code 0700}, every file
 * written {@code 0600} (on POSIX file systems).
 *
 * <pre>
 * coffer-data/
 *   jwt-signing-key.pem   RS256 private key (PKCS#8) that signs tokens
 *   jwt-public-key.pem    its public key, which verifies them
 *   root-keyset.json      the root key (Tink keyset) that wraps tenant keys
 *   coffer.mv.db          the H2 database (unless --db names another)
 *   admin.token           a token of the bootstrap administrator
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

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private final Path root;

    private DataDir(Path root) {
        this.root = root;
    }

    /** Opens {@code root}, creating it {@code 0700} when missing. */
    public static DataDir prepare(Path root) {
        Path dir = root.toAbsolutePath().normalize();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                if (POSIX) {
                    Files.setPosixFilePermissions(dir, DIR);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir, e);
        }
        return new DataDir(dir);
    }

    /** Opens an existing data directory (for {@code token mint}); does not create it. */
    public static DataDir existing(Path root) {
        Path dir = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("data directory " + dir + " does not exist; start the server once with --data " + root);
        }
        return new DataDir(dir);
    }

    /** The directory. */
    public Path root() {
        return root;
    }

    /** A file in the directory. */
    public Path file(String name) {
        return root.resolve(name);
    }

    /** Writes {@code text} to a new file, {@code 0600} from the start. Fails if it exists. */
    public void writeNew(String name, String text) {
        Path target = file(name);
        try {
            if (POSIX) {
                Files.createFile(target, PosixFilePermissions.asFileAttribute(FILE));
            }
            Files.writeString(target, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException(target + " already exists", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** Restricts an existing file to {@code 0600} (for files other libraries created). */
    public void restrict(String name) {
        if (!POSIX) {
            return;
        }
        try {
            Files.setPosixFilePermissions(file(name), FILE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict " + file(name), e);
        }
    }

    /** The text of a file. */
    public String read(String name) {
        try {
            return Files.readString(file(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file(name), e);
        }
    }

    /** Whether a file exists. */
    public boolean has(String name) {
        return Files.exists(file(name));
    }
}
