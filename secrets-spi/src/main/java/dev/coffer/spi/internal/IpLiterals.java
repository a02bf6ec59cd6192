package dev.coffer.spi.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses IP address literals without ever resolving a name (not API). {@link InetAddress#getByName}
 * looks up anything it cannot read as a literal ({@code beef}, {@code cafe} are host names to it)
 * and reads ambiguous legacy forms ({@code 127.1}, {@code 010.0.0.1}); so only a strict dotted quad
 * or text containing a colon (which it parses as IPv6 or refuses, never looks up) reaches it.
 *
 * <pre>{@code
 * IpLiterals.parse("10.0.0.5");        // 10.0.0.5
 * IpLiterals.parse("2001:db8::1");     // 2001:db8:0:0:0:0:0:1
 * IpLiterals.parse("10.0.0.5:4431");   // empty
 * IpLiterals.parse("unknown");         // empty, and no DNS query
 * }</pre>
 */
public final class IpLiterals {
    private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");
    // Hex groups, colons and an optional embedded dotted quad; no zone id, no brackets, no port.
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:]*(?:" + IPV4.pattern() + ")?");
    private static final int MAX_CHARS = 45;

    private IpLiterals() {}

    /** The address {@code text} spells, or empty when it is not exactly one IPv4 or IPv6 literal. */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_CHARS) {
            return Optional.empty();
        }
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
