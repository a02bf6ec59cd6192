package dev.coffer.server.standalone;

import dev.coffer.spi.audit.AuditAnchor;
import dev.coffer.spi.audit.AuditCheckpoint;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.internal.PrivateFiles;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The server's {@link AuditAnchor}: audit checkpoints appended as JSON lines to a file in the
 * data directory ({@value #FILE_NAME}, {@code 0600}), each forced to disk before the append
 * returns, and each also written as one log line ({@code audit checkpoint {...}}) so that a log
 * shipper carries a copy off the machine. The file is the export: every line is a checkpoint
 * anyone holding the root key can check, and {@code coffer audit verify} checks them all.
 *
 * <pre>{@code
 * {"chain":"audit","seq":1042,"hash":"9f2c…","keyedFrom":1,"at":"2030-01-01T00:00:10.125Z","mac":"5be0…"}
 * }</pre>
 */
public final class CheckpointFile implements AuditAnchor {
    /** The file's name in the data directory. */
    public static final String FILE_NAME = "audit-checkpoints.jsonl";

    private static final System.Logger LOG = System.getLogger("dev.coffer.server.audit");

    private final Path file;

    /** Checkpoints in {@code file}, created {@code 0600} on the first checkpoint. */
    public CheckpointFile(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /** The file. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized void record(AuditCheckpoint c) {
        String line = Json.createObjectBuilder()
                .add("chain", c.chain()).add("seq", c.seq()).add("hash", c.hash()).add("keyedFrom", c.keyedFrom())
                .add("at", c.at().toString()).add("mac", c.mac())
                .build().toString();
        try {
            if (!Files.exists(file) && PrivateFiles.isPosix(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
        } catch (IOException e) {
            throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, "cannot append an audit checkpoint to " + file
                    + " (" + e.getClass().getSimpleName() + ")", e);
        }
        LOG.log(Level.INFO, "audit checkpoint {0}", line);
    }

    /**
     * {@inheritDoc}
     *
     * @throws UnavailableException {@code AUDIT_UNAVAILABLE} also for a line that is not a
     *         checkpoint: the file was damaged or edited, and nothing it says can be trusted
     */
    @Override
    public synchronized List<AuditCheckpoint> checkpoints() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, "cannot read the audit checkpoints in " + file
                    + " (" + e.getClass().getSimpleName() + ")", e);
        }
        List<AuditCheckpoint> checkpoints = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            checkpoints.add(parse(lines.get(i), i + 1));
        }
        return checkpoints;
    }

    private AuditCheckpoint parse(String line, int number) {
        try (JsonReader reader = Json.createReader(new StringReader(line))) {
            JsonObject o = reader.readObject();
            return new AuditCheckpoint(o.getString("chain"), o.getJsonNumber("seq").longValueExact(), o.getString("hash"),
                    o.getJsonNumber("keyedFrom").longValueExact(), Instant.parse(o.getString("at")), o.getString("mac"));
        } catch (JsonException | ClassCastException | NullPointerException | ArithmeticException | DateTimeParseException
                | IllegalArgumentException e) {
            throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, "line " + number + " of " + file
                    + " is not an audit checkpoint: the file was damaged or edited");
        }
    }
}
