package dev.coffer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.settings.Settings;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.memory.InMemoryAuditOutbox;
import dev.coffer.spi.memory.InMemoryPolicyStore;
import dev.coffer.spi.memory.InMemoryRotationStore;
import dev.coffer.spi.memory.InMemorySecretStore;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.rotation.RotationContext;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.rotation.RotationStatus;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.spi.rotation.Rotators;
import dev.coffer.spi.rotation.RunState;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Canary instances ({@code #next} mappings) through a real rotation: the kernel with its rotation
 * engine over in-memory stores on a movable clock, seen by the ConfigSource as the embedded
 * transport. One source maps {@code #next} (the canary instance), another the same secret at
 * {@code current} (every other instance). {@link NoValueLeaks} scans every log line and console
 * write of each test for the values.
 */
@ExtendWith(NoValueLeaks.class)
class CanaryMappingTest {
    private static final String TENANT = "acme";
    private static final Logger LOG = Logger.getLogger("dev.coffer.config");

    private final MutableClock clock = MutableClock.startingAt2030();
    private final CanaryRotator rotator = new CanaryRotator();
    private final StandardSecretManager kernel;
    private final AccessContext admin = AccessContext.of(Principal.of("user:admin", TENANT));
    private final AccessContext app = AccessContext.of(Principal.of("service:app", TENANT));
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                lines.add(record.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    CanaryMappingTest() {
        InMemoryAuditOutbox outbox = new InMemoryAuditOutbox(); // one outbox for every store, as one storage would have
        InMemoryPolicyStore policies = new InMemoryPolicyStore(outbox);
        policies.put(TENANT, Policy.allow("admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")), BeforeCommit.none());
        policies.put(TENANT, Policy.allow("app-read", List.of("service:app"), List.of("secrets:read"), List.of("*")),
                BeforeCommit.none());
        kernel = StandardSecretManager.builder()
                .secretStore(new InMemorySecretStore(outbox))
                .envelope(new JdkEnvelope(new InMemoryTenantKeyStore()))
                .auditLog(new InMemoryAuditLog())
                .policyStore(policies)
                .rotationStore(new InMemoryRotationStore(outbox))
                .rotators(Rotators.of(rotator))
                .clock(clock)
                .build();
    }

    @BeforeEach
    void capture() {
        LOG.addHandler(handler);
    }

    @AfterEach
    void release() {
        LOG.removeHandler(handler);
        CofferConfigSource.closeAll();
    }

    /** The one rotator these tests use: a fresh test value per run, no downstream to change. */
    static final class CanaryRotator implements Rotator {
        @Override
        public String name() {
            return "canary-test";
        }

        @Override
        public SecretValue create(RotationContext ctx) {
            return SecretValue.ofUtf8(TestValues.text());
        }

        @Override
        public void apply(RotationContext ctx) {}

        @Override
        public void test(RotationContext ctx) {}
    }

    private EmbeddedSecrets as(AccessContext ctx) {
        return new EmbeddedSecrets() {
            @Override
            public SecretManager manager() {
                return kernel;
            }

            @Override
            public AccessContext context() {
                return ctx;
            }
        };
    }

    /** A source of one property; each test's paths differ, so no two tests share a cache. */
    private CofferConfigSource source(String property, String target, AccessContext caller) {
        return new CofferConfigSource(Settings.builder().url(Settings.EMBEDDED)
                .ttl(Duration.ofMillis(200)).jitter(Duration.ZERO).maxStale(Duration.ofMinutes(10))
                .startupTimeout(Duration.ofSeconds(2)).map(property, target).build(), as(caller));
    }

    /** {@code prod/<name>} with a first current value, under a 30-day policy of the test rotator with a 10-minute canary. */
    private String rotatedSecret(String name, String first) {
        String id = kernel.create(admin, NewSecret.builder(SecretPath.parse(TENANT, "prod/" + name), "payments").build()).id();
        try (SecretValue v = SecretValue.ofUtf8(first)) {
            kernel.addVersion(admin, id, NewVersion.current(v));
        }
        kernel.rotations().setPolicy(admin, SecretRef.id(id), RotationPolicy.builder(rotator.name(), RotationSchedule.parse("30d"))
                .canary(Duration.ofMinutes(10)).build());
        return id;
    }

    /** Opens a run and drives it to its canary period; returns the pending value (read as the admin). */
    private String startCanary(String id, String qualified) {
        kernel.rotations().rotateNow(admin, SecretRef.id(id), false);
        kernel.rotationEngine().runDue(10);
        assertEquals(RunState.CANARY, status(id).open().orElseThrow().state(), "the run waits in its canary period");
        try (SecretContent next = kernel.read(admin, SecretPath.parse(TENANT, qualified), VersionSelector.alias(Aliases.NEXT))) {
            return TestValues.remember(next.value().asUtf8());
        }
    }

    private RotationStatus status(String id) {
        return kernel.rotations().status(admin, SecretRef.id(id));
    }

    /** Waits until {@code source} has refreshed {@code times} more times, so what it serves now is what the kernel holds. */
    private static void refreshed(CofferConfigSource source, int times) {
        long from = source.stats().refreshes();
        Await.until(times + " refreshes", () -> source.stats().refreshes() >= from + times);
    }

    @Test
    void aNextMappingServesCurrentBeforeAnyRotationThenThePendingValueInTheCanaryThenTheNewValueAfterPromotion() {
        String old = TestValues.text();
        String id = rotatedSecret("canary/db-password", old);
        CofferConfigSource canary = source("db.password", "prod/canary/db-password#next", app);
        CofferConfigSource stable = source("db.password", "prod/canary/db-password", app);

        // Before any run: next is not set, and the canary instance starts on current instead of failing.
        assertEquals(old, canary.getValue("db.password"));
        assertEquals(old, stable.getValue("db.password"));
        assertTrue(canary.stats().nextFallbacks() >= 1, "the fallback is counted: " + canary.stats());
        assertEquals(0, canary.stats().revocations());
        assertEquals(0, stable.stats().nextFallbacks(), "a #current mapping never falls back");
        assertTrue(lines.stream().anyMatch(l -> l.contains("property 'db.password' (prod/canary/db-password#next)")
                && l.contains("is served alias current: alias next is not set")), "the fallback is logged: " + lines);

        // The canary: next points at the pending value; only the canary instance gets it.
        String pending = startCanary(id, "prod/canary/db-password");
        assertNotEquals(old, pending);
        Await.until("the canary instance serves the pending value", () -> pending.equals(canary.getValue("db.password")));
        long fallbacksInCanary = canary.stats().nextFallbacks();
        refreshed(stable, 2);
        refreshed(canary, 2);
        assertEquals(old, stable.getValue("db.password"), "the other instances keep current during the canary");
        assertEquals(pending, canary.getValue("db.password"));
        assertEquals(fallbacksInCanary, canary.stats().nextFallbacks(), "no fallback while next is set");
        assertTrue(lines.stream().anyMatch(l -> l.contains("(prod/canary/db-password#next) is served alias next again")),
                "the end of the fallback is logged: " + lines);

        // Promotion after the canary period: current is the new value and next is cleared, so the
        // canary instance falls back to current, which is the value it already had.
        clock.advance(Duration.ofMinutes(11));
        kernel.rotationEngine().runDue(10);
        assertEquals(RunState.FINISHED, status(id).latest().orElseThrow().state(), "the run promoted and finished");
        assertNextUnset("prod/canary/db-password");
        Await.until("the other instances serve the new value", () -> pending.equals(stable.getValue("db.password")));
        Await.until("the canary instance falls back to current", () -> canary.stats().nextFallbacks() > fallbacksInCanary);
        refreshed(canary, 2);
        assertEquals(pending, canary.getValue("db.password"), "the canary instance keeps the new value after promotion");
        assertEquals(0, canary.stats().revocations(), "promotion revokes nothing on a canary instance");
        assertEquals(0, canary.stats().refreshFailures());
    }

    @Test
    void anAbandonedCanaryPutsTheCanaryInstanceBackOnCurrent() {
        String old = TestValues.text();
        String id = rotatedSecret("abandoned/db-password", old);
        CofferConfigSource canary = source("db.password", "prod/abandoned/db-password#next", app);
        String pending = startCanary(id, "prod/abandoned/db-password");
        Await.until("the canary instance serves the pending value", () -> pending.equals(canary.getValue("db.password")));

        String manual = TestValues.text(); // someone rotates by hand during the canary: the run steps aside
        try (SecretValue v = SecretValue.ofUtf8(manual)) {
            kernel.addVersion(admin, id, NewVersion.current(v));
        }
        clock.advance(Duration.ofMinutes(11));
        kernel.rotationEngine().runDue(10);
        assertEquals(RunState.ABANDONED, status(id).latest().orElseThrow().state());
        assertNextUnset("prod/abandoned/db-password");
        Await.until("the canary instance serves the new current", () -> manual.equals(canary.getValue("db.password")));
        assertEquals(0, canary.stats().revocations());
    }

    private void assertNextUnset(String qualified) {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> kernel.read(admin, SecretPath.parse(TENANT, qualified), VersionSelector.alias(Aliases.NEXT)).close());
        assertEquals(ErrorCode.ALIAS_NOT_FOUND, e.code(), "next is cleared");
    }

    @Test
    void aDisabledNextVersionFailsClosedOnTheCanaryInstanceWhileCurrentKeepsServing() {
        String old = TestValues.text();
        String id = rotatedSecret("disabled/api-key", old);
        CofferConfigSource canary = source("api.key", "prod/disabled/api-key#next", app);
        CofferConfigSource stable = source("api.key", "prod/disabled/api-key", app);
        String pending = startCanary(id, "prod/disabled/api-key");
        Await.until("the canary instance serves the pending value", () -> pending.equals(canary.getValue("api.key")));
        int pendingVersion = status(id).open().orElseThrow().pendingVersion();

        long fallbacks = canary.stats().nextFallbacks();
        kernel.disable(admin, SecretRef.id(id), pendingVersion);
        Await.until("the revocation", () -> canary.stats().revocations() == 1);
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> canary.getValue("api.key"));
        assertEquals(ErrorCode.VERSION_DISABLED, e.code(), "a disabled next is revoked, not replaced by current");
        assertTrue(e.getMessage().contains("'api.key'") && e.getMessage().contains("prod/disabled/api-key#next"), e.getMessage());
        NoValueLeaks.assertNoValueIn(e);
        assertEquals(fallbacks, canary.stats().nextFallbacks(), "no fallback to current was taken");
        refreshed(stable, 1);
        assertEquals(old, stable.getValue("api.key"));
    }

    @Test
    void aNextMappingOfASecretScheduledForDeletionFailsClosedThoughNextIsNotSet() {
        String id = rotatedSecret("deleted/token", TestValues.text());
        CofferConfigSource canary = source("token", "prod/deleted/token#next", app);
        kernel.scheduleDeletion(admin, SecretRef.id(id), 7);
        Await.until("the revocation", () -> canary.stats().revocations() == 1);
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> canary.getValue("token"));
        assertEquals(ErrorCode.SECRET_PENDING_DELETION, e.code());
        NoValueLeaks.assertNoValueIn(e);
    }

    @Test
    void aNextMappingWithoutReadAccessFailsAtStartupThoughNextIsNotSet() {
        rotatedSecret("forbidden/token", TestValues.text());
        AccessContext stranger = AccessContext.of(Principal.of("service:stranger", TENANT));
        CofferConfigException e = assertThrows(CofferConfigException.class,
                () -> source("token", "prod/forbidden/token#next", stranger));
        assertEquals(ErrorCode.ACCESS_DENIED, e.code(), "access is checked before the alias: no fallback hides a denial");
        NoValueLeaks.assertNoValueIn(e);
    }

    @Test
    void anUnsetAliasOtherThanNextStillFailsClosed() {
        rotatedSecret("other/token", TestValues.text());
        CofferConfigException e = assertThrows(CofferConfigException.class,
                () -> source("token", "prod/other/token#blue", app));
        assertEquals(ErrorCode.ALIAS_NOT_FOUND, e.code());
    }
}
