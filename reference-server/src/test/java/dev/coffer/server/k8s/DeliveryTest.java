package dev.coffer.server.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.k8s.spec.SpecException;
import dev.coffer.server.k8s.spec.SpecReader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Delivery}: what the plan refuses that no single part sees, and what a dry run shows. */
class DeliveryTest {
    private static final String TWO_TEAMS_ONE_SECRET = """
            apiVersion: coffer.dev/v1alpha1
            kind: DeliverySpec
            conflicts:
              strategies: { crossManager: overwrite }
            managers:
              - name: frontend
                connectors: { lit: { type: literal, values: { A: "a-value" } } }
                providers: { app: { type: opaque, name: app-secrets, namespaces: [apps] } }
                secrets: [ { name: A } ]
              - name: backend
                connectors: { lit: { type: literal, values: { B: "b-value" } } }
                providers: { app: { type: opaque, name: app-secrets, namespaces: [apps] } }
                secrets: [ { name: B } ]
            workloads:
              - id: web
                generate: { name: web, namespace: apps, image: "web:1" }
                inject:
                  - { manager: frontend, secret: A, kind: env }
            """;

    @Test
    void anInjectionOfASecretAnOverwriteRemovedIsRefused() {
        SpecException e = assertThrows(SpecException.class,
                () -> Delivery.plan(SpecReader.parse("spec.yaml", TWO_TEAMS_ONE_SECRET, null)));
        assertEquals("spec.yaml:18: workloads[0].inject[0]: secret 'A' of manager 'frontend' is in no Secret: an overwrite of the"
                + " conflict policy replaced the Secret it was in (see the notes of 'coffer k8s validate'); give its provider"
                + " another name, or use autoMerge", e.getMessage());
    }

    @Test
    void withAutoMergeBothKeysAreInTheOneSecretAndTheDryRunMasksThem() {
        Delivery delivery = Delivery.plan(SpecReader.parse("spec.yaml",
                TWO_TEAMS_ONE_SECRET.replace("crossManager: overwrite", "crossManager: autoMerge"), null));
        List<HasMetadata> objects = delivery.objects(dev.coffer.server.k8s.connect.Connectors.builder(delivery.spec()).build());
        Secret secret = (Secret) objects.get(0);
        assertEquals(List.of("A", "B"), List.copyOf(secret.getData().keySet()));
        assertEquals("b-value", new String(Base64.getDecoder().decode(secret.getData().get("B"))));
        Secret masked = (Secret) Delivery.masked(objects).get(0);
        assertEquals("*** (7 bytes)", masked.getData().get("A"));
        assertTrue(Delivery.masked(objects).get(1) == objects.get(1), "objects without values are left as they are");
        assertEquals("a-value", new String(Base64.getDecoder().decode(secret.getData().get("A"))), "the original is not changed");
    }
}
