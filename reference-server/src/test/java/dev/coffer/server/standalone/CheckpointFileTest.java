package dev.coffer.server.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditCheckpoint;
import dev.coffer.spi.audit.AuditKeys;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.tck.support.Expect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
    private static final Logger AUDIT_LOG = Logger.getLogger("dev.coffer.server.audit");

    @TempDir
    Path temp;

    private final AuditKeys keys = AuditKeys.random();

    @Test
    void checkpointsAreAppendedAsPrivateJsonLinesReadBackAuthenticAndLogged() throws Exception {
        CheckpointFile file = new CheckpointFile(temp.resolve(CheckpointFile.FILE_NAME));
        AuditCheckpoint first = keys.checkpoint(AuditCheckpoint.LOG, 0, "0".repeat(64), 1, Instant.parse("2030-01-01T00:00:00Z"));
        AuditCheckpoint second = keys.checkpoint(AuditCheckpoint.LOG, 42, "ab".repeat(32), 1, Instant.parse("2030-01-01T00:00:10.125Z"));
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(new java.util.logging.SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        AUDIT_LOG.addHandler(capture);
        try {
            file.record(first);
            file.record(second);
        } finally {
            AUDIT_LOG.removeHandler(capture);
        }

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.file())));
        assertEquals(2, Files.readAllLines(file.file()).size());
        assertEquals(List.of(first, second), file.checkpoints());
        assertTrue(file.checkpoints().stream().allMatch(keys::isAuthentic));
        assertEquals(2, logged.size());
        assertTrue(logged.get(1).startsWith("audit checkpoint {") && logged.get(1).contains("\"seq\":42"), logged.get(1));
    }

    @Test
    void aDamagedLineMakesTheCheckpointsUnreadableRatherThanSilentlySkipped() throws Exception {
        CheckpointFile file = new CheckpointFile(temp.resolve(CheckpointFile.FILE_NAME));
        file.record(keys.checkpoint(AuditCheckpoint.LOG, 3, "cd".repeat(32), 1, Instant.EPOCH));
        Files.writeString(file.file(), "{\"chain\":\"audit\",\"seq\":\"three\"}\n", StandardOpenOption.APPEND);

        UnavailableException e = Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE, file::checkpoints);
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void noFileYetMeansNoCheckpoints() {
        assertEquals(List.of(), new CheckpointFile(temp.resolve("absent.jsonl")).checkpoints());
    }
}
