package dev.coffer.server.standalone;

import dev.coffer.tink.TinkEnvelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a start-up that fails takes back from the data directory, so that no half-made directory
 * is left for the next start to mistake for a complete one: taken before the directory is
 * prepared, {@link #rollback()} removes the directories this start created and, in one that
 * existed, the files of Coffer's own (keys, admin token, database, markers) that this start
 * created. Nothing that was there before is touched, and nothing whose name Coffer does not use:
 * {@code --data} may name a directory other programs write to.
 *
 * <p>Called while the data directory's lock is held, so no other server works in it. In a
 * directory that existed, the lock file stays (removing it would let a later server lock a new
 * file while one that opened the old file still waits for it; see {@link DataDirLock}).
 */
final class DataDirRollback {
    private static final System.Logger LOG = System.getLogger(DataDirRollback.class.getName());

    // Every file a start creates in the data directory; H2 adds coffer.trace.db and temporary files.
    private static final Set<String> OWN_FILES = Set.of(DataDir.ADMIN_TOKEN, DataDir.SIGNING_KEY, DataDir.PUBLIC_KEY,
            TinkEnvelope.LOCAL_KEYSET_FILE, DataDir.BOOTSTRAP_MARKER, DataDir.BOOTSTRAP_PENDING, CheckpointFile.FILE_NAME, DataDir.LOCK);
    private static final Pattern OWN_NAMES = Pattern.compile("coffer\\.(mv\\.db|trace\\.db|lock\\.db|[0-9]+\\.temp\\.db|mv\\.db\\.tempFile)"
            + "|\\.(" + String.join("|", OWN_FILES.stream().map(Pattern::quote).toList()) + ")-[^/]*\\.tmp");

    private final Path dir;
    // The directories this start creates, deepest first; empty when dir existed.
    private final List<Path> missing;
    private final Set<String> before;

    private DataDirRollback(Path dir, List<Path> missing, Set<String> before) {
        this.dir = dir;
        this.missing = missing;
        this.before = before;
    }

    /** Notes what {@code root} holds now (or which of it and its parents do not exist yet). */
    static DataDirRollback before(Path root) {
        Path dir = root.toAbsolutePath().normalize();
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.add(p);
        }
        Set<String> before = new HashSet<>();
        if (missing.isEmpty() && Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                entries.forEach(e -> before.add(e.getFileName().toString()));
            } catch (IOException e) {
                // unreadable: prepare() reports it; nothing will be removed from a directory we could not list
                return new DataDirRollback(dir, List.of(), null);
            }
        }
        return new DataDirRollback(dir, List.copyOf(missing), before);
    }

    /** Whether this start creates the data directory. */
    boolean createsDirectory() {
        return !missing.isEmpty();
    }

    /**
     * Removes what this start added (best effort: a file that cannot be removed is logged, and
     * the next start sees an unfinished bootstrap and completes it).
     */
    void rollback() {
        if (before == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> added = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(e -> isOwn(e.getFileName().toString()) && !before.contains(e.getFileName().toString()))
                    .filter(e -> createsDirectory() || !e.getFileName().toString().equals(DataDir.LOCK))
                    .forEach(added::add);
        } catch (IOException | UncheckedIOException e) {
            LOG.log(Level.WARNING, "a failed start could not list " + dir + " to remove what it created");
            return;
        }
        for (Path file : added) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "a failed start could not remove " + file + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        for (Path created : missing) {
            try {
                Files.deleteIfExists(created);
            } catch (DirectoryNotEmptyException e) {
                return; // something else was put there meanwhile: leave it and its parents
            } catch (IOException e) {
                LOG.log(Level.WARNING, "a failed start could not remove the directory " + created + " it created");
                return;
            }
        }
    }

    static boolean isOwn(String name) {
        return OWN_FILES.contains(name) || OWN_NAMES.matcher(name).matches();
    }
}
