package com.example.redisstore;

import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Conditions;
import dev.coffer.spi.access.Effect;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.IntegrityException;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes the stores keep in Redis values: a format byte, then the fields in a fixed order with
 * {@link DataOutputStream} (strings as length-prefixed UTF-8, {@code -1} for null; instants as
 * seconds and nanoseconds, so they round-trip exactly). Like
 * {@link dev.coffer.spi.audit.AuditEventCodec}, and with no JSON library. Decoding rebuilds the
 * SPI records through their constructors, so a value that no longer passes their rules is refused
 * rather than served; a value this class did not write fails as {@code INTEGRITY_FAILURE}.
 */
final class Encoding {
    private static final int FORMAT = 1;
    private static final int MAX_FIELD_BYTES = 1 << 24;

    private Encoding() {}

    // ---- secrets and versions --------------------------------------------------------------

    static byte[] secret(Secret s) {
        return write(out -> {
            text(out, s.id());
            text(out, s.path().tenant());
            text(out, s.path().environment());
            text(out, s.path().path());
            text(out, s.ownerTeam());
            text(out, s.description());
            text(out, s.rotationStrategy());
            duration(out, s.rotationPeriod());
            map(out, s.labels());
            instant(out, s.createdAt());
            instant(out, s.updatedAt());
            instant(out, s.deletionScheduledAt());
            instant(out, s.lastRotatedAt());
        });
    }

    static Secret secret(byte[] bytes) {
        return read(bytes, in -> new Secret(text(in), SecretPath.of(text(in), text(in), text(in)), text(in), text(in),
                text(in), duration(in), map(in), instant(in), instant(in), instant(in), instant(in)));
    }

    static byte[] version(VersionRecord v) {
        return write(out -> {
            out.writeInt(v.number());
            text(out, v.state().name());
            text(out, v.createdBy());
            instant(out, v.createdAt());
            instant(out, v.expiresAt());
            text(out, v.keyId());
        });
    }

    static VersionRecord version(byte[] bytes) {
        return read(bytes, in -> new VersionRecord(in.readInt(), VersionState.valueOf(text(in)), text(in), instant(in),
                instant(in), text(in)));
    }

    static byte[] sealed(SealedValue v) {
        return write(out -> {
            blob(out, v.ciphertext());
            blob(out, v.wrappedKey());
            text(out, v.keyId());
        });
    }

    static SealedValue sealed(byte[] bytes) {
        return read(bytes, in -> new SealedValue(blob(in), blob(in), text(in)));
    }

    // ---- policies and grants ---------------------------------------------------------------

    static byte[] policy(Policy p) {
        return write(out -> {
            text(out, p.name());
            text(out, p.effect().name());
            list(out, p.principals());
            list(out, p.actions());
            list(out, p.resources());
            Conditions c = p.conditions();
            out.writeBoolean(c.mfa());
            out.writeBoolean(c.ticketRequired());
            list(out, c.sourceCidr());
            list(out, c.sourceCluster());
        });
    }

    static Policy policy(byte[] bytes) {
        return read(bytes, in -> new Policy(text(in), Effect.valueOf(text(in)), list(in), list(in), list(in),
                new Conditions(in.readBoolean(), in.readBoolean(), list(in), list(in))));
    }

    static byte[] grant(BreakGlassGrant g) {
        return write(out -> {
            text(out, g.id());
            text(out, g.tenant());
            text(out, g.principalId());
            list(out, g.resources());
            text(out, g.reason());
            text(out, g.ticketUrl());
            instant(out, g.createdAt());
            instant(out, g.expiresAt());
        });
    }

    static BreakGlassGrant grant(byte[] bytes) {
        return read(bytes, in -> new BreakGlassGrant(text(in), text(in), text(in), list(in), text(in), text(in),
                instant(in), instant(in)));
    }

    // ---- fields -------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw corrupt("a Redis value has unknown encoding " + format);
            }
            T value = reader.read(in);
            if (in.available() > 0) {
                throw corrupt("a Redis value has trailing bytes");
            }
            return value;
        } catch (IOException e) {
            throw corrupt("a Redis value is truncated (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static IntegrityException corrupt(String message) {
        return new IntegrityException(ErrorCode.INTEGRITY_FAILURE, message);
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        blob(out, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(DataInputStream in) throws IOException {
        byte[] utf8 = blob(in);
        return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
    }

    private static void blob(DataOutputStream out, byte[] value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] blob(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > MAX_FIELD_BYTES) {
            throw corrupt("a Redis value has a field of " + length + " bytes");
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw corrupt("a Redis value is truncated");
        }
        return bytes;
    }

    private static void instant(DataOutputStream out, Instant at) throws IOException {
        out.writeBoolean(at != null);
        if (at != null) {
            out.writeLong(at.getEpochSecond());
            out.writeInt(at.getNano());
        }
    }

    private static Instant instant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }

    private static void duration(DataOutputStream out, Duration d) throws IOException {
        out.writeBoolean(d != null);
        if (d != null) {
            out.writeLong(d.getSeconds());
            out.writeInt(d.getNano());
        }
    }

    private static Duration duration(DataInputStream in) throws IOException {
        return in.readBoolean() ? Duration.ofSeconds(in.readLong(), in.readInt()) : null;
    }

    private static void list(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String v : values) {
            text(out, v);
        }
    }

    private static List<String> list(DataInputStream in) throws IOException {
        int size = in.readInt();
        if (size < 0 || size > 100_000) {
            throw corrupt("a Redis value has a list of " + size + " entries");
        }
        List<String> values = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            values.add(text(in));
        }
        return values;
    }

    private static void map(DataOutputStream out, Map<String, String> values) throws IOException {
        Map<String, String> sorted = new TreeMap<>(values);
        out.writeInt(sorted.size());
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            text(out, e.getKey());
            text(out, e.getValue());
        }
    }

    private static Map<String, String> map(DataInputStream in) throws IOException {
        int size = in.readInt();
        if (size < 0 || size > 100_000) {
            throw corrupt("a Redis value has a map of " + size + " entries");
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < size; i++) {
            values.put(text(in), text(in));
        }
        return values;
    }
}
