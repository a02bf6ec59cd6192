package dev.coffer.server.k8s.conflict;

import static dev.coffer.server.k8s.provide.LayoutSpecs.keyed;
import static dev.coffer.server.k8s.provide.LayoutSpecs.literal;
import static dev.coffer.server.k8s.provide.LayoutSpecs.manager;
import static dev.coffer.server.k8s.provide.LayoutSpecs.opaque;
import static dev.coffer.server.k8s.provide.LayoutSpecs.policy;
import static dev.coffer.server.k8s.provide.LayoutSpecs.secret;
import static dev.coffer.server.k8s.provide.LayoutSpecs.spec;
import static dev.coffer.server.k8s.provide.LayoutSpecs.tls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.k8s.provide.PlannedSecret;
import dev.coffer.server.k8s.provide.SecretLayout;
import dev.coffer.server.k8s.spec.ConflictLevel;
import dev.coffer.server.k8s.spec.ConflictPolicy;
import dev.coffer.server.k8s.spec.ConflictStrategy;
import dev.coffer.server.k8s.spec.DeliverySpec;
import dev.coffer.server.k8s.spec.ManagerSpec;
import dev.coffer.server.k8s.spec.ProviderSpec;
import dev.coffer.server.k8s.spec.SecretSpec;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Conflicts found from the spec alone, before any value is read (the literal values here are test
 * values, so the leak scan would catch a message that printed one).
 */
@ExtendWith(NoValueLeaks.class)
class ConflictResolutionTest {
    @Test
    void conflictKeysAreTypeNamespaceAndName() {
        assertEquals("Secret.Opaque:apps/app-secrets", new ConflictKey("Secret.Opaque", "apps", "app-secrets").toString());
        ManagerSpec m = manager("m", literal("l"), List.of(opaque("o", "x", "a"), tls("t", "y", "b"),
                dev.coffer.server.k8s.provide.LayoutSpecs.docker("d", "z", "c"), dev.coffer.server.k8s.provide.LayoutSpecs.basic("b", "w", "d")),
                secret("O"), secret("T", "t"), secret("D", "d"), secret("B", "b"));
        assertEquals(List.of("Secret.Opaque:a/x", "Secret.tls:b/y", "Secret.dockerconfigjson:c/z", "Secret.basic-auth:d/w"),
                SecretLayout.plan(spec(m)).secrets().stream().map(p -> p.key().toString()).toList());
    }

    @Test
    void twoTeamsWithTheirOwnSecretsDoNotConflict() {
        DeliverySpec spec = spec(
                manager("frontend", literal("l"), List.of(opaque("app", "frontend-secrets", "apps")), secret("API_KEY")),
                manager("backend", literal("l"), List.of(opaque("app", "backend-secrets", "apps")), secret("API_KEY")));
        SecretLayout layout = SecretLayout.plan(spec);
        assertEquals(2, layout.secrets().size());
        assertEquals(List.of(), layout.reports());
    }

    @Test
    void secretsOfOneProviderMergeIntoOneSecret() {
        DeliverySpec spec = spec(manager("backend", literal("l"), List.of(opaque("app", "backend-secrets", "apps")),
                secret("DATABASE_URL"), secret("API_KEY"), keyed("DB_PASSWORD", "db.password")));
        PlannedSecret only = SecretLayout.plan(spec).secrets().get(0);
        assertEquals(Set.of("DATABASE_URL", "API_KEY", "db.password"), only.keys());
        assertEquals(List.of("DATABASE_URL", "API_KEY", "DB_PASSWORD"), only.fills().stream().map(f -> f.secret().name()).toList());
    }

