package dev.coffer.spi.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.memory.InMemorySecrets;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several kernels over one set of parts (instances on one database) accept each other's page tokens only with one key. */
class PageTokenKeyTest {
    private static final String TENANT = "acme";
    private final InMemorySecrets parts = InMemorySecrets.create()
            .bootstrap(TENANT, Policy.allow("admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")));
    private final AccessContext admin = AccessContext.of(Principal.of("user:admin", TENANT));

    private SecretManager kernel(byte[] key) {
        StandardSecretManager.Builder builder = StandardSecretManager.builder().secretStore(parts.secretStore())
                .envelope(parts.envelope()).auditLog(parts.auditLog()).policyStore(parts.policyStore());
        return (key == null ? builder : builder.pageTokenKey(key)).build();
    }

    private String firstToken(SecretManager manager) {
        for (String name : List.of("prod/a", "prod/b", "prod/c")) {
            manager.create(admin, NewSecret.builder(SecretPath.parse(TENANT, name), "team").build());
        }
        return manager.list(admin, SecretFilter.all(), PageRequest.first(1)).nextPageToken();
    }

    @Test
    void kernelsSharingAKeyAcceptEachOthersTokens() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        SecretManager one = kernel(key);
        SecretManager two = kernel(key.clone());
        String token = firstToken(one);
        Arrays.fill(key, (byte) 0); // the builder kept its own copy
        assertEquals("prod/b", two.list(admin, SecretFilter.all(), new PageRequest(token, 1)).items().get(0).path().qualifiedName());
        assertEquals("prod/b", one.list(admin, SecretFilter.all(), new PageRequest(token, 1)).items().get(0).path().qualifiedName());
    }

    @Test
    void withoutAKeyEachKernelRefusesTheOthersTokens() {
        SecretManager one = kernel(null);
        String token = firstToken(one);
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> kernel(null).list(admin, SecretFilter.all(), new PageRequest(token, 1)));
        assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
    }

    @Test
    void keysOtherThanThirtyTwoBytesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> StandardSecretManager.builder().pageTokenKey(new byte[16]));
        assertThrows(NullPointerException.class, () -> StandardSecretManager.builder().pageTokenKey(null));
    }
}
