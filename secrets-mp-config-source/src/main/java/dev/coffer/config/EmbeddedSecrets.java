package dev.coffer.config;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;

/**
 * The embedded transport ({@code coffer.url=embedded}): an application that runs the Coffer kernel
 * in-process (Tink and JDBI, or the in-memory parts) hands its {@link SecretManager} to the
 * ConfigSource, together with the identity the ConfigSource reads as; a bare manager has no caller.
 * Registered with {@link java.util.ServiceLoader} in
 * {@code META-INF/services/dev.coffer.config.EmbeddedSecrets}; when several are found the highest
 * {@link #priority()} wins.
 *
 * <pre>{@code
 * public final class AppSecrets implements EmbeddedSecrets {
 *     public SecretManager manager() { return Wiring.secretManager(); }
 *     public AccessContext context() {
 *         return AccessContext.of(Principal.of("service:payments-api", "acme"));
 *     }
 * }
 * }</pre>
 *
 * <p>Implementations must not read their own settings through {@code ConfigProvider} while the
 * ConfigSource is being built: that configuration does not exist yet. (A nested ConfigSource built
 * that way is inert rather than recursing.)
 */
public interface EmbeddedSecrets {
    /** The manager to read from; called once per cache. */
    SecretManager manager();

    /** Who reads: every read and listing is authorized and audited as this context's principal. */
    AccessContext context();

    /** Among several providers the highest wins; 0 by default. */
    default int priority() {
        return 0;
    }
}