    @Test
    void theSameKeyTwiceInOneProviderNamesTheKeySecretNamespaceAndBothSecrets() {
        SecretSpec first = keyed("DB_PASSWORD", "password");
        SecretSpec second = keyed("ADMIN_PASSWORD", "password");
        DeliverySpec spec = spec(manager("backend", literal("l", "DB_PASSWORD", TestValues.text(), "ADMIN_PASSWORD", TestValues.text()),
                List.of(opaque("app", "backend-secrets", "apps")), first, second));
        DeliveryConflictException e = Expect.thrown(DeliveryConflictException.class, () -> SecretLayout.plan(spec));
        assertEquals(ConflictLevel.INTRA_PROVIDER, e.level());
        assertEquals(second.where(), e.where());
        String m = e.getMessage();
        assertTrue(m.contains("key 'password' of Secret 'backend-secrets' in namespace 'apps'"), m);
        assertTrue(m.contains("secret 'DB_PASSWORD' of manager 'backend' (" + first.where() + ")"), m);
        assertTrue(m.contains("secret 'ADMIN_PASSWORD' of manager 'backend' (" + second.where() + ")"), m);
        assertTrue(m.contains("(intraProvider: autoMerge); give one of them another key"), m);
    }

    @Test
    void intraProviderOverwriteKeepsTheLaterSecretAndReportsIt() {
        DeliverySpec spec = spec(policy(ConflictLevel.INTRA_PROVIDER, ConflictStrategy.OVERWRITE),
                manager("backend", literal("l"), List.of(opaque("app", "s", "apps")), keyed("A", "k"), keyed("B", "k")));
        SecretLayout layout = SecretLayout.plan(spec);
        assertEquals("B", layout.secrets().get(0).fills().get(0).secret().name());
        assertEquals(1, layout.reports().size());
        assertTrue(layout.reports().get(0).startsWith("overwrite: key 'k' of Secret.Opaque:apps/s comes from secret 'B' of manager"
                + " 'backend'"), layout.reports().get(0));
        assertTrue(layout.reports().get(0).contains("replacing secret 'A'"), layout.reports().get(0));
    }

    @Test
    void aCrossManagerConflictFailsNamingBothManagersAndTheirPlaces() {
        ProviderSpec.Opaque front = opaque("app", "app-secrets", "apps");
        ProviderSpec.Opaque back = opaque("shared", "app-secrets", "apps");
        DeliverySpec spec = spec(
                manager("frontend", literal("l"), List.of(front), secret("API_KEY")),
                manager("backend", literal("l"), List.of(back), secret("DATABASE_URL")));
        DeliveryConflictException e = Expect.thrown(DeliveryConflictException.class, () -> SecretLayout.plan(spec));
        assertEquals(ConflictLevel.CROSS_MANAGER, e.level());
        assertEquals(back.where(), e.where());
        assertEquals(back.where() + ": Secret.Opaque:apps/app-secrets is produced by provider 'app' of manager 'frontend' ("
                + front.where() + ") and by provider 'shared' of manager 'backend' (" + back.where() + ") (crossManager: error);"
                + " give one provider another name, or set conflicts.strategies.crossManager to autoMerge or overwrite", e.getMessage());
    }

    @Test
    void aCrossProviderConflictFailsNamingBothProviders() {
        ProviderSpec.Opaque a = opaque("a", "same", "apps");
        ProviderSpec.Opaque b = opaque("b", "same", "apps");
        DeliverySpec spec = spec(manager("backend", literal("l"), List.of(a, b), secret("X"), secret("Y", "b")));
        DeliveryConflictException e = Expect.thrown(DeliveryConflictException.class, () -> SecretLayout.plan(spec));
        assertEquals(ConflictLevel.CROSS_PROVIDER, e.level());
        assertTrue(e.getMessage().contains("provider 'a' of manager 'backend' (" + a.where() + ") and by provider 'b' of manager"
                + " 'backend' (" + b.where() + ") (crossProvider: error)"), e.getMessage());
    }

