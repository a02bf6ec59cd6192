package dev.coffer.tink.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.tink.root.RootKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
import java.security.GeneralSecurityException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The embedded default root key: a Tink JSON keyset in a local file, generated on first use.
 *
 * <p><b>The trade-off, stated plainly:</b> the root keyset sits on disk in the clear, protected
 * only by file permissions. Whoever can read the file and the tenant key store can decrypt every
 * secret. That is the price of running without a KMS; production deployments use
 * {@code aws-kms://} or {@code gcp-kms://}.
 *
 * <p>Hence the rules: the file is created with mode {@code 0600} (its directory, when created,
 * {@code 0700}); an existing file readable or writable by group or others is refused, not
 * silently used; an unreadable or corrupt file fails with a message naming the file and never
 * its content. Creation is atomic and first-writer-wins: the keyset is written and synced to a
 * private temporary file, then hard-linked into place, which fails if another process got there
 * first — so two processes racing end with one keyset, and a reader never sees half a file.
 * ({@code ATOMIC_MOVE} alone would not do: on POSIX it replaces an existing target, and the loser
 * of the race would overwrite a keyset the winner already used.)
 */
public final class LocalKeysetFile {
    /** The URI scheme, {@code local-keyset:<file>}. */
    public static final String SCHEME = "local-keyset:";

    private static final System.Logger LOG = System.getLogger(LocalKeysetFile.class.getName());
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    // A keyset of a few keys is well under a kilobyte; anything far larger is not one.
    private static final long MAX_FILE_BYTES = 1 << 20;

    private LocalKeysetFile() {}

    /**
     * The root key in {@code file}, generating the keyset first if the file does not exist.
     *
     * @throws UnavailableException {@code KEY_UNAVAILABLE} when the file cannot be created or
     *         read, is open to group or others, or does not hold a Tink AEAD keyset
     */
    public static RootKey openOrCreate(Path file) {
        Path target = file.toAbsolutePath().normalize();
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            create(target);
        }
        return AeadRootKey.local(SCHEME + target, read(target));
    }

    private static void create(Path file) {
        Path dir = file.getParent();
        boolean posix = Files.getFileAttributeView(dir.getRoot(), PosixFileAttributeView.class) != null;
        String json;
        try {
            json = TinkKeys.serializeJson(TinkKeys.newAes256GcmKeyset());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not generate an AES256-GCM keyset", e);
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Path temp = null;
        try {
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
                } else {
                    Files.createDirectories(dir);
                }
            }
            FileAttribute<?>[] mode = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
                    : new FileAttribute<?>[0];
            temp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp", mode);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (publish(temp, file)) {
                syncDirectory(dir);
                LOG.log(System.Logger.Level.INFO, "Generated the root keyset " + file
                        + " (mode 0600). Back it up: without it no secret can be decrypted.");
            }
        } catch (IOException e) {
            throw new UnavailableException(ErrorCode.KEY_UNAVAILABLE,
                    "cannot create the root keyset file " + file + ": " + describe(e), e);
        } finally {
            TinkKeys.wipe(bytes);
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // A leftover temporary file is harmless to correctness; say where it is.
                    LOG.log(System.Logger.Level.WARNING, "could not delete the temporary file " + temp);
                }
            }
        }
    }

    // Moves the complete temporary file into place unless 'file' exists; whether it did.
    private static boolean publish(Path temp, Path file) throws IOException {
        try {
            Files.createLink(file, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false; // another process or thread won; its keyset is the one
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

    private static Aead read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw unavailable(file, "it is not a regular file");
        }
        checkPermissions(file);
        byte[] bytes = null;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw unavailable(file, "it is larger than any keyset (" + Files.size(file) + " bytes)");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UnavailableException(ErrorCode.KEY_UNAVAILABLE,
                    "cannot read the root keyset file " + file + ": " + describe(e), e);
        }
        // Neither the parser's exception nor its message is kept: a JSON error may quote the
        // input, and the input is key material.
        KeysetHandle handle;
        try {
            handle = TinkKeys.parseJson(new String(bytes, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw unavailable(file, "it is not a valid Tink JSON keyset (corrupt or truncated?)");
        } finally {
            TinkKeys.wipe(bytes);
        }
        try {
            return TinkKeys.aead(handle);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw unavailable(file, "it holds no enabled AEAD key with a primary");
        }
    }

    private static void checkPermissions(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return; // not POSIX: permissions are the platform's ACLs, out of our reach
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = view.readAttributes().permissions();
        } catch (IOException e) {
            throw new UnavailableException(ErrorCode.KEY_UNAVAILABLE,
                    "cannot read the permissions of the root keyset file " + file + ": " + describe(e), e);
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(permissions);
        open.retainAll(GROUP_OR_OTHERS);
        if (!open.isEmpty()) {
            throw unavailable(file, "it is accessible to group or others (mode "
                    + PosixFilePermissions.toString(permissions) + "); it holds the root key in the clear."
                    + " Restrict it with: chmod 600 " + file);
        }
    }

    private static UnavailableException unavailable(Path file, String why) {
        return new UnavailableException(ErrorCode.KEY_UNAVAILABLE, "the root keyset file " + file + " cannot be used: " + why);
    }

    private static String describe(IOException e) {
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
        return e.getClass().getSimpleName() + (reason == null ? "" : " (" + reason + ")");
    }
}
