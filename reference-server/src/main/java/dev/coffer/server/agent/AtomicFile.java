package dev.coffer.server.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/**
 * Replaces a file's content so that a reader sees the old content or the new one, never a part:
 * a temp file in the same directory, created with the target permissions from the start (so it
 * is never readable by others, even for an instant), written, fsynced, then renamed over the
 * destination ({@code ATOMIC_MOVE}) and the directory fsynced. The temp file is removed on any
 * failure.
 *
 * <pre>{@code
 * boolean changed = AtomicFile.write(Path.of("/etc/app/db.properties"), bytes, PosixFilePermissions.fromString("rw-r-----"));
 * }</pre>
 */
public final class AtomicFile {
    /** Files larger than this are not compared byte for byte but rewritten. */
    private static final long MAX_COMPARE = 16L << 20;

    private AtomicFile() {}

    /**
     * Writes {@code content} to {@code destination} unless it already holds exactly these bytes
     * with exactly these permissions.
     *
     * @return whether the content changed (the file was written and held other bytes, or none)
     * @throws IOException when the directory is not writable or the move fails; the destination is then unchanged
     */
    public static boolean write(Path destination, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        boolean same = sameContent(destination, content);
        if (same && permissions.equals(Files.getPosixFilePermissions(destination))) {
            return false;
        }
        Path dir = directory(destination);
        Path temp = Files.createTempFile(dir, "." + destination.getFileName() + ".", ".coffer-tmp",
                PosixFilePermissions.asFileAttribute(permissions));
        try {
            // The umask can only have taken bits away; set exactly what the config says.
            Files.setPosixFilePermissions(temp, permissions);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            try {
                Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename atomically in " + dir, null);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory(dir);
        return !same;
    }

    /**
     * Deletes {@code destination} if it exists.
     *
     * @return whether there was a file
     */
    public static boolean remove(Path destination) throws IOException {
        boolean removed = Files.deleteIfExists(destination);
        if (removed) {
            syncDirectory(directory(destination));
        }
        return removed;
    }

    private static boolean sameContent(Path destination, byte[] content) throws IOException {
        try {
            if (!Files.isRegularFile(destination) || Files.size(destination) != content.length || content.length > MAX_COMPARE) {
                return false;
            }
            return Arrays.equals(Files.readAllBytes(destination), content);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static Path directory(Path destination) {
        Path parent = destination.toAbsolutePath().getParent();
        return parent == null ? Path.of("/") : parent;
    }

    /** Makes the rename durable; a file system that cannot sync a directory is left as it is. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // Not every file system lets a directory be opened or synced; the rename has happened.
        }
    }
}
