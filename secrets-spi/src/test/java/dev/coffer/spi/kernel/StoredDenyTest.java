package dev.coffer.spi.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Conditions;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.memory.InMemorySecrets;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A deny with {@code mfa} or {@code ticketRequired} can no longer be put, but a store may still
 * hold one from before: it applies as if those conditions held, whether or not the caller has a
 * second factor or a ticket.
 */
class StoredDenyTest {
    private static final String TENANT = "acme";
    private static final SecretPath PATH = SecretPath.parse(TENANT, "prod/db/password");
    private final InMemorySecrets parts = InMemorySecrets.create().bootstrap(TENANT,
            Policy.allow("admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")),
            Policy.allow("readers", List.of("user:*"), List.of("secrets:read"), List.of("prod/*")),
            Policy.deny("old-deny", List.of("user:alice"), List.of("secrets:read"), List.of("prod/db/*"))
                    .withConditions(Conditions.none().withMfa().withTicketRequired()));
    private final SecretManager manager = parts.manager();
    private final AccessContext admin = AccessContext.of(Principal.of("user:admin", TENANT));

    @Test
    void appliesWithAndWithoutMfaAndTicket() {
        manager.create(admin, NewSecret.builder(PATH, "team").build());
        Principal alice = Principal.of("user:alice", TENANT);
        for (AccessContext ctx : List.of(AccessContext.of(alice), AccessContext.of(alice.withMfa(true)).withTicket("INC-1"))) {
            AccessDeniedException denied = assertThrows(AccessDeniedException.class,
                    () -> manager.read(ctx, PATH, VersionSelector.current()));
            assertEquals(ErrorCode.ACCESS_DENIED, denied.code());
        }
    }

    @Test
    void cannotBePutAgainAsItIs() {
        Policy stored = manager.getPolicy(admin, "old-deny").orElseThrow();
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> manager.putPolicy(admin, stored));
        assertEquals(ErrorCode.INVALID_POLICY, refused.code());
    }
}
