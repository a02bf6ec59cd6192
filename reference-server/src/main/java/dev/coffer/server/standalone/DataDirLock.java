package dev.coffer.server.standalone;

import dev.coffer.spi.internal.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The exclusive lock a running server holds on its data directory ({@code coffer.lock}, an OS
 * file lock, released by the OS if the process dies). A second server on the same directory is
 * refused at once with a message naming the holder's process id, instead of racing the first for
 * the keys and the admin token. Two servers never share a data directory: with H2 they could not
 * share its database file anyway, and instances sharing a PostgreSQL database each have their own.
 *
 * <p>The lock file stays when the lock is released: deleting it would let a third process lock a
 * new file while a second still holds the old one.
 */
public final class DataDirLock implements AutoCloseable {
    // Lock files held by this JVM (servers in tests, several deployments in one process).
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DataDirLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path file) {
        // Checked before any channel is opened: on Linux, closing any descriptor of the file
        // (a refused second channel, a read of the holder's pid) drops this process's lock on it.
        if (!HELD.add(file)) {
            throw inUse(file, " (pid " + ProcessHandle.current().pid() + ", this process)");
        }
        FileChannel channel = null;
        try {
            Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            channel = PrivateFiles.isPosix(file)
                    ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : FileChannel.open(file, options);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another server in this JVM
            }
            if (lock == null) {
                channel.close();
                throw inUse(file, holder(file));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new DataDirLock(file, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            HELD.remove(file);
            throw new UncheckedIOException("cannot lock the data directory " + file.getParent() + " (is it writable?): "
                    + DataDir.reason(e), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            HELD.remove(file);
            throw e;
        }
    }

    private static DataDirInUseException inUse(Path file, String holder) {
        return new DataDirInUseException("data directory " + file.getParent() + " in use by another server" + holder
                + "; stop it, or give this server a data directory of its own (--data)");
    }

    private static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return pid.matches("[0-9]{1,19}") ? " (pid " + pid + ")" : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Releases the lock (once; later calls do nothing). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it too
        } finally {
            closeQuietly(channel);
            HELD.remove(file);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
