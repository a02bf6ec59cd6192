package dev.coffer.server.standalone;

import dev.coffer.spi.access.CidrBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * Which peers may say, in {@code X-Forwarded-For}, whom they forward for — and what the caller's
 * address is then. The standard right-to-left walk: start at the connection's peer; while the
 * current address is a trusted proxy, step to the {@code X-Forwarded-For} entry to its left (what
 * that proxy saw). The first address that is not a trusted proxy is the caller. An entry that is
 * not a plain IPv4/IPv6 literal ({@link CidrBlock#isAddress}: not {@code unknown},
 * {@code 10.0.0.5:4431}, {@code [10.0.0.5]}, a host name) ends the walk at the proxy that wrote
 * it; names are never resolved. A peer outside
 * the list is the caller, whatever it sends.
 *
 * <pre>{@code
 * TrustedProxies proxies = TrustedProxies.of(List.of(CidrBlock.parse("10.0.0.0/8")));
 * proxies.callerAddress("10.0.0.2", List.of("203.0.113.7, 10.0.0.9")); // 203.0.113.7
 * TrustedProxies.none().callerAddress("10.0.0.2", List.of("203.0.113.7")); // 10.0.0.2
 * }</pre>
 */
public final class TrustedProxies {
    private static final TrustedProxies NONE = new TrustedProxies(List.of());
    // Beyond this many hops the header is noise (or an attack); the walk stops where it got to.
    private static final int MAX_HOPS = 32;

    private final List<CidrBlock> blocks;

    private TrustedProxies(List<CidrBlock> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** No proxy is trusted: {@code X-Forwarded-For} is ignored. */
    public static TrustedProxies none() {
        return NONE;
    }

    /** Trusts peers inside {@code blocks} (none when empty). */
    public static TrustedProxies of(List<CidrBlock> blocks) {
        return blocks.isEmpty() ? NONE : new TrustedProxies(blocks);
    }

    /** Whether any proxy is trusted (so {@code X-Forwarded-For} is read at all). */
    public boolean any() {
        return !blocks.isEmpty();
    }

    /** The trusted networks. */
    public List<CidrBlock> blocks() {
        return blocks;
    }

    /**
     * The caller's address.
     *
     * @param peer the connection's remote address
     * @param forwardedFor the {@code X-Forwarded-For} header lines, in order (empty when absent)
     */
    public String callerAddress(String peer, List<String> forwardedFor) {
        if (blocks.isEmpty() || !trusted(peer) || forwardedFor == null || forwardedFor.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String line : forwardedFor) {
            if (line != null) {
                for (String hop : line.split(",", -1)) {
                    hops.add(hop.trim());
                }
            }
        }
        String address = peer;
        for (int i = hops.size() - 1, walked = 0; i >= 0 && walked < MAX_HOPS && trusted(address); i--, walked++) {
            String hop = hops.get(i);
            if (!CidrBlock.isAddress(hop)) {
                break; // the proxy at `address` wrote something that is no address: it is the last we know
            }
            address = hop;
        }
        return address;
    }

    private boolean trusted(String address) {
        for (CidrBlock block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return blocks.isEmpty() ? "none" : blocks.toString();
    }
}
