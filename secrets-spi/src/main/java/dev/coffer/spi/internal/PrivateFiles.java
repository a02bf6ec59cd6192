package dev.coffer.spi.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;

/**
 * The one permission rule for the files Coffer keeps its keys and credentials in (the root
 * keyset, the token signing key pair, the admin token) and for the directory that holds them.
 *
 * <ul>
 *   <li>A file is created {@code 0600}, complete, and first-writer-wins: written and synced to a
 *       private temporary file, then hard-linked into place, which fails if another process got
 *       there first. Racing writers end with one file and a reader never sees half of one.
 *       ({@code ATOMIC_MOVE} alone would not do: on POSIX it replaces an existing target.)</li>
 *   <li>An existing file that group or others may read, write or execute is <b>refused</b>, not
 *       repaired: it may already have been copied, so the operator must decide (restrict it, and
 *       replace what it holds if others could read it).</li>
 *   <li>A directory is created {@code 0700}; an existing one open to group or others is
 *       <b>restricted to {@code 0700} with a warning</b>. Its files are checked one by one, so
 *       nothing it exposed is used unnoticed: a file someone else put there is readable to us
 *       only through group or other bits, which the file rule refuses.</li>
 * </ul>
 *
 * <p>On file systems without POSIX permissions (Windows, some network mounts) nothing is checked
 * or set: access is the platform's ACLs, out of reach of this rule.
 */
public final class PrivateFiles {
    private static final System.Logger LOG = System.getLogger(PrivateFiles.class.getName());
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {}

    /** Whether the file system of {@code path} has POSIX permissions (and this rule applies). */
    public static boolean isPosix(Path path) {
        Path root = path.toAbsolutePath().getRoot();
        return Files.getFileAttributeView(root, PosixFileAttributeView.class) != null;
    }

    /**
     * Creates {@code dir} (and missing parents) {@code 0700} if it does not exist; leaves an
     * existing directory as it is (for files placed in a directory Coffer does not own).
     */
    public static void createDirectoryIfMissing(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (isPosix(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            // createDirectories applies the umask to the attribute; say exactly what is meant.
            Files.setPosixFilePermissions(dir, DIR_MODE);
        } else {
            Files.createDirectories(dir);
        }
    }

    /**
     * For a directory Coffer owns (its data directory): creates it {@code 0700}, or restricts an
     * existing one that group or others may use to {@code 0700}, logging a warning that names
     * its old mode.
     *
     * @throws IOException when it cannot be created or restricted (e.g. it belongs to someone else)
     */
    public static void prepareOwnDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            createDirectoryIfMissing(dir);
            return;
        }
        if (!isPosix(dir)) {
            return;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        if (!isOwnerOnly(mode)) {
            Files.setPosixFilePermissions(dir, DIR_MODE);
            LOG.log(System.Logger.Level.WARNING, "The directory " + dir + " was open to group or others (mode "
                    + PosixFilePermissions.toString(mode) + "); it holds keys, so it is now rwx------ (0700).");
        }
    }

    /**
     * Writes {@code content} to {@code file} unless it exists: {@code 0600} from the start, synced,
     * and published in one step. The caller keeps and wipes {@code content}.
     *
     * @return whether this call created the file; {@code false} when it existed or another writer
     *         published it first (whose content then stands)
     */
    public static boolean createOnce(Path file, byte[] content) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path dir = file.toAbsolutePath().getParent();
        FileAttribute<?>[] mode = isPosix(dir)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp", mode);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            boolean created = publish(temp, file);
            if (created) {
                syncDirectory(dir);
            }
            return created;
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // A leftover temporary file is harmless to correctness; say where it is.
                LOG.log(System.Logger.Level.WARNING, "could not delete the temporary file " + temp);
            }
        }
    }

    /**
     * Refuses {@code file} if group or others may read, write or execute it: throws what
     * {@code refusal} makes of a reason such as {@code "it is accessible to group or others (mode
     * rw-r--r--); restrict it with: chmod 600 <file>"}.
     *
     * @throws IOException when its permissions cannot be read
     */
    public static void requireOwnerOnly(Path file, Function<String, ? extends RuntimeException> refusal) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> mode = view.readAttributes().permissions();
        if (!isOwnerOnly(mode)) {
            throw refusal.apply("it is accessible to group or others (mode " + PosixFilePermissions.toString(mode)
                    + "); restrict it with: chmod 600 " + file);
        }
    }

    private static boolean isOwnerOnly(Set<PosixFilePermission> mode) {
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(mode);
        open.retainAll(GROUP_OR_OTHERS);
        return open.isEmpty();
    }

    // Moves the complete temporary file into place unless 'file' exists; whether it did.
    private static boolean publish(Path temp, Path file) throws IOException {
        try {
            Files.createLink(file, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false; // another process or thread won; its file is the one
        } catch (UnsupportedOperationException | FileSystemException e) {
            // No hard links here (some network and Windows file systems): fall back to an atomic
            // rename after a check, which narrows the race to the gap between check and move.
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
    }

    private static void syncDirectory(Path dir) {
        // Makes the new directory entry durable on POSIX; not possible everywhere, and not fatal.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }
}
