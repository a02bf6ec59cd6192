package dev.coffer.spi.access;

import java.util.List;

/**
 * Extra requirements of a policy. A policy applies only when all its conditions hold, for
 * allows and denies alike.
 *
 * @param mfa the caller must have authenticated with a second factor
 * @param ticketRequired the request must carry a ticket
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

    /** Whether every condition holds for this request. */
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
}
