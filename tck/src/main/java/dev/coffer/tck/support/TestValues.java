package dev.coffer.tck.support;

import dev.coffer.spi.model.SecretValue;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secret values for tests. Every value made here is remembered, so that {@link NoValueLeaks}
 * can scan logs, console output and exception messages for it afterwards.
 *
 * <p>Values are random and long enough that finding one by chance in a log line is impossible.
 */
public final class TestValues {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<String> ISSUED = ConcurrentHashMap.newKeySet();

    private TestValues() {}

    /** A fresh text value, e.g. {@code tck-value-3f9c…}, remembered for leak scanning. */
    public static String text() {
        byte[] noise = new byte[12];
        RANDOM.nextBytes(noise);
        String value = "tck-value-" + HexFormat.of().formatHex(noise);
        ISSUED.add(value);
        return value;
    }

    /** A fresh value as {@link SecretValue}; remember its text with {@link #text()} if you need to compare. */
    public static SecretValue value() {
        return SecretValue.ofUtf8(text());
    }

    /** Registers a value made elsewhere (e.g. binary or oversize) so leak scans look for it. */
    public static String remember(String value) {
        ISSUED.add(value);
        return value;
    }

    /** Every value issued so far. */
    public static Set<String> issued() {
        return Set.copyOf(ISSUED);
    }
}
