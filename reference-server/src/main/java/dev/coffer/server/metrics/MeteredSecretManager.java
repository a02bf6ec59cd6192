package dev.coffer.server.metrics;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.BreakGlassRequest;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditSummary;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretListItem;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionSelector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Times reads as {@code coffer_read_seconds} and counts them as
 * {@code coffer_reads_total{outcome="success",code="none"}} or
 * {@code {outcome="failure",code="<ErrorCode>"}}, and feeds successful reads to
 * {@link HottestSecret} ({@code coffer_secret_reads_hottest}); every other call passes straight through.
 */
public final class MeteredSecretManager implements SecretManager {
    private static final String READS = "coffer.reads";
    private static final String READS_HELP = "Reads by outcome (failures by error code)";

    private final SecretManager delegate;
    private final MeterRegistry registry;
    private final Timer readLatency;
    private final Counter readSuccess;
    private final HottestSecret hottest;

    public MeteredSecretManager(SecretManager delegate, Metrics metrics) {
        this(delegate, metrics, Clock.systemUTC());
    }

    /** As above, with the clock that paces {@link HottestSecret}'s windows. */
    public MeteredSecretManager(SecretManager delegate, Metrics metrics, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.registry = metrics.registry();
        this.readLatency = Metrics.latency("coffer.read", "Latency of reads: authorize, decrypt, audit").register(registry);
        this.readSuccess = reads("success", FailureCode.NONE);
        this.hottest = new HottestSecret(clock);
        Gauge.builder("coffer.secret.reads.hottest", hottest, HottestSecret::lastWindowMax)
                .description("Reads of the most-read secret in the last complete minute (which one: coffer audit summary)")
                .strongReference(true).register(registry);
        // The failure series alerts watch exist from the start, at 0.
        reads("failure", "ACCESS_DENIED");
    }

    @Override
    public SecretContent read(AccessContext ctx, SecretPath path, VersionSelector selector) {
        long start = System.nanoTime();
        try {
            SecretContent content = delegate.read(ctx, path, selector);
            readSuccess.increment();
            hottest.read(content.path());
            return content;
        } catch (RuntimeException e) {
            reads("failure", FailureCode.of(e)).increment();
            throw e;
        } finally {
            readLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private Counter reads(String outcome, String code) {
        return Counter.builder(READS).description(READS_HELP).tag("outcome", outcome).tag(FailureCode.TAG, code).register(registry);
    }

    @Override
    public Secret create(AccessContext ctx, NewSecret request) {
        return delegate.create(ctx, request);
    }

    @Override
    public SecretDetails describe(AccessContext ctx, String secretId) {
        return delegate.describe(ctx, secretId);
    }

    @Override
    public SecretDetails describe(AccessContext ctx, SecretPath path) {
        return delegate.describe(ctx, path);
    }

    @Override
    public Page<SecretListItem> list(AccessContext ctx, SecretFilter filter, PageRequest page) {
        return delegate.list(ctx, filter, page);
    }

    @Override
    public Secret update(AccessContext ctx, SecretRef secret, SecretUpdate update) {
        return delegate.update(ctx, secret, update);
    }

    @Override
    public SecretVersion addVersion(AccessContext ctx, SecretRef secret, NewVersion version) {
        return delegate.addVersion(ctx, secret, version);
    }

    @Override
    public List<SecretVersion> versions(AccessContext ctx, SecretRef secret) {
        return delegate.versions(ctx, secret);
    }

    @Override
    public Aliases moveAlias(AccessContext ctx, SecretRef secret, String alias, int version, OptionalInt expectedPreviousVersion) {
        return delegate.moveAlias(ctx, secret, alias, version, expectedPreviousVersion);
    }

    @Override
    public Aliases removeAlias(AccessContext ctx, SecretRef secret, String alias, OptionalInt expectedVersion) {
        return delegate.removeAlias(ctx, secret, alias, expectedVersion);
    }

    @Override
    public SecretVersion disable(AccessContext ctx, SecretRef secret, int version) {
        return delegate.disable(ctx, secret, version);
    }

    @Override
    public SecretVersion enable(AccessContext ctx, SecretRef secret, int version) {
        return delegate.enable(ctx, secret, version);
    }

    @Override
    public SecretVersion destroy(AccessContext ctx, SecretRef secret, int version) {
        return delegate.destroy(ctx, secret, version);
    }

    @Override
    public Secret scheduleDeletion(AccessContext ctx, SecretRef secret, int recoveryWindowDays) {
        return delegate.scheduleDeletion(ctx, secret, recoveryWindowDays);
    }

    @Override
    public Secret restore(AccessContext ctx, SecretRef secret) {
        return delegate.restore(ctx, secret);
    }

    @Override
    public void purge(AccessContext ctx, SecretRef secret) {
        delegate.purge(ctx, secret);
    }

    @Override
    public void forceDelete(AccessContext ctx, SecretRef secret) {
        delegate.forceDelete(ctx, secret);
    }

    @Override
    public BreakGlassGrant grantBreakGlass(AccessContext ctx, BreakGlassRequest request) {
        return delegate.grantBreakGlass(ctx, request);
    }

    @Override
    public Page<AuditEvent> queryAudit(AccessContext ctx, AuditQuery query, PageRequest page) {
        return delegate.queryAudit(ctx, query, page);
    }

    @Override
    public AuditSummary summarizeAudit(AccessContext ctx, Instant since) {
        return delegate.summarizeAudit(ctx, since);
    }

    @Override
    public AuditVerification verifyAudit(AccessContext ctx) {
        return delegate.verifyAudit(ctx);
    }

    @Override
    public void authorizeMetrics(AccessContext ctx) {
        delegate.authorizeMetrics(ctx);
    }

    @Override
    public Policy putPolicy(AccessContext ctx, Policy policy) {
        return delegate.putPolicy(ctx, policy);
    }

    @Override
    public Optional<Policy> getPolicy(AccessContext ctx, String name) {
        return delegate.getPolicy(ctx, name);
    }

    @Override
    public List<Policy> listPolicies(AccessContext ctx) {
        return delegate.listPolicies(ctx);
    }

    @Override
    public void deletePolicy(AccessContext ctx, String name) {
        delegate.deletePolicy(ctx, name);
    }

    @Override
    public dev.coffer.spi.watch.ChangeSubscription watch(AccessContext ctx, dev.coffer.spi.watch.WatchRequest request) {
        return delegate.watch(ctx, request);
    }
}
