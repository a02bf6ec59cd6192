package dev.coffer.spi.audit;

import java.security.SecureRandom;

/**
 * Fresh audit event ids ({@link AuditEvent#newId()}): 22 characters over an alphabet of 64
 * symbols ({@code -0-9A-Z_a-z}) listed in code-point order, so that ids sort as strings in the
 * order they were made, to the millisecond. The first 8 characters are the 48-bit Unix time in
 * milliseconds, the other 14 carry 84 random bits from {@link SecureRandom}.
 *
 * <p>Why time-ordered: the audit log keeps a unique index on the id. Random ids land on a random
 * leaf of that index, so every commit rewrote one leaf per event (a copy-on-write store such as
 * H2's MVStore writes whole pages, up to 16 KiB each); ids made in order land on the index's
 * rightmost leaf, which a batch of events rewrites once. Why 84 random bits: two ids made in the
 * same millisecond, in any number of processes, must not collide (an append of a colliding draft
 * would be taken for the other event), and SecureRandom because a seeded generator could repeat
 * another process's sequence.
 */
final class EventIds {
    /** The 64 symbols in code-point order: {@code '-' < '0'..'9' < 'A'..'Z' < '_' < 'a'..'z'}. */
    static final String ALPHABET = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
    /** Characters of an id made here. */
    static final int LENGTH = 22;
    private static final int TIME_CHARS = 8; // 8 x 6 bits = 48 bits of milliseconds (until the year 10889)
    private static final SecureRandom RANDOM = new SecureRandom();

    private EventIds() {}

    static String next() {
        return at(System.currentTimeMillis());
    }

    /** An id made at {@code epochMillis} (0 to 2^48 - 1). */
    static String at(long epochMillis) {
        if (epochMillis < 0 || epochMillis >= 1L << (6 * TIME_CHARS)) {
            throw new IllegalArgumentException("time out of range for an event id: " + epochMillis);
        }
        char[] id = new char[LENGTH];
        for (int i = TIME_CHARS - 1; i >= 0; i--) {
            id[i] = ALPHABET.charAt((int) (epochMillis & 63));
            epochMillis >>>= 6;
        }
        byte[] random = new byte[11]; // 88 bits, of which the 14 characters take 84
        RANDOM.nextBytes(random);
        long high = 0;
        for (int i = 0; i < 8; i++) {
            high = high << 8 | (random[i] & 0xff);
        }
        int low = (random[8] & 0xff) << 16 | (random[9] & 0xff) << 8 | (random[10] & 0xff);
        for (int i = 0; i < 10; i++) { // 60 bits of 'high'
            id[TIME_CHARS + i] = ALPHABET.charAt((int) (high >>> (58 - 6 * i)) & 63);
        }
        for (int i = 0; i < 4; i++) { // 24 bits of 'low'
            id[TIME_CHARS + 10 + i] = ALPHABET.charAt(low >>> (18 - 6 * i) & 63);
        }
        return new String(id);
    }
}
