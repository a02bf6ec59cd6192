package dev.coffer.spi.access;

import java.util.ArrayList;
import java.util.List;

/**
 * Extra requirements of a policy. Both effects fail closed, so the same conditions read
 * differently on an allow and on a deny:
 *
 * <ul>
 *   <li>an <b>allow</b> applies only when the request proves every condition
 *       ({@link #holdFor}): a fact that is missing or unparseable (no source address, no
 *       cluster, no second factor, no ticket) means the allow does not apply;</li>
 *   <li>a <b>deny</b> applies unless the request proves one of its conditions false
 *       ({@link #cannotBeRuledOutFor}): a deny "from {@code 192.0.2.0/24}" also applies when the
 *       source address is unknown or unparseable, a deny "from cluster {@code x}" also applies
 *       when the caller names no cluster.</li>
 * </ul>
 *
 * <p>{@code mfa} and {@code ticketRequired} only ever ask for evidence, so on a deny they could
 * only be met by presenting it: a caller would evade the deny by leaving the second factor or the
 * ticket out. The kernel refuses them on deny policies ({@link #omissibleOnDeny()}); a deny that
 * a store already holds with them is evaluated as if they held.
 *
 * @param mfa the caller must have authenticated with a second factor (allows only)
 * @param ticketRequired the request must carry a non-blank ticket (allows only)
 * @param sourceCidr if not empty, the caller's address must lie in one of these networks
 * @param sourceCluster if not empty, the caller must run in one of these clusters
 */
public record Conditions(boolean mfa, boolean ticketRequired, List<String> sourceCidr, List<String> sourceCluster) {
    public Conditions {
        sourceCidr = sourceCidr == null ? List.of() : List.copyOf(sourceCidr);
        sourceCluster = sourceCluster == null ? List.of() : List.copyOf(sourceCluster);
        sourceCidr.forEach(CidrBlock::parse);
        // Clusters are compared with a claim and stored: the one plain-text rule keeps them portable.
        sourceCluster.forEach(cluster -> dev.coffer.spi.internal.PlainText.require("sourceCluster", cluster));
    }

    /** No conditions. */
    public static Conditions none() {
        return new Conditions(false, false, List.of(), List.of());
    }

    public Conditions withMfa() {
        return new Conditions(true, ticketRequired, sourceCidr, sourceCluster);
    }

    public Conditions withTicketRequired() {
        return new Conditions(mfa, true, sourceCidr, sourceCluster);
    }

    public Conditions withSourceCidr(String... cidrs) {
        return new Conditions(mfa, ticketRequired, List.of(cidrs), sourceCluster);
    }

    public Conditions withSourceCluster(String... clusters) {
        return new Conditions(mfa, ticketRequired, sourceCidr, List.of(clusters));
    }

    /**
     * Whether the request proves every condition: how an allow is judged. A second factor, a
     * non-blank ticket, a parseable source address inside a listed network and a listed cluster
     * must each be present where asked for.
     */
    public boolean holdFor(AccessContext ctx) {
        if (mfa && !ctx.principal().mfa()) {
            return false;
        }
        if (ticketRequired && (ctx.ticket() == null || ctx.ticket().isBlank())) {
            return false;
        }
        if (!sourceCidr.isEmpty() && sourceCidr.stream().map(CidrBlock::parse).noneMatch(c -> c.contains(ctx.sourceIp()))) {
            return false;
        }
        String cluster = ctx.principal().cluster();
        return sourceCluster.isEmpty() || (cluster != null && sourceCluster.contains(cluster));
    }

    /**
     * Whether the request fails to prove any condition false: how a deny is judged. Only a
     * parseable source address outside every listed network, or a named cluster that is not
     * listed, rules a deny out; an unknown or unparseable address and a missing cluster do not.
     * {@code mfa} and {@code ticketRequired} are treated as holding (see {@link #omissibleOnDeny()}).
     */
    public boolean cannotBeRuledOutFor(AccessContext ctx) {
        String address = ctx.sourceIp();
        if (!sourceCidr.isEmpty() && CidrBlock.isAddress(address)
                && sourceCidr.stream().map(CidrBlock::parse).noneMatch(c -> c.contains(address))) {
            return false;
        }
        String cluster = ctx.principal().cluster();
        return sourceCluster.isEmpty() || cluster == null || sourceCluster.contains(cluster);
    }

    /**
     * The conditions set here that a caller could satisfy by leaving something out, and that a
     * deny therefore may not carry: {@code mfa} and {@code ticketRequired}, in that order.
     */
    public List<String> omissibleOnDeny() {
        List<String> names = new ArrayList<>(2);
        if (mfa) {
            names.add("mfa");
        }
        if (ticketRequired) {
            names.add("ticketRequired");
        }
        return names;
    }
}
