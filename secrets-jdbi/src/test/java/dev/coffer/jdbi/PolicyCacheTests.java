package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.BreakGlassRequest;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The policy store's cache is never stale: a policy or grant change committed through one
 * instance (the writer) is enforced by the very next read of another (the reader), each with a
 * kernel, a pool and a cache of its own: two {@link CofferDatabase}s on one database. On
 * PostgreSQL they stand for two server processes; on embedded H2 (one process holds the file) for
 * two users of one JVM, whose caches follow the changes that JVM makes.
 */
@ExtendWith(NoValueLeaks.class)
abstract class PolicyCacheTests {
    static final String TENANT = "acme";
    static final String ADMIN = "user:admin";
    static final String ALICE = "user:alice";
    static final SecretPath PATH = SecretPath.parse(TENANT, "prod/payments/db");

    CofferDatabase reader;
    CofferDatabase writer;
    SecretManager readerKernel;
    SecretManager writerKernel;
    private String value;

    /** The run's database of the subclass's kind. */
    abstract TestDatabase database();

    /** The instance the changes are made through, a second one on the reader's database. */
    abstract CofferDatabase openWriter(TestDatabase database);

    /** Closes what {@link #openWriter} opened. */
    abstract void closeWriter(CofferDatabase writer);

    @BeforeEach
    final void twoKernelsOneSecret() {
        reader = database().reset();
        writer = openWriter(database());
        // The bootstrap policy goes in behind both kernels, as a server's first start does.
        writer.policyStore().put(TENANT, Policy.allow("admin", List.of(ADMIN), List.of("secrets:*"), List.of("*")),
                BeforeCommit.none());
        // One envelope for both: JdkEnvelope's root key is random per instance, and two servers share theirs.
        JdkEnvelope envelope = new JdkEnvelope(reader.tenantKeyStore());
        readerKernel = kernel(reader, envelope);
        writerKernel = kernel(writer, envelope);
        String id = writerKernel.create(admin(), NewSecret.builder(PATH, "payments").build()).id();
        value = TestValues.text();
        try (SecretValue v = SecretValue.ofUtf8(value)) {
            writerKernel.addVersion(admin(), id, NewVersion.current(v));
        }
    }

    @AfterEach
    final void closeTheWriter() {
        closeWriter(writer);
    }

    @Test
    void anAllowRevokedThroughTheWriterDeniesTheReadersNextRead() {
        put(Policy.allow("alice-reads", List.of(ALICE), List.of("secrets:read"), List.of("prod/payments/*")));
        assertReads(readerKernel, "the allow lets alice read through the reader (and fills its cache)");

        // Revoked by narrowing: the same policy name, no longer covering the path.
        put(Policy.allow("alice-reads", List.of(ALICE), List.of("secrets:read"), List.of("prod/other/*")));

        assertDenied(readerKernel, "the reader's next read after the writer narrowed the allow");
    }

