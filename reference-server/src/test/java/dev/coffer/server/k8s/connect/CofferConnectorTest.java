package dev.coffer.server.k8s.connect;

import static dev.coffer.server.k8s.provide.LayoutSpecs.coffer;
import static dev.coffer.server.k8s.provide.LayoutSpecs.cofferConnector;
import static dev.coffer.server.k8s.provide.LayoutSpecs.manager;
import static dev.coffer.server.k8s.provide.LayoutSpecs.opaque;
import static dev.coffer.server.k8s.provide.LayoutSpecs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.ClaimMapping;
import dev.coffer.server.k8s.Provenance;
import dev.coffer.server.k8s.provide.SecretLayout;
import dev.coffer.server.k8s.spec.DeliverySpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import dev.coffer.server.k8s.spec.SpecException;
import dev.coffer.server.support.RemoteFixture;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@code coffer} connector against a real server through {@code RemoteSecretManager}. */
@ExtendWith(NoValueLeaks.class)
class CofferConnectorTest {
    private RemoteFixture fixture;
    private AccessContext admin;
    private String v1;
    private String v2;

    @BeforeEach
    void aSecretWithTwoVersions() {
        fixture = new RemoteFixture();
        admin = fixture.admin();
        Secret secret = fixture.manager().create(admin,
                NewSecret.builder(SecretPath.parse(fixture.tenant(), "prod/payments/db-password"), "payments").build());
        v1 = TestValues.text();
        v2 = TestValues.text();
        try (SecretValue value = SecretValue.ofUtf8(v1)) {
            fixture.manager().addVersion(admin, secret.id(), NewVersion.current(value));
        }
        try (SecretValue value = SecretValue.ofUtf8(v2)) {
            fixture.manager().addVersion(admin, secret.id(), NewVersion.current(value));
        }
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void readsThroughTheClientWithTheVersionReadAsItsSource() {
        SecretSpec current = coffer("DB_PASSWORD", "payments/db-password");
        SecretSpec qualified = coffer("QUALIFIED", "prod/payments/db-password");
        SecretSpec pinned = coffer("PINNED", "payments/db-password@1");
        SecretSpec canary = coffer("CANARY", "payments/db-password#next");
        ManagerSpec m = manager("payments", cofferConnector("vault", "prod"), List.of(opaque("app", "x")), current, qualified, pinned, canary);
        CofferConnector c = (CofferConnector) Connectors.builder(spec(m)).coffer(fixture.manager(), admin).build().of(m, current);

        LoadedValue now = c.load(m, current);
        assertEquals(v2, now.text());
        assertEquals("coffer:prod/payments/db-password@2", now.source());
        assertEquals("coffer:prod/payments/db-password@2", c.load(m, qualified).source(), "a leading environment equal to the connector's");
        assertEquals(v1, c.load(m, pinned).text());
        assertEquals("coffer:prod/payments/db-password@1", c.load(m, pinned).source());
        assertEquals("coffer:prod/payments/db-password@2", c.load(m, canary).source(), "#next falls back to current while unset");
    }

    @Test
    void theVersionReadGoesIntoTheSourcesAnnotation() {
        SecretSpec s = coffer("DB_PASSWORD", "prod/payments/db-password");
        ManagerSpec m = manager("payments", cofferConnector("vault", null), List.of(opaque("app", "db", "apps", "jobs")), s);
        DeliverySpec spec = spec(m);
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        dev.coffer.spi.SecretManager counting = (dev.coffer.spi.SecretManager) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {dev.coffer.spi.SecretManager.class}, (proxy, method, args) -> {
                    if (method.getName().equals("read")) {
                        reads.incrementAndGet();
                    }
                    try {
                        return method.invoke(fixture.manager(), args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        List<io.fabric8.kubernetes.api.model.Secret> out = SecretLayout.plan(spec)
                .build(Connectors.builder(spec).coffer(counting, admin).build());
        assertEquals(2, out.size());
        assertEquals(1, reads.get(), "one read for a secret delivered to two namespaces");
        for (io.fabric8.kubernetes.api.model.Secret k : out) {
            assertEquals(v2, new String(Base64.getDecoder().decode(k.getData().get("DB_PASSWORD")), StandardCharsets.UTF_8));
            assertEquals("coffer:prod/payments/db-password@2", k.getMetadata().getAnnotations().get(Provenance.SOURCES));
        }
    }

    @Test
    void aMissingSecretNamesTheSecretThePathAndTheCode() {
        SecretSpec s = coffer("API_KEY", "payments/api-key");
        ManagerSpec m = manager("payments", cofferConnector("vault", "prod"), List.of(opaque("app", "x")), s);
        Connectors c = Connectors.builder(spec(m)).coffer(fixture.manager(), admin).build();
        ConnectorException e = Expect.thrown(ConnectorException.class, () -> c.load(m, s));
        assertEquals(ErrorCode.SECRET_NOT_FOUND, e.code().orElseThrow());
        assertEquals(s.where(), e.where());
        assertTrue(e.getMessage().startsWith(s.where() + ": secret 'API_KEY' of manager 'payments': coffer prod/payments/api-key#current:"
                + " SECRET_NOT_FOUND"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; create it (coffer secret create) or correct the path"), e.getMessage());
    }

    @Test
    void aCallerWithoutAccessGetsAccessDenied() {
        AccessContext nobody = AccessContext.of(new Principal("user:nobody", ClaimMapping.DEFAULT_TENANT, Set.of(), false, null));
        SecretSpec s = coffer("DB_PASSWORD", "payments/db-password");
        ManagerSpec m = manager("payments", cofferConnector("vault", "prod"), List.of(opaque("app", "x")), s);
        Connectors c = Connectors.builder(spec(m)).coffer(fixture.manager(), nobody).build();
        ConnectorException e = Expect.thrown(ConnectorException.class, () -> c.load(m, s));
        assertEquals(ErrorCode.ACCESS_DENIED, e.code().orElseThrow(), e.getMessage());
        assertTrue(e.getMessage().contains("secret 'DB_PASSWORD' of manager 'payments': coffer prod/payments/db-password#current: ACCESS_DENIED"),
                e.getMessage());
    }

    @Test
    void aMissingOrMalformedPathIsASpecErrorBeforeAnyRead() {
        SecretSpec fine = coffer("FINE", "payments/db-password");
        SecretSpec broken = coffer("BROKEN", "payments/db-password@x");
        Connectors.checkReferences(spec(manager("payments", cofferConnector("vault", "prod"), List.of(opaque("app", "x")), fine)));
        SpecException checked = Expect.thrown(SpecException.class, () -> Connectors.checkReferences(
                spec(manager("payments", cofferConnector("vault", "prod"), List.of(opaque("app", "x")), fine, broken))));
        assertEquals(broken.where(), checked.where());
        assertTrue(checked.getMessage().contains("version 'x' after @ is not a number; write e.g. @3"), checked.getMessage());

        SecretSpec none = dev.coffer.server.k8s.provide.LayoutSpecs.secret("NO_PATH");
        SecretSpec both = coffer("BOTH", "payments/db#next@2");
        SecretSpec unqualified = coffer("BARE", "db-password");
        ManagerSpec m = manager("payments", cofferConnector("vault", "prod"), List.of(opaque("app", "x")), none, both);
        ManagerSpec noEnv = manager("payments", cofferConnector("vault", null), List.of(opaque("app", "x")), unqualified);
        SpecException e = Expect.thrown(SpecException.class,
                () -> CofferConnector.reference((dev.coffer.server.k8s.spec.ConnectorSpec.Coffer) m.connectorOf(none), m, none));
        assertTrue(e.getMessage().contains("secret 'NO_PATH' of manager 'payments' reads through coffer connector 'vault' but has no path;"
                + " add path: <environment>/<path>[#alias|@version]"), e.getMessage());
        SpecException e2 = Expect.thrown(SpecException.class,
                () -> CofferConnector.reference((dev.coffer.server.k8s.spec.ConnectorSpec.Coffer) m.connectorOf(both), m, both));
        assertTrue(e2.getMessage().contains("has both #alias and @version; choose one"), e2.getMessage());
        SpecException e3 = Expect.thrown(SpecException.class, () -> CofferConnector.reference(
                (dev.coffer.server.k8s.spec.ConnectorSpec.Coffer) noEnv.connectorOf(unqualified), noEnv, unqualified));
        assertTrue(e3.getMessage().contains("path 'db-password'"), e3.getMessage());
    }
}
