package dev.coffer.spi.access;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network such as {@code 10.0.0.0/8}, for {@code sourceCidr} conditions.
 * Only address literals are accepted: nothing here ever resolves a host name.
 */
public final class CidrBlock {
    private static final int MAX_MEMO = 10_000;
    private static final java.util.Map<String, CidrBlock> PARSED = new java.util.concurrent.ConcurrentHashMap<>();
    // Literal characters only. InetAddress.getByName parses anything with a ':' as an IPv6
    // literal (never a lookup); without one it would accept "12345" or "1.2" as IPv4 and look up
    // "cafe" in DNS, so IPv4 must be four plain decimal octets before it is handed over.
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    private final String text;
    private final byte[] network;
    private final int prefix;

    private CidrBlock(String text, byte[] network, int prefix) {
        this.text = text;
        this.network = network;
        this.prefix = prefix;
    }

    /** Parses {@code address/prefix}; a bare address means a single host. */
    public static CidrBlock parse(String text) {
        // Policies are evaluated on every call; parse each distinct pattern once. Bounded: a
        // flood of distinct strings only clears the memo, it never grows without limit.
        CidrBlock known = text == null ? null : PARSED.get(text);
        if (known != null) {
            return known;
        }
        CidrBlock parsed = parseUncached(text);
        if (PARSED.size() >= MAX_MEMO) {
            PARSED.clear();
        }
        PARSED.put(text, parsed);
        return parsed;
    }

    private static CidrBlock parseUncached(String text) {
        if (text == null) {
            throw invalid("sourceCidr entries must not be null");
        }
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literal(address).orElseThrow(() -> invalid("a sourceCidr entry is not an IP address or network"));
        int prefix;
        try {
            prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw invalid("a sourceCidr entry has a malformed prefix length");
        }
        if (prefix < 0 || prefix > bytes.length * 8) {
            throw invalid("a sourceCidr entry has a prefix length outside 0.." + bytes.length * 8);
        }
        return new CidrBlock(text, bytes, prefix);
    }

    /** Whether {@code address} is an IPv4 or IPv6 literal (never a host name, never with a port). */
    public static boolean isAddress(String address) {
        return address != null && literal(address).isPresent();
    }

    /** Whether {@code address} (an IP literal) lies in this block; unparseable addresses do not. */
    public boolean contains(String address) {
        Optional<byte[]> parsed = address == null ? Optional.empty() : literal(address);
        if (parsed.isEmpty() || parsed.get().length != network.length) {
            return false;
        }
        byte[] a = parsed.get();
        int fullBytes = prefix / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    private static Optional<byte[]> literal(String address) {
        if (address.isEmpty() || address.length() > 45 || !LITERAL.matcher(address).matches()
                || (address.indexOf(':') < 0 && !IPV4.matcher(address).matches())) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(address).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return text;
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_POLICY, message);
    }
}