    @Test
    void aDenyAddedThroughTheWriterIsEnforcedByTheReadersNextRead() {
        put(Policy.allow("alice-reads", List.of(ALICE), List.of("secrets:read"), List.of("prod/*")));
        assertReads(readerKernel, "the allow lets alice read through the reader (and fills its cache)");

        put(Policy.deny("no-payments", List.of(ALICE), List.of("secrets:read"), List.of("prod/payments/*")));

        assertDenied(readerKernel, "the reader's next read after the writer added a deny");
        // Denial still comes before existence: a path that does not exist is denied alike.
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> readerKernel.read(alice(), SecretPath.parse(TENANT, "prod/payments/absent"), VersionSelector.current()),
                () -> "a denied path answers ACCESS_DENIED whether or not a secret is there");
    }

    @Test
    void aPolicyDeletedThroughTheWriterStopsTheReadersAllow() {
        put(Policy.allow("alice-reads", List.of(ALICE), List.of("secrets:read"), List.of("prod/payments/*")));
        assertReads(readerKernel, "the allow lets alice read through the reader (and fills its cache)");

        writerKernel.deletePolicy(admin(), "alice-reads");

        assertDenied(readerKernel, "the reader's next read after the writer deleted the allow");
    }

    @Test
    void aBreakGlassGrantAddedThroughTheWriterOpensTheReadersNextRead() {
        put(Policy.allow("alice-break-glass", List.of(ALICE), List.of("secrets:read-break-glass"), List.of("prod/*")));
        assertDenied(readerKernel, "without a grant (the reader caches her empty grants)");

        BreakGlassGrant grant = writerKernel.grantBreakGlass(alice(), new BreakGlassRequest(List.of("prod/payments/*"),
                "incident 42: payments down", "https://tickets.example/42", 30));

        assertReads(readerKernel, "the reader's next read after the writer recorded alice's grant");
        List<AuditEvent> reads = reader.auditLog().query(AuditQuery.tenant(TENANT).withEventType(AuditEventType.BREAK_GLASS_READ),
                PageRequest.first()).items();
        assertEquals(1, reads.size(), "the reader audited the read as a break-glass read");
        assertTrue(reads.get(0).detail().contains("grant=" + grant.id()), "the break-glass read names the grant");
    }

    @Test
    void aPolicyChangeAndItsGenerationCommitTogether() {
        long before = generation();

        put(Policy.allow("alice-reads", List.of(ALICE), List.of("secrets:read"), List.of("prod/*")));
        long afterPut = generation();
        writerKernel.deletePolicy(admin(), "alice-reads");
        long afterDelete = generation();
        writerKernel.grantBreakGlass(admin(), new BreakGlassRequest(List.of("prod/*"), "drill", "https://tickets.example/1", 5));
        long afterGrant = generation();

        assertTrue(before < afterPut && afterPut < afterDelete && afterDelete < afterGrant,
                "a put, a delete and a grant each give the tenant a new, larger generation: " + List.of(before, afterPut,
                        afterDelete, afterGrant));
    }

    @Test
    void aRefusedChangeLeavesTheGenerationAndTheCachedPoliciesAsTheyWere() {
        put(Policy.allow("alice-reads", List.of(ALICE), List.of("secrets:read"), List.of("prod/*")));
        assertReads(readerKernel, "alice reads before the refused change");
        long before = generation();

        IllegalStateException refused = new IllegalStateException("audit refused by the test");
        Expect.thrown(IllegalStateException.class, () -> writer.policyStore().put(TENANT,
                Policy.deny("no-prod", List.of(ALICE), List.of("secrets:read"), List.of("prod/*")), p -> {
                    throw refused;
                }));
        Expect.thrown(NotFoundException.class, ErrorCode.POLICY_NOT_FOUND,
                () -> writer.policyStore().delete(TENANT, "no-such-policy", BeforeCommit.none()));

        assertEquals(before, generation(), "a rolled-back put and a refused delete leave the generation alone");
        assertReads(readerKernel, "the deny that rolled back is not enforced");
    }

    @Test
    void theReaderServesItsCacheUntilTheGenerationMoves() {
        put(Policy.allow("alice-reads", List.of(ALICE), List.of("secrets:read"), List.of("prod/*")));
        assertEquals(2, reader.policyStore().list(TENANT).size(), "admin and alice-reads, loaded into the reader's cache");

        // Behind the stores' back, without a new generation: the cache cannot know, and says so.
        database().sql().useHandle(h -> h.execute("DELETE FROM policies WHERE name = 'alice-reads'"));
        assertEquals(2, reader.policyStore().list(TENANT).size(),
                "an unchanged generation answers from the cache (no store wrote policies without one)");

        database().sql().useHandle(h -> h.execute("UPDATE tenants SET policy_generation = nextval('policy_generation_seq')"));
        assertEquals(List.of("admin"), reader.policyStore().list(TENANT).stream().map(Policy::name).toList(),
                "a new generation reloads");
    }

    @Test
    void grantsAreFilteredByTheTimeOfEachCall() {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        BreakGlassGrant grant = new BreakGlassGrant("bg_cache_test", TENANT, ALICE, List.of("prod/*"), "drill",
                "https://tickets.example/7", now, now.plusSeconds(600));
        writer.policyStore().addGrant(grant, BeforeCommit.none());

        assertEquals(List.of(grant), reader.policyStore().activeGrants(TENANT, ALICE, now.plusSeconds(1)),
                "the grant is active a second after it was created (and is cached so)");
        assertEquals(List.of(), reader.policyStore().activeGrants(TENANT, ALICE, now.plusSeconds(600)),
                "the cached grant is not active once it expired");
        assertEquals(List.of(), reader.policyStore().activeGrants(TENANT, ALICE, now.minusSeconds(1)),
                "a time before the cached load asks the database: the grant was not active yet");
        assertEquals(List.of(), reader.policyStore().activeGrants(TENANT, "user:bob", now.plusSeconds(1)),
                "another principal's grants are not alice's");
        assertEquals(List.of(), reader.policyStore().list("nobody"), "a tenant without a row has no policies");
        assertEquals(List.of(), reader.policyStore().activeGrants("nobody", ALICE, now), "nor grants");
    }

    @Test
    void racingChangesAndReloadsNeverHideACommittedChange() {
        // Each thread puts its own policies through the writer and, once a put returned, asks the
        // reader: however the reloads of the others interleave, its policy must be there.
        List<Concurrently.Outcome<Integer>> outcomes = Concurrently.run(8, t -> {
            for (int i = 0; i < 10; i++) {
                String name = "p-" + t + "-" + i;
                writer.policyStore().put(TENANT, Policy.allow(name, List.of(ALICE), List.of("secrets:read"), List.of("prod/*")),
                        BeforeCommit.none());
                if (reader.policyStore().list(TENANT).stream().noneMatch(p -> p.name().equals(name))) {
                    throw new AssertionError("the reader's list after the put of " + name + " returned does not hold it");
                }
            }
            return t;
        });

        outcomes.forEach(o -> assertTrue(o.succeeded(), () -> String.valueOf(o.failure())));
        assertEquals(81, reader.policyStore().list(TENANT).size(), "admin and the 80 policies, as the database holds them");
    }

    private long generation() {
        return database().sql().withHandle(h -> h.createQuery("SELECT policy_generation FROM tenants WHERE tenant = :tenant")
                .bind("tenant", TENANT).mapTo(Long.class).one());
    }

    void put(Policy policy) {
        writerKernel.putPolicy(admin(), policy);
    }

    private void assertReads(SecretManager kernel, String when) {
        try (SecretContent content = kernel.read(alice(), PATH, VersionSelector.current())) {
            assertEquals(value, content.value().asUtf8(), "alice reads the value: " + when);
        }
    }

    private void assertDenied(SecretManager kernel, String when) {
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> kernel.read(alice(), PATH, VersionSelector.current()).close(), () -> "alice is denied: " + when);
    }

    private static AccessContext admin() {
        return AccessContext.of(Principal.of(ADMIN, TENANT));
    }

    private static AccessContext alice() {
        return AccessContext.of(Principal.of(ALICE, TENANT));
    }

    private static SecretManager kernel(CofferDatabase db, JdkEnvelope envelope) {
        return StandardSecretManager.builder()
                .secretStore(db.secretStore())
                .policyStore(db.policyStore())
                .auditLog(db.auditLog())
                .envelope(envelope)
                .build();
    }
}
