package dev.coffer.server.api;

import dev.coffer.server.api.dto.AuditEventBody;
import dev.coffer.server.api.dto.AuditSummaryBody;
import dev.coffer.server.api.dto.PageBody;
import dev.coffer.server.api.dto.VerificationBody;
import dev.coffer.server.internal.Instants;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.model.Page;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.Objects;

/** {@code /v1/audit}: query, summary and hash-chain verification of the caller's tenant. */
@Path("v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
    private final SecretManager manager;

    public AuditResource(SecretManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** Events, oldest first. {@code path} is the path without the environment. */
    @GET
    public PageBody<AuditEventBody> query(@Context SecurityContext security, @QueryParam("environment") String environment,
            @QueryParam("path") String path, @QueryParam("principal") String principal, @QueryParam("type") String type,
            @QueryParam("decision") String decision, @QueryParam("since") String since, @QueryParam("until") String until,
            @QueryParam("pageToken") String pageToken, @QueryParam("limit") String limit) {
        AccessContext ctx = Callers.context(security);
        AuditQuery query = new AuditQuery(ctx.tenant(), blankToNull(environment), blankToNull(path), blankToNull(principal),
                QueryParams.enumValue("type", type, AuditEventType.class),
                QueryParams.enumValue("decision", decision, Decision.class),
                Instants.parseOrNull("since", since), Instants.parseOrNull("until", until));
        Page<AuditEvent> page = manager.queryAudit(ctx, query, QueryParams.page(pageToken, limit));
        return new PageBody<>(page.items().stream().map(AuditEventBody::from).toList(), page.nextPageToken());
    }

    /** Who read what and why since {@code since} (default: the last 24 hours). */
    @GET
    @Path("summary")
    public AuditSummaryBody summary(@Context SecurityContext security, @QueryParam("since") String since) {
        Instant from = Instants.parseOrNull("since", since);
        return AuditSummaryBody.from(manager.summarizeAudit(Callers.context(security),
                from == null ? Instant.now().minusSeconds(24 * 3600) : from));
    }

    /** Walks the hash chain. */
    @POST
    @Path("verify")
    public VerificationBody verify(@Context SecurityContext security) {
        return VerificationBody.from(manager.verifyAudit(Callers.context(security)));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
