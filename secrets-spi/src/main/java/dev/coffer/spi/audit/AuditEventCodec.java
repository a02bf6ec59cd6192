package dev.coffer.spi.audit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A compact, versioned binary form of an {@link AuditEvent}, for stores that keep events in an
 * {@link dev.coffer.spi.store.AuditOutbox} as opaque bytes (a Redis hash field, a DynamoDB binary
 * attribute). Every field round-trips exactly, drafts included.
 *
 * <pre>{@code
 * byte[] bytes = AuditEventCodec.encode(draft);
 * AuditEvent same = AuditEventCodec.decode(bytes);   // same.equals(draft)
 * }</pre>
 */
public final class AuditEventCodec {
    private static final int FORMAT = 1;
    // An event is a few hundred bytes; anything this large was not written by encode.
    private static final int MAX_FIELD_BYTES = 64 * 1024;

    private AuditEventCodec() {}

    /**
     * The bytes of {@code event}.
     *
     * @throws IllegalArgumentException if a field is over 64 KiB in UTF-8, which {@link #decode}
     *         would refuse (a store then undoes the change rather than keep an event it cannot read back)
     */
    public static byte[] encode(AuditEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(event.seq());
            text(out, event.id());
            text(out, event.eventType().name());
            text(out, event.tenant());
            text(out, event.environment());
            text(out, event.path());
            out.writeBoolean(event.version() != null);
            out.writeInt(event.version() == null ? 0 : event.version());
            text(out, event.principal());
            text(out, event.action());
            text(out, event.detail());
            text(out, event.sourceIp());
            text(out, event.requestId());
            text(out, event.decision().name());
            text(out, event.reason());
            text(out, event.ticket());
            out.writeLong(ChronoUnit.MICROS.between(Instant.EPOCH, event.createdAt()));
            text(out, event.prevHash());
            text(out, event.hash());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The event {@code bytes} encode.
     *
     * @throws IllegalArgumentException if {@code bytes} are not an encoding this class wrote
     */
    public static AuditEvent decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown audit event encoding " + format);
            }
            long seq = in.readLong();
            String id = text(in);
            AuditEventType type = AuditEventType.valueOf(text(in));
            String tenant = text(in);
            String environment = text(in);
            String path = text(in);
            boolean hasVersion = in.readBoolean();
            int number = in.readInt();
            String principal = text(in);
            String action = text(in);
            String detail = text(in);
            String sourceIp = text(in);
            String requestId = text(in);
            Decision decision = Decision.valueOf(text(in));
            String reason = text(in);
            String ticket = text(in);
            Instant createdAt = Instant.EPOCH.plus(in.readLong(), ChronoUnit.MICROS);
            String prevHash = text(in);
            String hash = text(in);
            if (in.available() > 0) {
                throw new IllegalArgumentException("audit event encoding has trailing bytes");
            }
            return new AuditEvent(seq, id, type, tenant, environment, path, hasVersion ? number : null, principal, action, detail,
                    sourceIp, requestId, decision, reason, ticket, createdAt, prevHash, hash);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("not an audit event encoding (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_FIELD_BYTES) {
            throw new IllegalArgumentException("an audit event field of " + utf8.length + " bytes is over the "
                    + MAX_FIELD_BYTES + " an encoding may hold");
        }
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String text(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > MAX_FIELD_BYTES) {
            throw new IllegalArgumentException("audit event encoding has a field of " + length + " bytes");
        }
        byte[] utf8 = in.readNBytes(length);
        if (utf8.length != length) {
            throw new IllegalArgumentException("audit event encoding is truncated");
        }
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