    @Test
    void autoMergeAcrossProvidersStillRefusesTheSameKeyTwice() {
        DeliverySpec spec = spec(policy(ConflictLevel.CROSS_PROVIDER, ConflictStrategy.AUTO_MERGE),
                manager("backend", literal("l"), List.of(opaque("a", "same", "apps"), opaque("b", "same", "apps")),
                        secret("X"), secret("Y", "b"), new SecretSpec("Z", java.util.Optional.empty(), java.util.Optional.of("b"),
                                java.util.Optional.empty(), java.util.Optional.of("X"), dev.coffer.server.k8s.provide.LayoutSpecs.at("secrets.Z"))));
        DeliveryConflictException e = Expect.thrown(DeliveryConflictException.class, () -> SecretLayout.plan(spec));
        assertTrue(e.getMessage().contains("key 'X' of Secret 'same' in namespace 'apps' is filled by secret 'X'"), e.getMessage());
        assertTrue(e.getMessage().contains("and by secret 'Z' of manager 'backend'"), e.getMessage());
        assertTrue(e.getMessage().contains("through provider 'b' of manager 'backend'"), e.getMessage());
        assertTrue(e.getMessage().contains("(crossProvider: autoMerge); give one of them another key"), e.getMessage());

        DeliverySpec fine = spec(policy(ConflictLevel.CROSS_PROVIDER, ConflictStrategy.AUTO_MERGE),
                manager("backend", literal("l"), List.of(opaque("a", "same", "apps"), opaque("b", "same", "apps")),
                        secret("X"), secret("Y", "b")));
        assertEquals(Set.of("X", "Y"), SecretLayout.plan(fine).secrets().get(0).keys());
    }

    @Test
    void objectsOfDifferentTypesWithOneNameCannotBeMerged() {
        DeliverySpec spec = spec(policy(ConflictLevel.CROSS_MANAGER, ConflictStrategy.AUTO_MERGE),
                manager("a", literal("l"), List.of(opaque("o", "same", "apps")), secret("X")),
                manager("b", literal("l"), List.of(tls("t", "same", "apps")), secret("Y")));
        DeliveryConflictException e = Expect.thrown(DeliveryConflictException.class, () -> SecretLayout.plan(spec));
        assertTrue(e.getMessage().contains("apps/same is produced as Secret.Opaque:apps/same by provider 'o' of manager 'a'"), e.getMessage());
        assertTrue(e.getMessage().contains("a Secret.Opaque and a Secret.tls cannot be merged"), e.getMessage());
    }

    @Test
    void strictForcesErrorWhateverTheStrategies() {
        ConflictPolicy strict = new ConflictPolicy(true, Map.of(ConflictLevel.CROSS_MANAGER, ConflictStrategy.OVERWRITE,
                ConflictLevel.INTRA_PROVIDER, ConflictStrategy.OVERWRITE));
        DeliverySpec crossManager = spec(strict,
                manager("frontend", literal("l"), List.of(opaque("app", "s", "apps")), secret("A")),
                manager("backend", literal("l"), List.of(opaque("app", "s", "apps")), secret("B")));
        DeliveryConflictException e = Expect.thrown(DeliveryConflictException.class, () -> SecretLayout.plan(crossManager));
        assertTrue(e.getMessage().contains("(crossManager: error, strict); give one provider another name, or set"
                + " conflicts.strategies.crossManager to autoMerge or overwrite and strict: false"), e.getMessage());

        DeliverySpec intra = spec(strict, manager("backend", literal("l"), List.of(opaque("app", "s", "apps")), keyed("A", "k"), keyed("B", "k")));
        DeliveryConflictException dup = Expect.thrown(DeliveryConflictException.class, () -> SecretLayout.plan(intra));
        assertTrue(dup.getMessage().contains("(intraProvider: error, strict)"), dup.getMessage());

        DeliverySpec distinctKeys = spec(strict, manager("backend", literal("l"), List.of(opaque("app", "s", "apps")), secret("A"), secret("B")));
        assertEquals(Set.of("A", "B"), SecretLayout.plan(distinctKeys).secrets().get(0).keys(), "strict still merges distinct keys of one provider");
    }

    @Test
    void aNamespaceListedTwiceIsAnError() {
        ProviderSpec.Opaque twice = opaque("app", "s", "apps", "apps");
        DeliverySpec spec = spec(manager("backend", literal("l"), List.of(twice), secret("A")));
        DeliveryConflictException e = Expect.thrown(DeliveryConflictException.class, () -> SecretLayout.plan(spec));
        assertTrue(e.getMessage().contains("delivers Secret.Opaque:apps/s twice; list namespace 'apps' once"), e.getMessage());
    }
}
