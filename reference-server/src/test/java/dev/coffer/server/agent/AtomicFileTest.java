package dev.coffer.server.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes that are atomic, keep the permissions, skip equal content and leave no temp file behind. */
class AtomicFileTest {
    private static final Set<PosixFilePermission> P0640 = PosixFilePermissions.fromString("rw-r-----");

    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void writesWithThePermissionsAndReportsAChange() throws IOException {
        Path f = dir.resolve("db.properties");
        assertTrue(AtomicFile.write(f, "a".getBytes(StandardCharsets.UTF_8), P0640));
        assertEquals(P0640, Files.getPosixFilePermissions(f));
        assertEquals(List.of(f), files());
    }

    @Test
    void equalContentIsNotRewritten() throws IOException {
        Path f = dir.resolve("x");
        AtomicFile.write(f, "same".getBytes(StandardCharsets.UTF_8), P0640);
        Object inode = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        assertFalse(AtomicFile.write(f, "same".getBytes(StandardCharsets.UTF_8), P0640));
        assertEquals(inode, Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class).fileKey(), "not replaced");
    }

    @Test
    void permissionsChangedBySomeoneElseAreRestoredOnTheNextWrite() throws IOException {
        Path f = dir.resolve("x");
        AtomicFile.write(f, "v1".getBytes(StandardCharsets.UTF_8), P0640);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertFalse(AtomicFile.write(f, "v1".getBytes(StandardCharsets.UTF_8), P0640), "same content: no change reported");
        assertEquals(P0640, Files.getPosixFilePermissions(f));
        assertTrue(AtomicFile.write(f, "v2".getBytes(StandardCharsets.UTF_8), P0640));
        assertEquals(P0640, Files.getPosixFilePermissions(f));
        assertArrayEquals("v2".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(f));
    }

    @Test
    void aFailedMoveLeavesTheDestinationAndNoTempFile() throws IOException {
        Path target = dir.resolve("is-a-directory");
        Files.createDirectory(target);
        Files.writeString(target.resolve("child"), "keeps the directory non-empty");
        assertThrows(IOException.class, () -> AtomicFile.write(target, "v".getBytes(StandardCharsets.UTF_8), P0640));
        assertEquals(List.of(target), files(), "no temp file left");
        assertTrue(Files.isDirectory(target));
    }

    @Test
    void removeDeletesAndSaysWhetherThereWasAFile() throws IOException {
        Path f = dir.resolve("x");
        assertFalse(AtomicFile.remove(f));
        AtomicFile.write(f, new byte[] {1}, P0640);
        assertTrue(AtomicFile.remove(f));
        assertEquals(List.of(), files());
    }
}
