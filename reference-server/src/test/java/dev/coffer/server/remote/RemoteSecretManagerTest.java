package dev.coffer.server.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.remote.BearerToken;
import dev.coffer.config.remote.RemoteSecretManager;
import dev.coffer.server.support.RemoteFixture;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.error.VersionDestroyedException;
import dev.coffer.spi.error.VersionDisabledException;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link RemoteSecretManager} against the real server: every kind of problem+json answer becomes
 * the kernel's exception with the same code, transport failures become {@code STORE_UNAVAILABLE},
 * and no test value reaches a log line, the console or an exception ({@link NoValueLeaks}).
 */
@ExtendWith(NoValueLeaks.class)
class RemoteSecretManagerTest {
    private RemoteFixture fixture;
    private RemoteSecretManager remote;
    private AccessContext admin;
    private Secret secret;
    private String v1;

    @BeforeEach
    void aSecretWithTwoVersions() {
        fixture = new RemoteFixture();
        remote = fixture.manager();
        admin = fixture.admin();
        secret = remote.create(admin, NewSecret.builder(SecretPath.parse(fixture.tenant(), "prod/db/password"), "payments").build());
        v1 = TestValues.text();
        try (SecretValue value = SecretValue.ofUtf8(v1)) {
            remote.addVersion(admin, secret.id(), NewVersion.current(value));
        }
        try (SecretValue value = TestValues.value()) {
            remote.addVersion(admin, secret.id(), NewVersion.pending(value));
        }
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void notFoundCodesBecomeNotFoundException() {
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> remote.describe(admin, "sec_" + "a".repeat(26)));
        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> remote.read(admin, secret.path(), VersionSelector.number(9)));
        Expect.thrown(NotFoundException.class, ErrorCode.ALIAS_NOT_FOUND,
                () -> remote.read(admin, secret.path(), VersionSelector.alias("canary")));
        Expect.thrown(NotFoundException.class, ErrorCode.POLICY_NOT_FOUND, () -> remote.deletePolicy(admin, "nope"));
        assertTrue(remote.getPolicy(admin, "nope").isEmpty(), "POLICY_NOT_FOUND on get is an empty Optional");
    }

    @Test
    void disabledAndDestroyedVersionsHaveTheirOwnExceptions() {
        remote.disable(admin, secret.id(), 2);
        VersionDisabledException disabled = Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED,
                () -> remote.read(admin, secret.path(), VersionSelector.number(2)));
        assertTrue(disabled.getMessage().contains("HTTP 410"), disabled.getMessage());

        remote.destroy(admin, secret.id(), 2);
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED,
                () -> remote.read(admin, secret.path(), VersionSelector.number(2)));
        Expect.thrown(VersionDestroyedException.class, ErrorCode.VERSION_DESTROYED, () -> remote.enable(admin, secret.id(), 2));
    }

    @Test
    void conflictsKeepTheirCodes() {
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT, () -> remote.promote(admin, secret.id(), 2, OptionalInt.of(7)));
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_IS_CURRENT, () -> remote.disable(admin, secret.id(), 1));
        Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT, () -> remote.enable(admin, secret.id(), 2));
        Expect.thrown(ConflictException.class, ErrorCode.SECRET_NOT_PENDING_DELETION, () -> remote.restore(admin, secret.id()));
        Expect.thrown(ConflictException.class, ErrorCode.SECRET_EXISTS,
                () -> remote.create(admin, NewSecret.builder(secret.path(), "payments").build()));
    }

    @Test
    void invalidRequestsAreInvalidRequestException() {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> remote.scheduleDeletion(admin, secret.id(), 3));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> remote.moveAlias(admin, secret.id(), "previous", 2, OptionalInt.of(1)));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> remote.list(admin, dev.coffer.spi.model.SecretFilter.all(), new PageRequest("forged-token", 10)));
    }

    @Test
    void denialsAndBadTokensAreAccessDenied() {
        AccessContext stranger = AccessContext.of(Principal.of("user:stranger", fixture.tenant()));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> remote.read(stranger, secret.path(), VersionSelector.current()));

        RemoteSecretManager forged = RemoteSecretManager.builder(fixture.base()).bearerToken(BearerToken.fixed("not.a.jwt")).build();
        AccessDeniedException e = Expect.thrown(AccessDeniedException.class, ErrorCode.UNAUTHENTICATED,
                () -> forged.describe(admin, secret.id()));
        assertFalse(e.getMessage().contains("not.a.jwt"), "the token must not be in the message");
    }

    @Test
    void auditOutageIsUnavailable() {
        fixture.failAuditAppends(true);
        try {
            Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE,
                    () -> remote.read(admin, secret.path(), VersionSelector.current()));
        } finally {
            fixture.failAuditAppends(false);
        }
        try (SecretContent content = remote.read(admin, secret.path(), VersionSelector.current())) {
            assertEquals(v1, content.value().asUtf8());
        }
    }

    @Test
    void anUnreachableServerIsStoreUnavailableNamingTheUrl() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + port + "/");
        RemoteSecretManager down = RemoteSecretManager.builder(nowhere).bearerToken(BearerToken.fixed("t"))
                .connectTimeout(Duration.ofSeconds(2)).build();
        UnavailableException e = Expect.thrown(UnavailableException.class, ErrorCode.STORE_UNAVAILABLE,
                () -> down.read(admin, secret.path(), VersionSelector.current()));
        assertTrue(e.getMessage().contains(nowhere.toString()), e.getMessage());
        try (SecretValue value = TestValues.value()) {
            Expect.thrown(UnavailableException.class, ErrorCode.STORE_UNAVAILABLE,
                    () -> down.addVersion(admin, secret.id(), NewVersion.current(value)));
        }
    }

    @Test
    void purgeGoesOverTheWireAndKeepsItsRules() {
        Expect.thrown(ConflictException.class, ErrorCode.SECRET_NOT_PENDING_DELETION, () -> remote.purge(admin, secret.id()));
        remote.scheduleDeletion(admin, secret.id(), 7);
        Expect.thrown(ConflictException.class, ErrorCode.RECOVERY_WINDOW_OPEN, () -> remote.purge(admin, secret.id()));
        remote.restore(admin, secret.id());
    }

    @Test
    void describeByPathIsOneCall() {
        SecretDetails details = remote.describe(admin, secret.path());
        assertEquals(secret.id(), details.secret().id());
    }

    @Test
    void anotherTenantIsRefusedBeforeAnyRequest() {
        AccessContext outsider = AccessContext.of(Principal.of("user:admin", "elsewhere"));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> remote.read(outsider, secret.path(), VersionSelector.current()));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> remote.queryAudit(admin, AuditQuery.tenant("elsewhere"), PageRequest.first()));
    }

    @Test
    void contextTravelsAsHeadersIntoTheAudit() {
        AccessContext ctx = admin.withRequestId("remote-ctx-1").withReason("rotate after incident")
                .withTicket("https://tickets.example/INC-7").withSourceIp("10.4.5.6");
        try (SecretContent content = remote.read(ctx, secret.path(), VersionSelector.current())) {
            assertEquals(1, content.version());
        }
        List<AuditEvent> events = remote.queryAudit(admin, AuditQuery.tenant(fixture.tenant()), PageRequest.first()).items().stream()
                .filter(e -> "remote-ctx-1".equals(e.requestId())).toList();
        assertEquals(1, events.size(), events::toString);
        AuditEvent read = events.get(0);
        assertEquals("rotate after incident", read.reason());
        assertEquals("https://tickets.example/INC-7", read.ticket());
        assertEquals("10.4.5.6", read.sourceIp());
        assertEquals(admin.principal().id(), read.principal());
    }

    @Test
    void eventIdsTravelAsTheLogKeepsThem() {
        List<AuditEvent> remoteEvents = remote.queryAudit(admin, AuditQuery.tenant(fixture.tenant()), PageRequest.first()).items();
        Map<Long, AuditEvent> stored = new HashMap<>();
        fixture.parts().auditLog().query(AuditQuery.tenant(fixture.tenant()), PageRequest.first(500)).items()
                .forEach(e -> stored.put(e.seq(), e));
        assertFalse(remoteEvents.isEmpty(), "the set-up's create and versions are audited");
        for (AuditEvent event : remoteEvents) {
            assertNotNull(event.id(), () -> "event " + event.seq() + " reached the client without its id");
            assertEquals(stored.get(event.seq()).id(), event.id(), () -> "event " + event.seq() + " has the id the log keeps");
            assertEquals(stored.get(event.seq()).hash(), event.hash(), () -> "event " + event.seq() + " has the hash the log keeps");
        }
    }

    @Test
    void valuesRoundTripWithoutLeaking() {
        byte[] binary = new byte[300];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 7);
        }
        try (SecretValue value = SecretValue.of(binary)) {
            remote.addVersion(admin, secret.id(), NewVersion.current(value));
        }
        try (SecretContent content = remote.read(admin, secret.path(), VersionSelector.current())) {
            assertArrayEquals(binary, content.value().bytes());
        }
        try (SecretContent content = remote.read(admin, secret.path(), VersionSelector.number(1))) {
            assertEquals(v1, content.value().asUtf8());
            assertEquals("SecretValue[redacted]", content.value().toString());
        }
        // A value sent with a request the server refuses appears in no message.
        AccessContext stranger = AccessContext.of(Principal.of("user:stranger", fixture.tenant()));
        try (SecretValue value = TestValues.value()) {
            Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                    () -> remote.addVersion(stranger, secret.id(), NewVersion.current(value)));
            Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                    () -> remote.addVersion(admin, "sec_" + "z".repeat(26), NewVersion.current(value)));
        }
        assertFalse(remote.toString().contains("Bearer"));
    }
}
